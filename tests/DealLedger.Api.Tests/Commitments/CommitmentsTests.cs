using System.Net;
using System.Text.Json.Nodes;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Commitments;

public class CommitmentsTests(ApiFixture api) : ApiTest(api)
{
    [Fact]
    public async Task commitments_answer_on_the_time_axes_and_state_their_basis()
    {
        await RecordContractAsync("first-contract", "2025-01-10", 120_000_000_000m, "2026");
        await RecordContractAsync("second-contract", "2025-06-01", 60_000_000_000m, "2027");
        await Api.CatchUpAsync();

        var now = await Api.GetJsonAsync("/commitments/acme");
        var early = await Api.GetJsonAsync("/commitments/acme?asOf=2025-03-01");

        Assert.Equal(["first-contract", "second-contract"], Deals(now));
        Assert.Equal(["first-contract"], Deals(early));
        Assert.Equal("2025-03-01", (string?)early["basis"]!["asOf"]);
        Assert.Equal([2026, 2027, 2028], early["years"]!.AsArray().Select(y => (int)y!["year"]!).Distinct());
        await Problem.Assert(await Api.Client(withKey: false).GetAsync("/commitments/acme?asOf=2024-12-31"), HttpStatusCode.NotFound);
        var bad = await Problem.Assert(await Api.Client(withKey: false).GetAsync("/commitments/acme?asOf=2025-02-30"), HttpStatusCode.BadRequest);
        Assert.NotNull(bad["errors"]!["asOf"]);
    }

    [Fact]
    public async Task a_first_year_reported_later_reshapes_the_years_from_then_on_and_unplaceable_deals_say_why()
    {
        await RecordContractAsync("big-contract", "2025-09-10", 300_000_000_000m, "2027", months: 60);
        (await Api.PostFactAsync(Envelopes.Envelope("big-contract-first-year", "deal.value-reported", "big-contract", "2025-09-11",
            new { term = "first-year", value = new { amount = 30_000_000_000m, currency = "USD", precision = "about" } }))).EnsureSuccessStatusCode();
        (await Api.PostFactAsync(Envelopes.Deal("chips-reported", "chips-order", "2025-09-11", "Test Wire", ("acme", "buyer"), ("chipco", "supplier")))).EnsureSuccessStatusCode();
        (await Api.PostFactAsync(Envelopes.Value("chips-total", "chips-order", "2025-09-11", 10_000_000_000m))).EnsureSuccessStatusCode();
        (await Api.PostFactAsync(Envelopes.Envelope("chips-start", "deal.start-reported", "chips-order", "2025-09-11", new { start = "2026" }))).EnsureSuccessStatusCode();
        await Api.CatchUpAsync();

        var before = await Api.GetJsonAsync("/commitments/acme?asOf=2025-09-10");
        var after = await Api.GetJsonAsync("/commitments/acme");

        Assert.Equal([60_000_000_000m], Amounts(before, "cloudco").Distinct());
        Assert.Equal([30_000_000_000m, 67_500_000_000m, 67_500_000_000m, 67_500_000_000m, 67_500_000_000m], Amounts(after, "cloudco"));
        Assert.Equal("about", (string?)after["years"]![0]!["precision"]);
        Assert.Contains("big-contract-first-year", after["years"]![0]!["because"]!.AsArray().Select(f => (string?)f));
        var chips = Assert.Single(after["unscheduled"]!.AsArray(), u => (string?)u!["deal"] == "chips-order")!;
        Assert.StartsWith("no duration reported", (string?)chips["reason"]);
        Assert.DoesNotContain(after["years"]!.AsArray(), y => (string?)y!["counterparty"] == "chipco");
    }

    [Fact]
    public async Task a_buyer_is_committed_to_its_part_only_and_to_the_sellers_it_pays()
    {
        // Two buyers of one $100B contract from two vendors; acme's share is 30%, globex's is not reported.
        var facts = new[]
        {
            Envelopes.Deal("shared-reported", "shared-contract", "2025-03-01", "Test Wire", ("acme", "buyer"), ("globex", "buyer"),
                ("cloudco", "vendor"), ("chipco", "vendor")),
            Envelopes.Value("shared-total", "shared-contract", "2025-03-01", 100_000_000_000m),
            Envelopes.Envelope("shared-duration", "deal.duration-reported", "shared-contract", "2025-03-01", new { months = 24 }),
            Envelopes.Envelope("shared-start", "deal.start-reported", "shared-contract", "2025-03-01", new { start = "2026" }),
            Envelopes.Envelope("acme-share", "deal.share-reported", "shared-contract", "2025-03-02", new { party = "acme", percent = 30 }),
            // acme is paid in this one: it sells, though reported as a buyer of a service bundled with it.
            Envelopes.Deal("resale-reported", "resale", "2025-03-01", "Test Wire", ("acme", "buyer"), ("initech", "vendor")),
            Envelopes.Envelope("resale-total", "deal.value-reported", "resale", "2025-03-01",
                new { term = "total", value = new { amount = 5_000_000_000m, currency = "USD" }, payer = "initech", payee = "acme" }),
            Envelopes.Envelope("resale-duration", "deal.duration-reported", "resale", "2025-03-01", new { months = 12 }),
            Envelopes.Envelope("resale-start", "deal.start-reported", "resale", "2025-03-01", new { start = "2026" }),
        };
        (await Api.ImportAsync(string.Join('\n', facts.Select(f => f.ToJsonString())))).EnsureSuccessStatusCode();
        await Api.CatchUpAsync();

        var acme = await Api.GetJsonAsync("/commitments/acme");
        var globex = await Api.GetJsonAsync("/commitments/globex");

        // acme: 30B over 2026-2027, to the two vendors together (their split is not reported), never 100B each.
        Assert.Equal([15_000_000_000m, 15_000_000_000m], Amounts(acme, "chipco+cloudco"));
        Assert.DoesNotContain(acme["years"]!.AsArray(), y => (string?)y!["counterparty"] is "globex" or "cloudco" or "chipco");
        Assert.Equal("share", (string?)acme["deals"]![0]!["attribution"]);
        var unscheduled = acme["unscheduled"]!.AsArray();
        Assert.Equal("the buyer is paid in this deal, it does not pay", (string?)unscheduled.Single(u => (string?)u!["deal"] == "resale")!["reason"]);
        Assert.Equal("the buyer's share is not disclosed",
            (string?)globex["unscheduled"]!.AsArray().Single(u => (string?)u!["deal"] == "shared-contract")!["reason"]);
        Assert.Empty(globex["years"]!.AsArray());
    }

    private static IEnumerable<decimal> Amounts(JsonNode answer, string counterparty) =>
        answer["years"]!.AsArray().Where(y => (string?)y!["counterparty"] == counterparty).Select(y => (decimal)y!["amount"]!);

    private static IEnumerable<string?> Deals(JsonNode answer) => answer["deals"]!.AsArray().Select(d => (string?)d!["deal"]);

    private async Task RecordContractAsync(string deal, string reportedOn, decimal total, string start, int months = 36)
    {
        var facts = new[]
        {
            Envelopes.Deal($"{deal}-reported", deal, reportedOn, "Test Wire", ("acme", "buyer"), ("cloudco", "vendor")),
            Envelopes.Value($"{deal}-total", deal, reportedOn, total),
            Envelopes.Envelope($"{deal}-duration", "deal.duration-reported", deal, reportedOn, new { months }),
            Envelopes.Envelope($"{deal}-start", "deal.start-reported", deal, reportedOn, new { start }),
        };
        (await Api.ImportAsync(string.Join('\n', facts.Select(f => f.ToJsonString())))).EnsureSuccessStatusCode();
    }
}
