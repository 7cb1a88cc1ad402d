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
