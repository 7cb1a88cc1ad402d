using DealLedger.Testing;
using Marten;

namespace DealLedger.Projections.Tests.Replay;

/// <summary>Rebuilding from a large generated log gives the documents built live, and the same documents every time.</summary>
public class DeterminismTests(LedgerStoreFixture ledger) : StoreTest(ledger)
{
    [Fact]
    public async Task rebuilding_a_100000_fact_log_twice_gives_the_live_documents_both_times()
    {
        var facts = LedgerGenerator.Generate(seed: 100, deals: 4_000, factsPerDeal: 24, estimates: 500, revisionsPerEstimate: 7, relations: true)
            .Select(Envelopes.Parse).ToList();
        Assert.True(facts.Count >= 100_000);
        foreach (var chunk in facts.Chunk(10_000))
        {
            await Ledger.RecordAsync(chunk);
        }

        await Ledger.CatchUpAsync();
        var live = await HashesAsync();

        await RebuildAllAsync();
        var first = await HashesAsync();
        await RebuildAllAsync();
        var second = await HashesAsync();

        Assert.Equal(live, first);
        Assert.Equal(first, second);
    }

    private async Task RebuildAllAsync()
    {
        using var daemon = await Ledger.Store.BuildProjectionDaemonAsync();
        foreach (var model in ReadModels.All)
        {
            await CatchUp.RebuildAsync(daemon, Ledger.Store, model.Name);
        }
    }

    private async Task<Dictionary<string, string>> HashesAsync()
    {
        var hashes = new Dictionary<string, string>();
        foreach (var model in ReadModels.All)
        {
            hashes[model.Name] = await Ledger.HashAsync(model);
        }

        return hashes;
    }
}
