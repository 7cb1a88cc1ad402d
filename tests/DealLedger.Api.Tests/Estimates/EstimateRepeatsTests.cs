using DealLedger.Testing;

namespace DealLedger.Api.Tests.Estimates;

public class EstimateRepeatsTests(ApiFixture api) : ApiTest(api)
{
    private const string Burn = "openai-cash-burn-2025-2029";

    [Fact]
    public async Task repeats_of_an_estimate_are_restatement_and_corroboration_rows_with_no_delta()
    {
        foreach (var fact in new[]
                 {
                     Envelopes.Estimate("first", Burn, "2025-04-01", 35_000_000_000m, first: true),
                     Envelopes.Estimate("again", Burn, "2025-05-01", 35_000_000_000m, first: false),
                     Envelopes.Estimate("wire", Burn, "2025-05-02", 35_000_000_000m, first: false, publisher: "Reuters"),
                     Envelopes.Estimate("revised", Burn, "2025-09-05", 115_000_000_000m, first: false),
                 })
        {
            (await Api.PostFactAsync(fact)).EnsureSuccessStatusCode();
        }

        var rows = (await Api.GetJsonAsync($"/estimates/{Burn}/revisions"))["revisions"]!.AsArray();
        Assert.Equal(["first", "restatement", "corroboration", "revision"], rows.Select(r => (string?)r!["change"]));
        Assert.All(rows.Take(3), r => Assert.Null((decimal?)r!["delta"]));
        Assert.Equal(80_000_000_000m, (decimal)rows[3]!["delta"]!);

        var estimate = await Api.GetJsonAsync($"/estimates/{Burn}");
        var chain = estimate["revisions"]!.AsArray();
        Assert.Equal(["first", "restatement", "corroboration", "revision"], chain.Select(r => (string?)r!["change"]));
        Assert.Null((decimal?)chain[1]!["delta"]);
        Assert.Null((decimal?)chain[2]!["ratio"]);
        Assert.Equal("revision", (string?)estimate["current"]!["change"]);
        Assert.Equal(80_000_000_000m, (decimal)estimate["current"]!["delta"]!);

        // What changed between two dates: the repeats of May changed nothing; September's revision did.
        var may = (await Api.GetJsonAsync($"/estimates/{Burn}/changes?from=2025-05-01&to=2025-05-31"))["changes"]!.AsArray();
        Assert.DoesNotContain(may, r => (string?)r!["change"] == "revised");
        var september = (await Api.GetJsonAsync($"/estimates/{Burn}/changes?from=2025-09-01&to=2025-09-30"))["changes"]!.AsArray();
        Assert.Contains(september, r => (string?)r!["change"] == "revised");
    }
}
