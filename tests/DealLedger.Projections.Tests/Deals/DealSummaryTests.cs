using DealLedger.Projections.Deals;
using DealLedger.Testing;

namespace DealLedger.Projections.Tests.Deals;

public class DealSummaryTests(LedgerStoreFixture ledger) : StoreTest(ledger)
{
    private const string Deal = "oracle-openai-cloud-2025";

    [Fact]
    public async Task summary_shows_each_terms_current_value_with_its_source_and_revision_count()
    {
        await Record(
            Envelopes.Deal("d1", Deal, "2025-09-10", "WSJ"),
            Envelopes.Value("v1", Deal, "2025-09-10", 300_000_000_000m, publisher: "WSJ"),
            Envelopes.Value("v2", Deal, "2025-09-20", 320_000_000_000m, publisher: "Reuters"),
            Envelopes.Value("f1", Deal, "2025-09-11", 30_000_000_000m, term: "first-year", precision: "about"));

        var summary = await Load<DealSummary>(Deal);

        Assert.Equal(["openai:buyer", "oracle:vendor"], summary.Parties.Select(p => $"{p.Party}:{p.Role}"));
        var total = summary.Terms["total-value"];
        Assert.Equal(320_000_000_000m, total.Value!.Money!.Amount);
        Assert.Equal("Reuters", total.Source!.Source.Publisher);
        Assert.Equal(new DateOnly(2025, 9, 20), total.Source!.ReportedOn);
        Assert.Equal(2, total.Revisions);
        Assert.Equal("about", summary.Terms["first-year-value"].Value!.Money!.Precision);
        Assert.Equal("signed", summary.Status);
        Assert.Equal(4, summary.Version);
        Assert.Equal("WSJ", summary.FirstReportedBy!.Source.Publisher);
    }

    [Fact]
    public async Task a_back_filled_older_report_counts_as_a_revision_but_does_not_replace_the_newer_value()
    {
        await Record(
            Envelopes.Deal("d1", Deal, "2025-09-10"),
            Envelopes.Value("new", Deal, "2025-09-10", 300_000_000_000m),
            Envelopes.Value("old", Deal, "2024-01-05", 100_000_000_000m));

        var total = (await Load<DealSummary>(Deal)).Terms["total-value"];

        Assert.Equal(300_000_000_000m, total.Value!.Money!.Amount);
        Assert.Equal("new", total.Source!.FactId);
        Assert.Equal(2, total.Revisions);
    }

    [Fact]
    public async Task a_disputed_claim_is_flagged_on_the_deal_and_on_the_relation()
    {
        await Record(
            Envelopes.Deal("stargate", "stargate-2025", "2025-01-21"),
            Envelopes.Deal("texas", "texas-site", "2025-09-11"),
            Envelopes.Envelope("claim", "deal.relation-reported", "texas-site", "2025-09-11",
                new { relation = "part-of", target = "stargate-2025" }, "OpenAI", "company"),
            Envelopes.Envelope("dispute", "fact.disputed", "texas-site", "2025-09-11",
                new { factId = "claim", reason = "not part of Stargate" }, "Le Temps"));

        var summary = await Load<DealSummary>("texas-site");

        Assert.True(summary.Flags.HasDisputedClaims);
        var relation = Assert.Single(summary.Relations);
        Assert.True(relation.Disputed);
        Assert.Equal("stargate-2025", relation.Target);
        Assert.Equal("claim", Assert.Single(summary.Disputes).DisputedFactId);
    }

    [Fact]
    public async Task an_exclusivity_is_in_force_until_a_fact_lifts_it()
    {
        await Record(Envelopes.Envelope("x1", "deal.reported", "azure-exclusivity", "2019-07-22", new
        {
            title = "Azure exclusivity", kind = "exclusivity",
            parties = new[] { new { party = "microsoft", role = "grantor" }, new { party = "openai", role = "beneficiary" } },
        }, "Microsoft", "company", "since 2019"));
        Assert.True((await Load<DealSummary>("azure-exclusivity")).Flags.ExclusivityInForce);

        await Record(Envelopes.Envelope("x2", "deal.exclusivity-lifted", "azure-exclusivity", "2025-09-11", new { reason = "compute" },
            effective: "2024"));

        var summary = await Load<DealSummary>("azure-exclusivity");
        Assert.False(summary.Flags.ExclusivityInForce);
        Assert.Equal("2024", summary.Terms["exclusivity"].Value!.Period!.Text);
        Assert.Equal(2, summary.Terms["exclusivity"].Revisions);
    }
}
