using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using DealLedger.Testing;
using Npgsql;
using NpgsqlTypes;

namespace DealLedger.Benchmarks;

public sealed record Options(bool Quick)
{
    /// <summary>Rounds of each A/B alternation (the median is quoted); quick runs use smaller data and shorter windows instead.</summary>
    public int Rounds { get; } = 5;
}

/// <summary>The scenarios, each measured against its baseline in the same run.</summary>
public static class Scenarios
{
    /// <summary>Each scenario gives one row of the table or more (B4 with a second load generator, B5 at a second rate).</summary>
    public static readonly IReadOnlyDictionary<string, Func<ApiFixture, Options, Task<IReadOnlyList<Result>>>> All =
        new Dictionary<string, Func<ApiFixture, Options, Task<IReadOnlyList<Result>>>>(StringComparer.OrdinalIgnoreCase)
        {
            ["B1"] = One(ImportVersusCopyAsync),
            ["B2"] = One(Writes.PostVersusMartenAppendAsync),
            ["B2b"] = One(Writes.PostVersusRawCommitAsync),
            ["B2c"] = One(Writes.PostOnLongHistoryAsync),
            ["B3"] = One(Load.PostLatencyAsync),
            ["B4"] = Load.ReadThroughputAsync,
            ["B5"] = Load.ReadLatencyAsync,
            ["B6"] = One(TemporalReadVersusSmallDealAsync),
            ["B7"] = One(Replay.RebuildVersusHandWrittenAsync),
            ["B7p"] = One(Replay.PartyExposureLinearityAsync),
            ["B7c"] = One(Replay.CommitmentsLinearityAsync),
            ["B7l"] = One(PartyLive.OneFactVersusPartySizeAsync),
            ["B8"] = One(Replay.RebuildMemoryAsync),
            ["B9"] = One(Load.ApiMemoryAsync),
            ["B10"] = One(Load.CrossNodeLagAsync),
            ["B11"] = One(RaceLag.AsyncReadModelsUnderRacesAsync),
        };

    private static Func<ApiFixture, Options, Task<IReadOnlyList<Result>>> One(Func<ApiFixture, Options, Task<Result>> scenario) =>
        async (api, options) => [await scenario(api, options)];

    /// <summary>
    /// B1: facts per second through POST /facts/import (10,000 facts over 1,000 deals, validated, idempotency
    /// checked) against a raw Npgsql binary COPY of the very event rows the import stored.
    /// </summary>
    private static async Task<Result> ImportVersusCopyAsync(ApiFixture api, Options options)
    {
        var facts = LedgerGenerator.Generate(seed: 42, deals: options.Quick ? 200 : 1_000, factsPerDeal: 10);
        var file = string.Join('\n', facts.Select(f => f.ToJsonString()));
        var client = api.Client();
        await api.ResetAsync();
        (await api.ImportAsync(file, client)).EnsureSuccessStatusCode();
        var rows = await ReadEventRowsAsync(api);
        var connection = (NpgsqlConnection)api.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using (connection)
        {
            await using (var create = new NpgsqlCommand("drop table if exists public.bench_copy; create table public.bench_copy " +
                             "(seq_id bigint, id uuid, stream_id varchar, version bigint, data jsonb, type varchar, timestamp timestamptz, " +
                             "correlation_id varchar, user_name varchar)", connection))
            {
                await create.ExecuteNonQueryAsync();
            }

            var (import, copy) = await Measure.AlternateAsync(options.Rounds,
                async () =>
                {
                    await api.ResetAsync();
                    var watch = Stopwatch.StartNew();
                    (await api.ImportAsync(file, client)).EnsureSuccessStatusCode();
                    return facts.Count / watch.Elapsed.TotalSeconds;
                },
                async () =>
                {
                    await using (var truncate = new NpgsqlCommand("truncate public.bench_copy", connection))
                    {
                        await truncate.ExecuteNonQueryAsync();
                    }

                    var watch = Stopwatch.StartNew();
                    await CopyAsync(connection, rows);
                    return rows.Count / watch.Elapsed.TotalSeconds;
                });
            var ratio = import / copy;
            return new Result("B1", $"facts/s through POST /facts/import ({facts.Count:N0} facts, {facts.Count / 10:N0} deals)", Rate(import),
                "raw binary COPY of the same event rows", Rate(copy), ratio, ">= 0.5", ratio >= 0.5,
                "one transaction of per-stream appends with inline projections and the idempotency index");
        }
    }

    /// <summary>B6: an asOf read of a deal with 10,000 facts against the same read of a deal with 100 facts.</summary>
    private static async Task<Result> TemporalReadVersusSmallDealAsync(ApiFixture api, Options options)
    {
        await api.ResetAsync();
        foreach (var (slug, size) in new[] { ("bench-deal-10k", 10_000), ("bench-deal-100", 100) })
        {
            var file = string.Join('\n', LedgerGenerator.SingleDeal(seed: 6, slug, size).Select(f => f.ToJsonString()));
            (await api.ImportAsync(file)).EnsureSuccessStatusCode();
        }

        var client = api.Client(withKey: false);
        const string Basis = "asOf=2024-06-30&effectiveAt=2024-01-01&recordedAsOf=2100-01-01";
        async Task Read(string slug)
        {
            var response = await client.GetAsync($"/deals/{slug}?{Basis}");
            response.EnsureSuccessStatusCode();
            _ = await response.Content.ReadFromJsonAsync<JsonNode>();
        }

        // Steady state: the JIT's optimised tier and the stream cache are what a running API serves with.
        for (var i = 0; i < 40; i++)
        {
            await Read(i % 2 == 0 ? "bench-deal-10k" : "bench-deal-100");
        }
        var (large, small) = await Measure.AlternateAsync(options.Rounds,
            () => Measure.MillisecondsAsync(options.Quick ? 3 : 5, () => Read("bench-deal-10k")),
            () => Measure.MillisecondsAsync(options.Quick ? 3 : 5, () => Read("bench-deal-100")));
        var ratio = large / small;
        return new Result("B6", "asOf + effectiveAt + recordedAsOf read, deal with 10,000 facts (p50)", Ms(large),
            "the same read, deal with 100 facts", Ms(small), ratio, "<= 10x and p50 < 100 ms", ratio <= 10 && large < 100,
            "reads only the deal's own stream and folds it with the inline projection's fold");
    }

    private static async Task<List<object?[]>> ReadEventRowsAsync(ApiFixture api)
    {
        var schema = api.Store.Options.Events.DatabaseSchemaName;
        var rows = new List<object?[]>();
        await using var connection = (NpgsqlConnection)api.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select seq_id, id, stream_id, version, data::text, type, timestamp, correlation_id, user_name from {schema}.mt_events", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            reader.GetValues(row!);
            rows.Add(row);
        }

        return rows;
    }

    private static async Task CopyAsync(NpgsqlConnection connection, List<object?[]> rows)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            "copy public.bench_copy (seq_id, id, stream_id, version, data, type, timestamp, correlation_id, user_name) from stdin (format binary)");
        NpgsqlDbType[] types = [NpgsqlDbType.Bigint, NpgsqlDbType.Uuid, NpgsqlDbType.Varchar, NpgsqlDbType.Bigint, NpgsqlDbType.Jsonb,
            NpgsqlDbType.Varchar, NpgsqlDbType.TimestampTz, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar];
        foreach (var row in rows)
        {
            await importer.StartRowAsync();
            for (var i = 0; i < row.Length; i++)
            {
                if (row[i] is null or DBNull)
                {
                    await importer.WriteNullAsync();
                }
                else
                {
                    await importer.WriteAsync(row[i], types[i]);
                }
            }
        }

        await importer.CompleteAsync();
    }

    private static string Rate(double perSecond) => $"{perSecond.ToString("N0", CultureInfo.InvariantCulture)}/s";

    private static string Ms(double ms) => $"{ms.ToString("N1", CultureInfo.InvariantCulture)} ms";
}
