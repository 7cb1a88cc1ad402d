using System.Net;
using System.Text.Json.Nodes;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Audit;

public class RelationsApiTests(ApiFixture api) : ApiTest(api)
{
    private const string Deal = "oracle-openai-cloud-2025";

    private async Task GivenAReportedValueAsync()
    {
        (await Api.PostFactAsync(Envelopes.Deal("d", Deal, "2025-09-10", "WSJ"))).EnsureSuccessStatusCode();
        (await Api.PostFactAsync(Envelopes.Value("wsj", Deal, "2025-09-10", 300_000_000_000m, publisher: "WSJ"))).EnsureSuccessStatusCode();
    }

    public static TheoryData<string, Func<JsonObject>, string> BadReferences => new()
    {
        { "corroborating an unknown fact", () => Envelopes.Envelope("c", "fact.corroborated", Deal, "2025-09-11", new { factId = "nope" }, "Reuters"), "data.factId" },
        { "disputing a fact of another subject", () => Envelopes.Envelope("x", "fact.disputed", Deal, "2025-09-11", new { factId = "other-d", reason = "r" }), "data.factId" },
        { "retracting the retracted", () => Envelopes.Envelope("r2", "fact.retracted", Deal, "2025-09-12", new { factId = "wsj" }, "WSJ"), "data.factId" },
        { "correcting another publisher's fact", () => Corrects(Envelopes.Value("fix", Deal, "2025-09-12", 1m, publisher: "FT"), "wsj-2"), "corrects" },
        { "correcting with another type", () => Corrects(Envelopes.Envelope("fix", "deal.duration-reported", Deal, "2025-09-12", new { months = 12 }, "WSJ"), "wsj-2"), "corrects" },
        { "corroborating one's own fact", () => Envelopes.Envelope("self", "fact.corroborated", Deal, "2025-09-12", new { factId = "wsj-2" }, "WSJ"), "data.factId" },
        { "correcting an already corrected fact", () => Corrects(Envelopes.Value("fix-again", Deal, "2025-09-13", 2m, publisher: "WSJ"), "wsj-3"), "corrects" },
    };

    [Theory]
    [MemberData(nameof(BadReferences))]
    public async Task a_reference_to_an_unknown_retracted_or_foreign_fact_is_a_422_and_writes_nothing(string because, Func<JsonObject> fact, string field)
    {
        await GivenAReportedValueAsync();
        (await Api.PostFactAsync(Envelopes.Deal("other-d", "other-deal", "2025-09-10"))).EnsureSuccessStatusCode();
        (await Api.PostFactAsync(Envelopes.Envelope("r1", "fact.retracted", Deal, "2025-09-11", new { factId = "wsj" }, "WSJ"))).EnsureSuccessStatusCode();
        (await Api.PostFactAsync(Envelopes.Value("wsj-2", Deal, "2025-09-11", 310_000_000_000m, publisher: "WSJ"))).EnsureSuccessStatusCode();
        (await Api.PostFactAsync(Envelopes.Value("wsj-3", Deal, "2025-09-11", 320_000_000_000m, publisher: "WSJ"))).EnsureSuccessStatusCode();
        (await Api.PostFactAsync(Corrects(Envelopes.Value("wsj-3-fix", Deal, "2025-09-12", 321_000_000_000m, publisher: "WSJ"), "wsj-3")))
            .EnsureSuccessStatusCode();
        var count = await Api.EventCountAsync();

        var problem = await Problem.Assert(await Api.PostFactAsync(fact()), HttpStatusCode.UnprocessableEntity, because);

        Assert.True(problem["errors"]?[field] is not null, $"{because}: {problem}");
        Assert.Equal(count, await Api.EventCountAsync());
    }

    [Fact]
    public async Task the_summary_shows_corroboration_disputes_corrections_retractions_and_conflicts()
    {
        await GivenAReportedValueAsync();
        (await Api.PostFactAsync(Envelopes.Envelope("reuters", "fact.corroborated", Deal, "2025-09-11", new { factId = "wsj" }, "Reuters")))
            .EnsureSuccessStatusCode();
        var corroborated = await Api.GetJsonAsync($"/deals/{Deal}");
        Assert.Equal(["WSJ", "Reuters"], corroborated["terms"]!["total-value"]!["reportedBy"]!.AsArray().Select(p => (string?)p));

        (await Api.PostFactAsync(Envelopes.Value("ft", Deal, "2025-09-12", 250_000_000_000m, publisher: "FT"))).EnsureSuccessStatusCode();
        var conflicted = await Api.GetJsonAsync($"/deals/{Deal}");
        Assert.True((bool)conflicted["flags"]!["hasConflicts"]!);
        Assert.Equal(["wsj", "ft"], conflicted["terms"]!["total-value"]!["conflicts"]!.AsArray().Select(c => (string?)c!["source"]!["factId"]));

        (await Api.PostFactAsync(Envelopes.Envelope("ft-out", "fact.retracted", Deal, "2025-09-13", new { factId = "ft" }, "FT"))).EnsureSuccessStatusCode();
        (await Api.PostFactAsync(Envelopes.Envelope("doubt", "fact.disputed", Deal, "2025-09-13", new { factId = "wsj", reason = "no filing" }, "Analyst X", "analyst")))
            .EnsureSuccessStatusCode();
        var settled = await Api.GetJsonAsync($"/deals/{Deal}");
        Assert.False((bool)settled["flags"]!["hasConflicts"]!);
        Assert.True((bool)settled["flags"]!["hasDisputedClaims"]!);
        Assert.Equal(300_000_000_000m, (decimal)settled["terms"]!["total-value"]!["value"]!["money"]!["amount"]!);
        Assert.Equal("retracted", (string?)settled["statuses"]!["ft"]!["state"]);
        Assert.Equal(["Analyst X"], settled["statuses"]!["wsj"]!["disputedBy"]!.AsArray().Select(p => (string?)p));

        (await Api.PostFactAsync(Corrects(Envelopes.Value("wsj-fix", Deal, "2025-09-14", 317_000_000_000m, publisher: "WSJ"), "wsj")))
            .EnsureSuccessStatusCode();
        var corrected = await Api.GetJsonAsync($"/deals/{Deal}");
        Assert.Equal(317_000_000_000m, (decimal)corrected["terms"]!["total-value"]!["value"]!["money"]!["amount"]!);
        Assert.Equal("wsj-fix", (string?)corrected["statuses"]!["wsj"]!["correctedBy"]);
        Assert.Equal(3, (int)corrected["terms"]!["total-value"]!["revisions"]!);
    }

    private static JsonObject Corrects(JsonObject fact, string factId)
    {
        fact["corrects"] = factId;
        return fact;
    }
}
