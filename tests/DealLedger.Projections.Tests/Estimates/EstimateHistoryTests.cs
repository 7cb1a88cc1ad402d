using DealLedger.Domain.Sources;
using DealLedger.Projections.Estimates;
using DealLedger.Testing;

namespace DealLedger.Projections.Tests.Estimates;

public class EstimateHistoryTests(LedgerStoreFixture ledger) : StoreTest(ledger)
{
    private const string Burn = "openai-cash-burn-2025-2029";

    [Fact]
    public async Task revision_chain_shows_delta_ratio_and_source_in_reported_order()
    {
        await Record(
            Envelopes.Estimate("early", Burn, "2025-04-01", 35_000_000_000m, first: true),
            Envelopes.Estimate("late", Burn, "2025-09-05", 115_000_000_000m, first: false));

        var history = await Load<EstimateHistory>(Burn);

        Assert.Equal([35_000_000_000m, 115_000_000_000m], history.Revisions.Select(r => r.Value.Amount!.Value));
        Assert.Null(history.Revisions[0].Delta);
        Assert.Equal(80_000_000_000m, history.Current!.Delta);
        Assert.Equal(3.2857m, history.Current.Ratio);
        Assert.Equal("The Information", history.Current.Source.Source.Publisher);
        Assert.NotEqual(default, history.Current.Source.RecordedAt);
        Assert.Equal(2, history.Version);
    }

    [Fact]
    public async Task a_back_filled_value_takes_its_place_in_the_chain_and_deltas_follow()
    {
        await Record(
            Envelopes.Estimate("first", Burn, "2025-04-01", 35_000_000_000m, first: true),
            Envelopes.Estimate("latest", Burn, "2025-09-05", 115_000_000_000m, first: false),
            Envelopes.Estimate("middle", Burn, "2025-06-01", 50_000_000_000m, first: false));

        var history = await Load<EstimateHistory>(Burn);

        Assert.Equal(["first", "middle", "latest"], history.Revisions.Select(r => r.Source.FactId));
        Assert.Equal(65_000_000_000m, history.Current!.Delta);
        Assert.Equal(15_000_000_000m, history.Revisions[1].Delta);
    }

    [Fact]
    public async Task the_same_estimate_again_is_a_restatement_or_a_corroboration_with_no_delta()
    {
        await Record(
            Envelopes.Estimate("first", Burn, "2025-04-01", 35_000_000_000m, first: true),
            Envelopes.Estimate("again", Burn, "2025-05-01", 35_000_000_000m, first: false),
            Envelopes.Estimate("wire", Burn, "2025-05-02", 35_000_000_000m, first: false, publisher: "Reuters"),
            Envelopes.Estimate("latest", Burn, "2025-09-05", 115_000_000_000m, first: false));

        var history = await Load<EstimateHistory>(Burn);

        Assert.Equal([Repeats.First, Repeats.Restatement, Repeats.Corroboration, Repeats.Revision], history.Revisions.Select(r => r.Change));
        Assert.All(history.Revisions.Take(3), r => Assert.Null(r.Delta));
        Assert.All(history.Revisions.Take(3), r => Assert.Null(r.Ratio));
        Assert.Equal(80_000_000_000m, history.Current!.Delta);
    }
}
