using System.Text.Json;
using DealLedger.Domain.Exposure;
using DealLedger.Projections.Deals;
using DealLedger.Projections.Parties;
using DealLedger.Testing;
using Marten;

namespace DealLedger.Projections.Tests.Parties;

public class PartyExposureTests(LedgerStoreFixture ledger) : StoreTest(ledger)
{
    [Fact]
    public async Task each_party_sees_its_deals_by_counterparty_with_money_out_per_currency_and_kind()
    {
        await Record(
            Envelopes.Envelope("p", "party.reported", "openai", "2025-09-11", new { name = "OpenAI" }),
            Envelopes.Deal("d1", "oracle-deal", "2025-09-10"),
            Envelopes.Value("v1", "oracle-deal", "2025-09-10", 300_000_000_000m),
            Envelopes.Deal("d2", "broadcom-deal", "2025-09-11", "Reuters", ("openai", "buyer"), ("broadcom", "vendor")),
            Envelopes.Value("v2", "broadcom-deal", "2025-09-11", 10_000_000_000m),
            Envelopes.Deal("d3", "google-deal", "2025-09-11", "Reuters", ("openai", "buyer"), ("google", "vendor")));
        await Ledger.CatchUpAsync();

        var openai = await Exposure("openai");

        Assert.Equal("OpenAI", openai.Name);
        Assert.Equal(["broadcom-deal", "google-deal", "oracle-deal"], openai.Deals.Select(d => d.Deal));
        Assert.Empty(openai.Totals.In);
        var (unreported, usd) = (openai.Totals.Out[0], openai.Totals.Out[1]);
        Assert.Equal((Flows.Purchase, "USD", 310_000_000_000m, "exact", 2, 0), (usd.Kind, usd.Currency, usd.Amount, usd.Precision, usd.Parts, usd.Undisclosed));
        Assert.Equal(["v2", "d2", "v1", "d1"], usd.Because);
        Assert.Equal((Flows.Purchase, null, null, 1), (unreported.Kind, unreported.Currency, unreported.Amount, unreported.Undisclosed));
        Assert.Equal(["broadcom", "google", "oracle"], openai.Counterparties.Select(c => c.Party));
        var oracle = await Exposure("oracle");
        var fromOpenai = Assert.Single(oracle.Counterparties);
        Assert.Equal("openai", fromOpenai.Party);
        Assert.Equal(300_000_000_000m, Assert.Single(fromOpenai.In).Amount);
        Assert.Empty(fromOpenai.Out);
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

        var softbank = await Exposure("softbank");

        var deal = Assert.Single(softbank.Deals);
        Assert.Equal(500_000_000_000m, deal.TotalValue!.Value.Money!.Amount);
        Assert.Equal(["partner"], deal.Roles);
        Assert.Equal(Flow.NotReported, deal.Flow!.Direction);
        Assert.Equal(["s2"], deal.Flow.Because);
    }

    [Fact]
    public async Task the_stored_document_equals_what_build_computes_from_the_deal_summaries()
    {
        await Record(
            Envelopes.Envelope("p", "party.reported", "openai", "2025-09-11", new { name = "OpenAI" }),
            Envelopes.Deal("d1", "oracle-deal", "2025-09-10"),
            Envelopes.Value("v1", "oracle-deal", "2025-09-10", 300_000_000_000m, precision: "about"),
            Envelope("j1", "joint-venture", "venture", ("openai", "partner"), ("softbank", "partner"), ("oracle", "partner")),
            Envelopes.Value("v2", "venture", "2025-01-21", 500_000_000_000m),
            Envelopes.Envelope("sh", "deal.share-reported", "venture", "2025-01-22", new { party = "softbank", percent = 40 }),
            Envelope("r1", "funding-round", "round", ("openai", "investee"), ("softbank", "investor")),
            Envelopes.Value("v3", "round", "2025-03-31", 40_000_000_000m, precision: "up-to"));
        await Ledger.CatchUpAsync();

        await using var session = Ledger.Store.QuerySession();
        var summaries = await DealSummaries.LoadManyAsync(session, await session.Query<DealSummary>().Select(d => d.Id).ToListAsync(), default);
        foreach (var party in new[] { "openai", "softbank", "oracle" })
        {
            var stored = await Exposure(party);
            var built = PartyExposureProjection.Build(party, stored.Name, summaries);

            Assert.Equal(JsonSerializer.Serialize(built), JsonSerializer.Serialize(stored));
        }

        var softbank = await Exposure("softbank");
        var contribution = Assert.Single(softbank.Totals.Out, f => f.Kind == Flows.Contribution);
        Assert.Equal(200_000_000_000m, contribution.Amount);
        Assert.Equal(["v2", "j1", "sh"], contribution.Because);
    }

    [Fact]
    public async Task a_party_is_stored_as_one_document_per_deal_and_one_for_its_name()
    {
        await Record(
            Envelopes.Envelope("p", "party.reported", "openai", "2025-09-11", new { name = "OpenAI" }),
            Envelopes.Deal("d1", "oracle-deal", "2025-09-10"),
            Envelopes.Deal("d2", "broadcom-deal", "2025-09-11", "Reuters", ("openai", "buyer"), ("broadcom", "vendor")),
            Envelopes.Value("v2", "broadcom-deal", "2025-09-11", 10_000_000_000m));
        await Ledger.CatchUpAsync();

        await using var session = Ledger.Store.QuerySession();
        var entries = await session.Query<PartyExposureEntry>().OrderBy(e => e.Id).ToListAsync();

        Assert.Equal(["broadcom/broadcom-deal", "openai", "openai/broadcom-deal", "openai/oracle-deal", "oracle/oracle-deal"], entries.Select(e => e.Id));
        Assert.Equal("OpenAI", Assert.Single(entries, e => e.Deal is null).Name);
        Assert.All(entries.Where(e => e.Deal is not null), e => Assert.Equal(e.Id, PartyExposureEntry.IdOf(e.Party, e.Deal!.Deal)));
    }

    /// <summary>A party's exposure as the endpoint reads it: its entries in one query, assembled.</summary>
    private async Task<PartyExposure> Exposure(string party)
    {
        await using var session = Ledger.Store.QuerySession();
        var entries = await session.Query<PartyExposureEntry>().Where(e => e.Party == party).ToListAsync();
        return PartyExposureProjection.FromEntries(party, entries) ?? throw new InvalidOperationException($"nothing stored about party '{party}'");
    }

    private static System.Text.Json.Nodes.JsonObject Envelope(string factId, string kind, string deal, params (string Party, string Role)[] parties) =>
        Envelopes.Envelope(factId, "deal.reported", deal, "2025-01-21", new
        {
            title = deal,
            kind,
            parties = parties.Select(p => new { party = p.Party, role = p.Role }).ToArray(),
        });
}
