using DealLedger.Projections.Commitments;
using DealLedger.Projections.Sources;
using DealLedger.Testing;

namespace DealLedger.Projections.Tests.Replay;

/// <summary>The read models added after the fact, filled from the whole history by the async daemon.</summary>
public class LaterReadModelsTests(LedgerStoreFixture ledger) : StoreTest(ledger)
{
    [Fact]
    public async Task commitments_spread_the_oracle_contract_over_five_years_from_2027_with_the_facts_behind_it()
    {
        await Ledger.RecordAsync(SeedData.Facts());
        await Ledger.CatchUpAsync();

        var openai = await Load<CommitmentsByYear>("openai");

        var oracle = openai.Years.Where(y => y.Counterparty == "oracle").ToList();
        Assert.Equal([2027, 2028, 2029, 2030, 2031], oracle.Select(y => y.Year));
        Assert.All(oracle, y => Assert.Equal(60_000_000_000m, y.Amount));
        var deal = Assert.Single(openai.Deals, d => d.Deal == "oracle-openai-cloud-2025");
        Assert.Equal(["seed-oracle-contract-value", "seed-oracle-contract-duration", "seed-oracle-contract-start"], deal.Facts);
        Assert.Contains("google-openai-cloud-2025", openai.Unscheduled);
        var broadcom = Assert.Single(openai.Deals, d => d.Deal == "broadcom-openai-accelerator-2025");
        Assert.Equal((2024, 1), (broadcom.StartYear, broadcom.Years));
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
