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

    private static IEnumerable<string?> Deals(JsonNode answer) => answer["deals"]!.AsArray().Select(d => (string?)d!["deal"]);

    private async Task RecordContractAsync(string deal, string reportedOn, decimal total, string start)
    {
        var facts = new[]
        {
            Envelopes.Deal($"{deal}-reported", deal, reportedOn, "Test Wire", ("acme", "buyer"), ("cloudco", "vendor")),
            Envelopes.Value($"{deal}-total", deal, reportedOn, total),
            Envelopes.Envelope($"{deal}-duration", "deal.duration-reported", deal, reportedOn, new { months = 36 }),
            Envelopes.Envelope($"{deal}-start", "deal.start-reported", deal, reportedOn, new { start }),
        };
        (await Api.ImportAsync(string.Join('\n', facts.Select(f => f.ToJsonString())))).EnsureSuccessStatusCode();
    }
}
