using System.Diagnostics;
using System.Globalization;
using DealLedger.Domain.Facts;
using DealLedger.Projections;
using DealLedger.Projections.Deals;
using DealLedger.Testing;
using JasperFx.Events;
using Marten;
using Marten.Events;
using Npgsql;
using NpgsqlTypes;

namespace DealLedger.Benchmarks;

/// <summary>
/// B7: Marten's rebuild of DealSummary against a hand-written replay of the same events: read them with
/// Npgsql in stream order, deserialize with Marten's serializer, fold with the projection's own fold, and
/// write the documents with a binary COPY. Both produce the same documents; the ratio is Marten's overhead.
/// </summary>
public static class Replay
{
    public static async Task<Result> RebuildVersusHandWrittenAsync(ApiFixture api, Options options)
    {
        var deals = options.Quick ? 5_000 : 15_000;
        await api.ResetAsync();
        var facts = LedgerGenerator.Generate(seed: 77, deals: deals, factsPerDeal: 20, relations: true);
        foreach (var chunk in facts.Chunk(20_000))
        {
            (await api.ImportAsync(string.Join('\n', chunk.Select(f => f.ToJsonString())))).EnsureSuccessStatusCode();
        }

        var store = (DocumentStore)api.Store;
        var (marten, hand) = await Measure.AlternateAsync(Math.Min(options.Rounds, 3),
            async () =>
            {
                using var daemon = await store.BuildProjectionDaemonAsync();
                var watch = Stopwatch.StartNew();
                await daemon.RebuildProjectionAsync("DealSummary", TimeSpan.FromMinutes(10), CancellationToken.None);
                return facts.Count / watch.Elapsed.TotalSeconds;
            },
            async () =>
            {
                var watch = Stopwatch.StartNew();
                await HandWrittenAsync(store);
                return facts.Count / watch.Elapsed.TotalSeconds;
            });
        var ratio = marten / hand;
        return new Result("B7", $"DealSummary rebuild, events/s ({facts.Count:N0} events, {deals:N0} deals)", $"{marten:N0}/s",
            "hand-written replay: Npgsql read, same deserializer and fold, binary COPY", $"{hand:N0}/s", ratio, ">= 0.5", ratio >= 0.5);
    }

    private static async Task HandWrittenAsync(DocumentStore store)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        var serializer = store.Options.Serializer();
        var events = (EventGraph)store.Options.Events;
        var dealTypes = FactTypes.All.Where(t => t.Stream is StreamKind.Deal or null).ToDictionary(t => t.Name, t => t.EventType);
        await using var read = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await using var write = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await read.OpenAsync();
        await write.OpenAsync();
        await using (var create = new NpgsqlCommand("drop table if exists public.bench_replay; create table public.bench_replay (id varchar primary key, data jsonb)", write))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand(
            $"select e.seq_id, e.id, e.stream_id, e.version, e.data::text, e.type, e.timestamp from {schema}.mt_events e " +
            $"join {schema}.mt_streams s on s.id = e.stream_id where s.type = 'deal_summary' order by e.stream_id, e.seq_id", read);
        await using var reader = await command.ExecuteReaderAsync();
        await using var importer = await write.BeginBinaryImportAsync("copy public.bench_replay (id, data) from stdin (format binary)");
        string? stream = null;
        var batch = new List<IEvent>();
        while (await reader.ReadAsync())
        {
            var key = reader.GetString(2);
            if (stream is not null && key != stream)
            {
                await WriteAsync(importer, serializer, stream, batch);
                batch.Clear();
            }

            stream = key;
            if (!dealTypes.TryGetValue(reader.GetString(5), out var type))
            {
                continue;
            }

            var data = serializer.FromJson(type, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(reader.GetString(4))));
            var e = events.BuildEvent(data);
            e.Sequence = reader.GetInt64(0);
            e.Id = reader.GetGuid(1);
            e.StreamKey = key;
            e.Version = reader.GetInt64(3);
            e.Timestamp = reader.GetFieldValue<DateTimeOffset>(6);
            batch.Add(e);
        }

        if (stream is not null)
        {
            await WriteAsync(importer, serializer, stream, batch);
        }

        await importer.CompleteAsync();
        await importer.CloseAsync();
        await using var check = new NpgsqlCommand(
            $"select (select count(*) from public.bench_replay) = (select count(*) from {schema}.mt_doc_dealsummary)", write);
        if (await check.ExecuteScalarAsync() is not true)
        {
            throw new InvalidOperationException("the hand-written replay did not produce one document per deal");
        }
    }

    private static async Task WriteAsync(NpgsqlBinaryImporter importer, ISerializer serializer, string stream, List<IEvent> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var summary = DealSummaryProjection.Fold(null, stream, batch);
        summary.Version = (int)batch[^1].Version;
        await importer.StartRowAsync();
        await importer.WriteAsync(stream, NpgsqlDbType.Varchar);
        await importer.WriteAsync(serializer.ToJson(summary), NpgsqlDbType.Jsonb);
    }

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
