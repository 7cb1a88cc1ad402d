using DealLedger.Domain.Current;
using DealLedger.Projections.Deals;
using DealLedger.Projections.Estimates;
using DealLedger.Testing;

namespace DealLedger.Projections.Tests.Deals;

/// <summary>Corroboration, disputes, corrections and retractions: new facts that mark earlier ones.</summary>
public class RelationsTests(LedgerStoreFixture ledger) : StoreTest(ledger)
{
    private const string Deal = "oracle-openai-cloud-2025";

    [Fact]
    public async Task corroboration_shows_who_first_reported_a_value_and_who_also_did()
    {
        await Record(
            Envelopes.Deal("d", Deal, "2025-09-10", "WSJ"),
            Envelopes.Value("wsj", Deal, "2025-09-10", 300_000_000_000m, publisher: "WSJ"),
            Envelopes.Envelope("reuters", "fact.corroborated", Deal, "2025-09-11", new { factId = "wsj" }, "Reuters"),
            Envelopes.Value("bloomberg", Deal, "2025-09-12", 300_000_000_000m, publisher: "Bloomberg"));

        var total = (await Load<DealSummary>(Deal)).Terms["total-value"];

        Assert.Equal(["WSJ", "Reuters", "Bloomberg"], total.ReportedBy);
        Assert.Empty(total.Conflicts);
    }

    [Fact]
    public async Task a_correction_replaces_the_value_and_history_keeps_both_marked()
    {
        await Record(
            Envelopes.Deal("d", Deal, "2025-09-10", "WSJ"),
            Envelopes.Value("wsj", Deal, "2025-09-10", 300_000_000_000m, publisher: "WSJ"),
            Corrects(Envelopes.Value("wsj-fix", Deal, "2025-09-10", 30_000_000_000m, publisher: "WSJ"), "wsj"));

        var deal = await Load<DealSummary>(Deal);
        var total = deal.Terms["total-value"];

        Assert.Equal(30_000_000_000m, total.Value!.Money!.Amount);
        Assert.Equal(["wsj", "wsj-fix"], total.Reports.Select(r => r.Source.FactId));
        Assert.Equal(FactStatus.Corrected, deal.Statuses["wsj"].State);
        Assert.Equal("wsj-fix", deal.Statuses["wsj"].CorrectedBy);
        Assert.Empty(total.Conflicts);
    }

    [Fact]
    public async Task a_retraction_falls_back_to_the_best_remaining_value()
    {
        await Record(
            Envelopes.Deal("d", Deal, "2025-09-10", "WSJ"),
            Envelopes.Value("wsj", Deal, "2025-09-10", 300_000_000_000m, publisher: "WSJ"),
            Envelopes.Value("blog", Deal, "2025-09-15", 350_000_000_000m, publisher: "Some Blog", precision: "about"),
            Envelopes.Envelope("withdrawn", "fact.retracted", Deal, "2025-09-16", new { factId = "blog", reason = "no source" }, "Some Blog"));

        var deal = await Load<DealSummary>(Deal);
        var total = deal.Terms["total-value"];

        Assert.Equal(300_000_000_000m, total.Value!.Money!.Amount);
        Assert.Equal("wsj", total.Source!.FactId);
        Assert.Equal(2, total.Revisions);
        Assert.Equal(FactStatus.Retracted, deal.Statuses["blog"].State);
        Assert.False(deal.Flags.HasConflicts);
    }

    [Fact]
    public async Task live_sources_that_disagree_over_overlapping_time_are_flagged_and_listed()
    {
        await Record(
            Envelopes.Deal("d", Deal, "2025-09-10", "WSJ"),
            Envelopes.Value("wsj", Deal, "2025-09-10", 300_000_000_000m, publisher: "WSJ"),
            Envelopes.Value("ft", Deal, "2025-09-12", 250_000_000_000m, publisher: "FT"));

        var deal = await Load<DealSummary>(Deal);
        var total = deal.Terms["total-value"];

        Assert.True(deal.Flags.HasConflicts);
        Assert.Equal(250_000_000_000m, total.Value!.Money!.Amount);
        Assert.Equal(["wsj", "ft"], total.Conflicts.Select(c => c.Source.FactId));
    }

    [Fact]
    public async Task a_sources_own_later_report_is_a_revision_not_a_conflict_and_disjoint_periods_do_not_conflict()
    {
        await Record(
            Envelopes.Deal("d", Deal, "2025-09-10", "WSJ"),
            Envelopes.Value("wsj-1", Deal, "2025-09-10", 300_000_000_000m, publisher: "WSJ"),
            Envelopes.Value("wsj-2", Deal, "2025-10-10", 320_000_000_000m, publisher: "WSJ"),
            Envelopes.Envelope("fy-2027", "deal.value-reported", Deal, "2025-09-10",
                new { term = "annual", value = new { amount = 30_000_000_000m, currency = "USD" } }, "WSJ", effective: "2027"),
            Envelopes.Envelope("fy-2028", "deal.value-reported", Deal, "2025-09-11",
                new { term = "annual", value = new { amount = 60_000_000_000m, currency = "USD" } }, "FT", effective: "2028"));

        var deal = await Load<DealSummary>(Deal);

        Assert.Equal(320_000_000_000m, deal.Terms["total-value"].Value!.Money!.Amount);
        Assert.False(deal.Flags.HasConflicts);
    }

    [Fact]
    public async Task on_the_same_reported_date_a_filing_outranks_the_press()
    {
        await Record(
            Envelopes.Deal("d", Deal, "2025-09-10", "WSJ"),
            WithKind(Envelopes.Value("filing", Deal, "2025-09-10", 317_000_000_000m, publisher: "Oracle 10-Q"), "filing"),
            Envelopes.Value("press", Deal, "2025-09-10", 300_000_000_000m, publisher: "WSJ"));

        Assert.Equal("filing", (await Load<DealSummary>(Deal)).Terms["total-value"].Source!.FactId);
    }

    [Fact]
    public async Task estimate_retraction_and_correction_recompute_the_chain()
    {
        const string Burn = "openai-cash-burn-2025-2029";
        await Record(
            Envelopes.Estimate("early", Burn, "2025-04-01", 35_000_000_000m, first: true),
            Envelopes.Estimate("late", Burn, "2025-09-05", 115_000_000_000m, first: false),
            Envelopes.Estimate("rumour", Burn, "2025-10-01", 200_000_000_000m, first: false, publisher: "Some Blog"),
            Envelopes.Envelope("retract", "fact.retracted", Burn, "2025-10-02", new { factId = "rumour" }, "Some Blog"));

        var history = await Load<EstimateHistory>(Burn);

        Assert.Equal("late", history.Current!.Source.FactId);
        Assert.Equal(FactStatus.Retracted, history.Statuses["rumour"].State);
        Assert.Equal(3, history.Revisions.Count);
        Assert.Equal(85_000_000_000m, history.Revisions[2].Delta);
    }

    [Fact]
    public async Task an_estimate_correction_replaces_the_value_and_keeps_the_corrected_one_marked()
    {
        const string Burn = "openai-cash-burn-2025-2029";
        await Record(
            Envelopes.Estimate("early", Burn, "2025-04-01", 35_000_000_000m, first: true),
            Envelopes.Estimate("late", Burn, "2025-09-05", 115_000_000_000m, first: false),
            Corrects(Envelopes.Estimate("late-fix", Burn, "2025-09-06", 110_000_000_000m, first: false), "late"));

        var history = await Load<EstimateHistory>(Burn);

        Assert.Equal("late-fix", history.Current!.Source.FactId);
        Assert.Equal(FactStatus.Corrected, history.Statuses["late"].State);
        Assert.Equal(75_000_000_000m, history.Current.Delta);
    }

    private static System.Text.Json.Nodes.JsonObject Corrects(System.Text.Json.Nodes.JsonObject fact, string factId)
    {
        fact["corrects"] = factId;
        return fact;
    }

    private static System.Text.Json.Nodes.JsonObject WithKind(System.Text.Json.Nodes.JsonObject fact, string kind)
    {
        fact["source"]!["kind"] = kind;
        return fact;
    }
}
