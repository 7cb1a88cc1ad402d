using System.Diagnostics;
using DealLedger.Projections;
using DealLedger.Testing;
using Marten.Events;
using Marten;

namespace DealLedger.Benchmarks;

/// <summary>
/// B7l: how long PartyExposure takes to show one new fact about a deal of a party with 5,000 deals, against one of a
/// party with 50, alternated, with the async daemon running as in the product: from the fact's commit until the
/// read model's progression row passes it. Both sides include the daemon noticing the new event (its polling), so
/// the ratio is what says whether a party's size costs anything.
/// </summary>
public static class PartyLive
{
    private const string Schema = "bench_party_live";

    public static async Task<Result> OneFactVersusPartySizeAsync(ApiFixture api, Options options)
    {
        const int Big = 5_000;
        const int Small = 50;
        var models = ReadModels.All.Where(m => m.Name is "FactIndex" or "DealSummary" or "PartyExposure").ToList();
        var partyExposure = models.Single(m => m.Name == "PartyExposure");
        using var store = DocumentStore.For(o => LedgerStore.Configure(o, api.ConnectionString, Schema, models));
        await store.Advanced.Clean.CompletelyRemoveAllAsync();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        // Each deal has its own vendor, so only the buyer's deal count differs between the two sides.
        var deals = Enumerable.Range(0, Big).Select(i => ("big", $"big-deal-{i}"))
            .Concat(Enumerable.Range(0, Small).Select(i => ("small", $"small-deal-{i}")));
        foreach (var chunk in deals.Chunk(500))
        {
            await LedgerStoreFixture.RecordAsync(store, chunk.SelectMany(d => new[]
            {
                Envelopes.Deal($"{d.Item2}-r", d.Item2, "2025-01-10", "Test Wire", (d.Item1, "buyer"), ($"vendor-{d.Item2}", "vendor")),
                Envelopes.Value($"{d.Item2}-v", d.Item2, "2025-01-10", 1_000_000m),
            }).Select(Envelopes.Parse));
        }

        using var daemon = await store.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();
        await CatchUp.WaitAsync(store, store.WaitForNonStaleProjectionDataAsync);

        var round = 0;
        async Task<double> OneFactAsync(string deal)
        {
            round++;
            var fact = Envelopes.Parse(Envelopes.Value($"live-{round}", deal, "2025-02-01", 1_000_000m + round));
            var watch = Stopwatch.StartNew();
            await LedgerStoreFixture.RecordAsync(store, [fact]);
            var position = (await store.Advanced.FetchEventStoreStatistics()).EventSequenceNumber;
            while (ReadModels.ProgressOf(await store.Advanced.AllProjectionProgress(), partyExposure) < position)
            {
                await Task.Delay(2);
            }

            return watch.Elapsed.TotalMilliseconds;
        }

        // Warm-up on both sides (JIT, plans), then alternate.
        await OneFactAsync("big-deal-1");
        await OneFactAsync("small-deal-1");
        var rounds = options.Quick ? 9 : 21;
        var (big, small) = await Measure.AlternateAsync(rounds, () => OneFactAsync($"big-deal-{round % Big}"), () => OneFactAsync($"small-deal-{round % Small}"));
        await daemon.StopAllAsync();
        var ratio = big / small;
        return new Result("B7l", $"PartyExposure showing one new fact, its party holding {Big:N0} deals (async daemon)", $"{big:0} ms",
            $"the same, its party holding {Small} deals", $"{small:0} ms", ratio, "<= 1.5", ratio <= 1.5,
            "from the fact's commit to the read model's progression passing it; both sides include the daemon's polling");
    }
}
