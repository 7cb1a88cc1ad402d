using DealLedger.Projections.Parties;
using DealLedger.Testing;

namespace DealLedger.Projections.Tests.Parties;

public class PartyExposureTests(LedgerStoreFixture ledger) : StoreTest(ledger)
{
    [Fact]
    public async Task each_party_sees_its_deals_by_counterparty_with_disclosed_totals_per_currency()
    {
        await Record(
            Envelopes.Envelope("p", "party.reported", "openai", "2025-09-11", new { name = "OpenAI" }),
            Envelopes.Deal("d1", "oracle-deal", "2025-09-10"),
            Envelopes.Value("v1", "oracle-deal", "2025-09-10", 300_000_000_000m),
            Envelopes.Deal("d2", "broadcom-deal", "2025-09-11", "Reuters", ("openai", "buyer"), ("broadcom", "vendor")),
            Envelopes.Value("v2", "broadcom-deal", "2025-09-11", 10_000_000_000m),
            Envelopes.Deal("d3", "google-deal", "2025-09-11", "Reuters", ("openai", "buyer"), ("google", "vendor")));
        await Ledger.CatchUpAsync();

        var openai = await Load<PartyExposure>("openai");

        Assert.Equal("OpenAI", openai.Name);
        Assert.Equal(["broadcom-deal", "google-deal", "oracle-deal"], openai.Deals.Select(d => d.Deal));
        Assert.Equal([new CurrencyTotal("USD", 310_000_000_000m)], openai.DisclosedTotals);
        Assert.Equal(1, openai.UndisclosedDeals);
        Assert.Equal(["broadcom", "google", "oracle"], openai.Counterparties.Select(c => c.Party));
        var oracle = await Load<PartyExposure>("oracle");
        Assert.Equal("openai", Assert.Single(Assert.Single(oracle.Deals).Counterparties).Party);
    }

    [Fact]
    public async Task a_party_that_joins_later_gets_the_deal_with_values_reported_before_it_joined()
    {
        await Record(
            Envelopes.Deal("s1", "stargate", "2025-01-21", "OpenAI", ("openai", "partner")),
            Envelopes.Value("s2", "stargate", "2025-01-21", 500_000_000_000m));
        await Ledger.CatchUpAsync();
        await Record(Envelopes.Envelope("s3", "deal.party-joined", "stargate", "2025-02-01", new { party = "softbank", role = "partner" }));
        await Ledger.CatchUpAsync();

        var softbank = await Load<PartyExposure>("softbank");

        var deal = Assert.Single(softbank.Deals);
        Assert.Equal(500_000_000_000m, deal.TotalValue!.Value.Money!.Amount);
        Assert.Equal(["partner"], deal.Roles);
    }
}
