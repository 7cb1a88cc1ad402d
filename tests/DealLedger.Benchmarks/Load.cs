using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using DealLedger.Testing;
using HdrHistogram;

namespace DealLedger.Benchmarks;

/// <summary>
/// HTTP load against an API process on a loopback port. Throughput is measured closed-loop (16 workers, each
/// sending its next request when the last one answers). Latency is measured open-loop: requests leave on a
/// fixed schedule whether or not earlier ones have answered, and each latency runs from the moment its request
/// was due, so a stall counts against every request it delayed (no coordinated omission).
/// </summary>
public static class Load
{
    private const int Clients = 16;
    private const string Schema = "bench_load";
    private const string Deal = "oracle-openai-cloud-2025";

    /// <summary>B3: p50/p99 of POST /facts at half the saturation rate.</summary>
    public static async Task<Result> PostLatencyAsync(ApiFixture api, Options options)
    {
        await using var node = await StartAsync(api);
        var next = 0;
        Func<Task> post = async () =>
        {
            var id = Interlocked.Increment(ref next);
            var fact = Envelopes.Value($"lat-{id}", $"load-deal-{id % 200}", "2025-01-01", id);
            using var response = await node.Client.PostAsync("/facts", new StringContent(fact.ToJsonString(), Encoding.UTF8, "application/json"));
            response.EnsureSuccessStatusCode();
        };

        await WarmUpAsync(post);
        var saturation = await ClosedLoopAsync(post, options.Quick ? TimeSpan.FromSeconds(3) : TimeSpan.FromSeconds(10));
        var rate = saturation / 2;
        var rounds = new List<(double P50, double P99)>();
        for (var round = 0; round < options.Rounds; round++)
        {
            rounds.Add(await FixedRateAsync(post, rate, options.Quick ? TimeSpan.FromSeconds(4) : TimeSpan.FromSeconds(15)));
        }

        var (p50, p99) = (Measure.Median(rounds.Select(r => r.P50).ToList()), Measure.Median(rounds.Select(r => r.P99).ToList()));
        return new Result("B3", $"POST /facts latency at half saturation ({rate:N0}/s of {saturation:N0}/s), p50 / p99",
            $"{Ms(p50)} / {Ms(p99)}", "— (p99 / p50 in the ratio column)", "—", p99 / p50, "p99 <= 25 ms and <= 5x p50",
            p99 <= 25 && p99 <= 5 * p50);
    }

    /// <summary>B4: requests/s of GET /deals/{slug} against a bare endpoint in the same host returning the same bytes.</summary>
    public static async Task<Result> ReadThroughputAsync(ApiFixture api, Options options)
    {
        await using var node = await StartAsync(api);
        var (read, bare) = await ReadersAsync(node);
        var window = options.Quick ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(6);
        await WarmUpAsync(read, bare);
        var (deals, baseline) = await Measure.AlternateAsync(options.Rounds, () => ClosedLoopAsync(read, window), () => ClosedLoopAsync(bare, window));
        var ratio = deals / baseline;
        return new Result("B4", $"GET /deals/{{slug}} requests/s, {Clients} concurrent clients", $"{deals:N0}/s",
            "bare endpoint in the same host returning the same bytes from memory", $"{baseline:N0}/s", ratio, ">= 0.4", ratio >= 0.4);
    }

    /// <summary>B5: p99 of GET /deals/{slug} at half the saturation rate.</summary>
    public static async Task<Result> ReadLatencyAsync(ApiFixture api, Options options)
    {
        await using var node = await StartAsync(api);
        var (read, bare) = await ReadersAsync(node);
        await WarmUpAsync(read, bare);
        var saturation = await ClosedLoopAsync(read, options.Quick ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(6));
        var rate = saturation / 2;
        var rounds = new List<(double P50, double P99)>();
        for (var round = 0; round < options.Rounds; round++)
        {
            rounds.Add(await FixedRateAsync(read, rate, options.Quick ? TimeSpan.FromSeconds(3) : TimeSpan.FromSeconds(10)));
        }

        var (p50, p99) = (Measure.Median(rounds.Select(r => r.P50).ToList()), Measure.Median(rounds.Select(r => r.P99).ToList()));
        return new Result("B5", $"GET /deals/{{slug}} latency at half saturation ({rate:N0}/s of {saturation:N0}/s), p99 (p50)",
            $"{Ms(p99)} ({Ms(p50)})", "—", "—", p99 / 10, "p99 <= 10 ms", p99 <= 10);
    }

    private static async Task<ApiNode> StartAsync(ApiFixture api)
    {
        var node = await ApiNode.StartAsync(api.ConnectionString, Schema, ("Projections:DaemonMode", "Disabled"), ("Benchmarks:BareEndpoint", "true"));
        await using var reset = Marten.DocumentStore.For(o => DealLedger.Projections.LedgerStore.Configure(o, api.ConnectionString, Schema));
        await reset.Advanced.ResetAllData();
        var deals = LedgerGenerator.Generate(seed: 3, deals: 200, factsPerDeal: 1)
            .Select((d, i) => { d["subject"] = $"load-deal-{i}"; d["factId"] = $"load-deal-{i}"; return d; });
        var file = Encoding.UTF8.GetString(SeedData.Bytes()) + "\n" + string.Join('\n', deals.Select(d => d.ToJsonString()));
        (await node.Client.PostAsync("/facts/import", new StringContent(file, Encoding.UTF8, "application/x-ndjson"))).EnsureSuccessStatusCode();
        return node;
    }

    /// <summary>The real read and the bare endpoint primed with the very bytes the real read answers.</summary>
    private static async Task<(Func<Task> Read, Func<Task> Bare)> ReadersAsync(ApiNode node)
    {
        var bytes = await node.Client.GetByteArrayAsync($"/deals/{Deal}");
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        (await node.Client.PutAsync("/_bench/bytes", content)).EnsureSuccessStatusCode();
        return (() => GetAsync(node.Client, $"/deals/{Deal}"), () => GetAsync(node.Client, "/_bench/bytes"));
    }

    /// <summary>Steady state before measuring: JIT tiers, connection pools and rendered answers are warm.</summary>
    private static async Task WarmUpAsync(params Func<Task>[] calls)
    {
        foreach (var call in calls)
        {
            await ClosedLoopAsync(call, TimeSpan.FromSeconds(2));
        }
    }

    private static async Task GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseContentRead);
        response.EnsureSuccessStatusCode();
    }

    private static async Task<double> ClosedLoopAsync(Func<Task> call, TimeSpan window)
    {
        long done = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            while (watch.Elapsed < window)
            {
                await call();
                Interlocked.Increment(ref done);
            }
        }));
        return done / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Open loop: request i is due at i / rate; its latency is measured from then. Returns p50 and p99 in ms.</summary>
    private static async Task<(double P50, double P99)> FixedRateAsync(Func<Task> call, double rate, TimeSpan duration)
    {
        var histogram = new LongConcurrentHistogram(1, 60_000_000, 3);
        var pending = new List<Task>();
        var total = (int)(rate * duration.TotalSeconds);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < total;)
        {
            var now = watch.Elapsed.TotalSeconds;
            while (i < total && i / rate <= now)
            {
                var due = i / rate;
                pending.Add(Task.Run(async () =>
                {
                    await call();
                    histogram.RecordValue(Math.Max(1, (long)((watch.Elapsed.TotalSeconds - due) * 1_000_000)));
                }));
                i++;
            }

            await Task.Delay(1);
        }

        await Task.WhenAll(pending);
        return (histogram.GetValueAtPercentile(50) / 1000.0, histogram.GetValueAtPercentile(99) / 1000.0);
    }

    private static string Ms(double ms) => $"{ms.ToString("N1", CultureInfo.InvariantCulture)} ms";
}
