using DealLedger.Projections.Commitments;
using DealLedger.Projections.Sources;
using DealLedger.Testing;
using Marten;

namespace DealLedger.Projections.Tests.Replay;

/// <summary>The read models added after the fact, filled from the whole history by the async daemon.</summary>
public class LaterReadModelsTests(LedgerStoreFixture ledger) : StoreTest(ledger)
{
    [Fact]
    public async Task commitments_place_the_oracle_contract_by_its_first_year_then_spread_the_rest_and_say_why_others_are_unscheduled()
    {
        await Ledger.RecordAsync(SeedData.Facts());
        await Ledger.CatchUpAsync();

        CommitmentsByYear openai;
        await using (var session = Ledger.Store.QuerySession())
        {
            openai = CommitmentsByYearProjection.FromEntries("openai", await session.Query<CommitmentEntry>().Where(e => e.Buyer == "openai").ToListAsync())!;
        }

        // $300B from 2027 over about five years, about $30B in the first year: the first year is the reported one,
        // the other $270B is spread over 2028-2031; every year is "about" (the duration and first year are).
        var oracle = openai.Years.Where(y => y.Counterparty == "oracle").ToList();
        Assert.Equal([2027, 2028, 2029, 2030, 2031], oracle.Select(y => y.Year));
        Assert.Equal([30_000_000_000m, 67_500_000_000m, 67_500_000_000m, 67_500_000_000m, 67_500_000_000m], oracle.Select(y => y.Amount));
        Assert.All(oracle, y => Assert.Equal("about", y.Precision));
        var deal = Assert.Single(openai.Deals, d => d.Deal == "oracle-openai-cloud-2025");
        Assert.Equal(["first-year", "remainder", "remainder", "remainder", "remainder"], deal.Schedule.Select(y => y.Basis));
        Assert.Equal(["seed-oracle-contract-value", "seed-oracle-contract-first-year", "seed-oracle-contract-duration", "seed-oracle-contract-start",
            "seed-oracle-contract-reported"], deal.Facts);
        Assert.Equal("total value not disclosed", Assert.Single(openai.Unscheduled, d => d.Deal == "google-openai-cloud-2025").Reason);

        // The Broadcom chip deal has a value and a start but no duration: it is not lumped into one year.
        var broadcom = Assert.Single(openai.Unscheduled, d => d.Deal == "broadcom-openai-accelerator-2025");
        Assert.StartsWith("no duration reported", broadcom.Reason);
        Assert.DoesNotContain(openai.Deals, d => d.Deal == "broadcom-openai-accelerator-2025");
    }

    [Fact]
    public async Task the_source_scorecard_counts_reports_first_reports_and_what_others_said_of_them()
    {
        await Ledger.RecordAsync(SeedData.Facts());
        await Record(
            Envelopes.Envelope("c1", "fact.corroborated", "oracle-openai-cloud-2025", "2025-09-12", new { factId = "seed-oracle-contract-value" }, "Reuters"),
            Envelopes.Envelope("d1", "fact.disputed", "oracle-openai-cloud-2025", "2025-09-12", new { factId = "seed-oracle-contract-duration", reason = "r" }, "FT"),
            Envelopes.Envelope("r1", "fact.retracted", "oracle-openai-cloud-2025", "2025-09-13", new { factId = "seed-oracle-contract-start" },
                "The Wall Street Journal"));

        // Refused today, possibly in an older ledger: a source "corroborating" its own fact corroborates nothing.
        await using (var session = Ledger.Store.LightweightSession())
        {
            session.Events.Append("oracle-openai-cloud-2025", Envelopes.Parse(Envelopes.Envelope("c-self", "fact.corroborated", "oracle-openai-cloud-2025",
                "2025-09-13", new { factId = "seed-oracle-contract-value" }, "The Wall Street Journal")).Event);
            await session.SaveChangesAsync();
        }

        await Ledger.CatchUpAsync();

        var wsj = await Load<SourceScorecard>("The Wall Street Journal");
        var article = await Load<SourceScorecard>("Seed article (French-language press)");

        Assert.Equal((6, 1), (wsj.Facts, wsj.FirstReports));
        Assert.Equal((1, 1, 1, 0), (wsj.Corroborated, wsj.Disputed, wsj.Retracted, wsj.Corrected));
        Assert.Equal(1, article.Disputed);
        Assert.Equal(1, (await Load<SourceScorecard>("Reuters")).Facts);
    }
}
