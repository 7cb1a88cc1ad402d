using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using DealLedger.Projections;
using DealLedger.Testing;
using Marten;

namespace DealLedger.Benchmarks;

/// <summary>
/// B2: facts per second through POST /facts, one fact per request, 16 concurrent clients, against a real API
/// process on a loopback port; baseline: the same facts appended in process through Marten, 16 concurrent
/// sessions, with no HTTP, validation or idempotency check.
/// </summary>
public static class Writes
{
    private const int Clients = 16;

    public static async Task<Result> PostVersusMartenAppendAsync(ApiFixture api, Options options)
    {
        const string Schema = "bench_writes";
        var deals = LedgerGenerator.Generate(seed: 12, deals: options.Quick ? 60 : 400, factsPerDeal: 1);
        var values = Enumerable.Range(0, options.Quick ? 100 : 1_000)
            .Select(i => Envelopes.Value($"w-{i}", (string)deals[i % deals.Count]["subject"]!, "2025-01-01", i + 1m))
            .ToList();
        using var store = DocumentStore.For(o => LedgerStore.Configure(o, api.ConnectionString, Schema));
        await using var node = await ApiNode.StartAsync(api.ConnectionString, Schema, [("Projections:DaemonMode", "Disabled"), .. ApiFixture.NoClientLimits]);

        async Task ResetAsync()
        {
            await store.Advanced.ResetAllData();
            (await node.Client.PostAsync("/facts/import", new StringContent(string.Join('\n', deals.Select(d => d.ToJsonString())),
                Encoding.UTF8, "application/x-ndjson"))).EnsureSuccessStatusCode();
        }

        var (http, marten) = await Measure.AlternateAsync(options.Rounds,
            async () =>
            {
                await ResetAsync();
                return await RateAsync(values, async fact =>
                {
                    using var response = await node.Client.PostAsync("/facts", new StringContent(fact.ToJsonString(), Encoding.UTF8, "application/json"));
                    response.EnsureSuccessStatusCode();
                });
            },
            async () =>
            {
                await ResetAsync();
                return await RateAsync(values, async fact =>
                {
                    var parsed = Envelopes.Parse(fact);
                    await using var session = store.LightweightSession();
                    session.Events.Append(parsed.Subject, parsed.Event);
                    await session.SaveChangesAsync();
                });
            });
        var ratio = http / marten;
        return new Result("B2", $"facts/s through POST /facts, one per request, {Clients} concurrent clients", $"{http:N0}/s",
            $"in-process Marten append of the same facts, {Clients} concurrent sessions", $"{marten:N0}/s", ratio, ">= 0.6", ratio >= 0.6,
            "API in its own process on loopback; each request validates, checks the fact id and writes the inline read models");
    }

    private static async Task<double> RateAsync(List<JsonObject> facts, Func<JsonObject, Task> write)
    {
        var queue = new ConcurrentQueue<JsonObject>(facts);
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            while (queue.TryDequeue(out var fact))
            {
                await write(fact);
            }
        }));
        return facts.Count / watch.Elapsed.TotalSeconds;
    }
}
