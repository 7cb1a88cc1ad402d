using System.Text.Json.Nodes;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Audit;

/// <summary>The same value reported again is a restatement (same publisher) or a corroboration (another), never a revision.</summary>
public class RepeatsApiTests(ApiFixture api) : ApiTest(api)
{
    private const string Deal = "oracle-openai-cloud-2025";

    [Fact]
    public async Task repeats_of_a_deal_term_are_restatement_and_corroboration_rows_with_no_delta_and_do_not_count_as_revisions()
    {
        foreach (var fact in new[]
                 {
                     Envelopes.Deal("d", Deal, "2025-09-10", "WSJ"),
                     Envelopes.Value("wsj", Deal, "2025-09-10", 300_000_000_000m, publisher: "WSJ"),
                     Envelopes.Value("wsj-again", Deal, "2025-09-11", 300_000_000_000m, publisher: "WSJ"),
                     Envelopes.Value("reuters", Deal, "2025-09-12", 300_000_000_000m, publisher: "Reuters"),
                     Envelopes.Value("ft", Deal, "2025-09-20", 330_000_000_000m, publisher: "FT"),
                 })
        {
            (await Api.PostFactAsync(fact)).EnsureSuccessStatusCode();
        }

        var rows = (await Api.GetJsonAsync($"/deals/{Deal}/terms/total-value/revisions"))["revisions"]!.AsArray();

        Assert.Equal(["wsj:first", "wsj-again:restatement", "reuters:corroboration", "ft:revision"],
            rows.Select(r => $"{(string?)r!["factId"]}:{(string?)r["change"]}"));
        Assert.All(rows.Take(3), r => Assert.Null((decimal?)r!["delta"]));
        Assert.All(rows.Take(3), r => Assert.Null((decimal?)r!["ratio"]));
        Assert.Equal(30_000_000_000m, (decimal)rows[3]!["delta"]!);
        Assert.Equal(2, (int)(await Api.GetJsonAsync($"/deals/{Deal}"))["terms"]!["total-value"]!["revisions"]!);

        var csv = await Api.Client(withKey: false).GetStringAsync($"/deals/{Deal}/terms/total-value/revisions?format=csv");
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith(",Change", lines[0].TrimEnd('\r'));
        Assert.EndsWith(",restatement", lines[2].TrimEnd('\r'));
        var ndjson = await Api.Client(withKey: false).GetStringAsync($"/deals/{Deal}/terms/total-value/revisions?format=ndjson");
        Assert.Equal("corroboration", (string?)JsonNode.Parse(ndjson.Split('\n')[2])!["change"]);
    }

    [Fact]
    public async Task a_publisher_corroborating_its_own_fact_is_a_422_and_its_repeat_is_a_restatement()
    {
        (await Api.PostFactAsync(Envelopes.Deal("d", Deal, "2025-09-10", "WSJ"))).EnsureSuccessStatusCode();
        (await Api.PostFactAsync(Envelopes.Value("wsj", Deal, "2025-09-10", 300_000_000_000m, publisher: "WSJ"))).EnsureSuccessStatusCode();

        var self = await Api.PostFactAsync(Envelopes.Envelope("self", "fact.corroborated", Deal, "2025-09-11", new { factId = "wsj" }, "WSJ"));

        var problem = await Problem.Assert(self, System.Net.HttpStatusCode.UnprocessableEntity);
        Assert.NotNull(problem["errors"]!["data.factId"]);
        (await Api.PostFactAsync(Envelopes.Value("wsj-again", Deal, "2025-09-11", 300_000_000_000m, publisher: "WSJ"))).EnsureSuccessStatusCode();
        var rows = (await Api.GetJsonAsync($"/deals/{Deal}/terms/total-value/revisions"))["revisions"]!.AsArray();
        Assert.Equal(["first", "restatement"], rows.Select(r => (string?)r!["change"]));
    }
    [Fact]
    public async Task the_same_amount_paid_the_other_way_is_a_revision_and_one_that_states_no_direction_is_a_repeat()
    {
        const string deal = "two-way-deal";
        (await Api.PostFactAsync(Envelopes.Deal("two-way-reported", deal, "2025-09-10", "WSJ", ("openai", "buyer"), ("oracle", "vendor"))))
            .EnsureSuccessStatusCode();
        foreach (var (factId, reportedOn, publisher, payer, payee) in new (string, string, string, string?, string?)[]
                 {
                     ("stated", "2025-09-10", "WSJ", "openai", "oracle"), ("silent", "2025-09-11", "Reuters", null, null),
                     ("reversed", "2025-09-12", "FT", "oracle", "openai"),
                 })
        {
            var data = new JsonObject
            {
                ["term"] = "total", ["value"] = new JsonObject { ["amount"] = 300_000_000_000m, ["currency"] = "USD" },
            };
            if (payer is not null)
            {
                (data["payer"], data["payee"]) = (payer, payee);
            }

            (await Api.PostFactAsync(Envelopes.Envelope(factId, "deal.value-reported", deal, reportedOn, data, publisher)))
                .EnsureSuccessStatusCode();
        }

        var rows = (await Api.GetJsonAsync($"/deals/{deal}/terms/total-value/revisions"))["revisions"]!.AsArray();
        Assert.Equal(["stated:first", "silent:corroboration", "reversed:revision"], rows.Select(r => $"{(string?)r!["factId"]}:{(string?)r["change"]}"));
    }
}
