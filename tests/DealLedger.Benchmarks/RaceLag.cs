using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using DealLedger.Testing;
using Npgsql;

namespace DealLedger.Benchmarks;

/// <summary>
/// B11: how long every async read model takes to show a fact while writers race on the same subjects. 16 writers on 4
/// deals, half of them reading the deal first and naming its version (If-Match), half not; for each fact answered 201,
/// the time from its answer until every async read model's progression has passed its log position. A write that lost
/// its race after taking an event sequence number left a gap that held every read model still until the daemon gave
/// up waiting for it.
/// </summary>
public static class RaceLag
{
    private const string Schema = "bench_race";
    private const int Writers = 16;
    private static readonly string[] Deals = ["race-a", "race-b", "race-c", "race-d"];

    public static async Task<Result> AsyncReadModelsUnderRacesAsync(ApiFixture api, Options options)
    {
        await using var node = await ApiNode.StartAsync(api.ConnectionString, Schema, ApiFixture.NoClientLimits);
        await using var database = NpgsqlDataSource.Create(api.ConnectionString);
        (await node.Client.PostAsync("/facts/import", new StringContent(string.Join('\n', Deals.Select(d => Envelopes.Deal($"d-{d}", d, "2025-01-01").ToJsonString())),
            Encoding.UTF8, "application/x-ndjson"))).EnsureSuccessStatusCode();
        await WaitForReadModelsAsync(database, await LogEndAsync(database), TimeSpan.FromSeconds(60));

        var clock = Stopwatch.StartNew();
        var answered = new ConcurrentBag<(long Position, double At)>();
        var statuses = new ConcurrentDictionary<HttpStatusCode, int>();
        var until = TimeSpan.FromSeconds(options.Quick ? 15 : 60);
        var passed = new List<(double At, long Position)>();
        using var stop = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                passed.Add((clock.Elapsed.TotalMilliseconds, await SlowestReadModelAsync(database)));
                await Task.Delay(10, CancellationToken.None);
            }
        });

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(async writer =>
        {
            var deal = Deals[writer % Deals.Length];
            for (var n = 0; clock.Elapsed < until; n++)
            {
                string? ifMatch = null;
                if (writer % 2 == 0)
                {
                    using var read = await node.Client.GetAsync($"/deals/{deal}");
                    ifMatch = read.Headers.ETag?.Tag;
                }

                using var request = new HttpRequestMessage(HttpMethod.Post, "/facts")
                {
                    Content = new StringContent(Envelopes.Value($"w{writer}-{n}", deal, "2025-01-01", n + 1m).ToJsonString(), Encoding.UTF8, "application/json"),
                };
                if (ifMatch is not null)
                {
                    request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
                }

                using var response = await node.Client.SendAsync(request);
                statuses.AddOrUpdate(response.StatusCode, 1, (_, c) => c + 1);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    answered.Add((long.Parse(response.Headers.GetValues("Ledger-Position").Single(), CultureInfo.InvariantCulture), clock.Elapsed.TotalMilliseconds));
                }
            }
        }));

        var last = answered.Max(a => a.Position);
        await WaitForReadModelsAsync(database, last, TimeSpan.FromSeconds(120));
        await Task.Delay(50);
        await stop.CancelAsync();
        await watcher;

        var lags = answered.Select(a => passed.First(p => p.Position >= a.Position && p.At >= a.At).At - a.At).Order().ToList();
        var p50 = lags[lags.Count / 2];
        var p99 = lags[(int)Math.Ceiling(lags.Count * 0.99) - 1];
        var gaps = await SequenceNumbersWithoutEventAsync(database);
        var answers = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(int)s.Key} x{s.Value}"));
        return new Result("B11", $"every async read model showing a fact, {Writers} writers racing on {Deals.Length} deals (half with If-Match), p99 (p50, max)",
            $"{Ms(p99)} ({Ms(p50)}, {Ms(lags[^1])})", "—", "—", p99 / 2000, "p99 < 2 s", p99 < 2000,
            $"{lags.Count} facts recorded in {until.TotalSeconds:0} s; answers {answers}; {gaps} sequence numbers handed out and held by no event row; polled every 10 ms");
    }

    private static string Ms(double ms) => ms.ToString("N0", CultureInfo.InvariantCulture) + " ms";

    private static async Task<long> SlowestReadModelAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand($"select coalesce(min(last_seq_id), 0) from {Schema}.mt_event_progression where name not like 'HighWater%'");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> LogEndAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand($"select coalesce(max(seq_id), 0) from {Schema}.mt_events");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> SequenceNumbersWithoutEventAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand(
            $"select (select last_value from {Schema}.mt_events_sequence) - (select count(*) from {Schema}.mt_events)");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task WaitForReadModelsAsync(NpgsqlDataSource database, long position, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (await SlowestReadModelAsync(database) < position)
        {
            if (watch.Elapsed > timeout)
            {
                await using var rows = database.CreateCommand($"select string_agg(name || ' ' || last_seq_id, ', ') from {Schema}.mt_event_progression");
                throw new TimeoutException($"the async read models did not reach {position} in {timeout.TotalSeconds:0} s: {await rows.ExecuteScalarAsync()}");
            }

            await Task.Delay(20);
        }
    }
}
