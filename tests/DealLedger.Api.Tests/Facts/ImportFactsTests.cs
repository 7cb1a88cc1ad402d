using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Facts;

public class ImportFactsTests(ApiFixture api) : ApiTest(api)
{
    private static string NdJson(IEnumerable<JsonObject> facts) =>
        string.Join('\n', facts.Select(f => f.ToJsonString())) + "\n";

    [Fact]
    public async Task an_import_records_every_fact_and_importing_it_again_records_nothing_new()
    {
        var file = NdJson(LedgerGenerator.Generate(seed: 1, deals: 20, factsPerDeal: 5, estimates: 3, revisionsPerEstimate: 2));

        var first = await Api.ImportAsync(file);
        Assert.True(first.StatusCode == HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        var summary = (await first.Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.Equal(109, (int)summary["recorded"]!);
        Assert.Equal(0, (int)summary["alreadyPresent"]!);
        Assert.Equal(23, (int)summary["streams"]!);
        Assert.Equal(109, await Api.EventCountAsync());

        var again = (await (await Api.ImportAsync(file)).Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.Equal(0, (int)again["recorded"]!);
        Assert.Equal(109, (int)again["alreadyPresent"]!);
        Assert.Equal(109, await Api.EventCountAsync());
    }

    [Fact]
    public async Task one_bad_line_rejects_the_whole_file_listing_each_bad_line_by_number()
    {
        var facts = LedgerGenerator.Generate(seed: 2, deals: 3, factsPerDeal: 3).ToList();
        var lines = facts.Select(f => f.ToJsonString()).ToList();
        lines[4] = lines[4].Replace("\"USD\"", "\"XXX\"", StringComparison.Ordinal).Replace("\"status\":\"", "\"status\":\"bogus-", StringComparison.Ordinal)
            .Replace("\"gigawatts\":", "\"gigawatts\":-", StringComparison.Ordinal).Replace("\"months\":", "\"months\":-", StringComparison.Ordinal)
            .Replace("\"party\":\"", "\"party\":\"Not A Slug ", StringComparison.Ordinal);
        lines.Insert(6, "{ not json");
        lines.Add(Envelopes.Value("orphan", "no-such-deal", "2025-01-01", 1m).ToJsonString());

        var response = await Api.ImportAsync(string.Join('\n', lines));

        var problem = await Problem.Assert(response, HttpStatusCode.UnprocessableEntity);
        var bad = problem["lines"]!.AsArray().Select(l => (int)l!["line"]!).ToArray();
        Assert.Equal([5, 7, lines.Count], bad);
        Assert.NotNull(problem["lines"]![2]!["errors"]!["subject"]);
        Assert.Equal(0, await Api.EventCountAsync());
    }

    [Fact]
    public async Task an_import_report_lists_the_first_100_bad_lines_and_counts_them_all()
    {
        var lines = Enumerable.Range(0, 250).Select(i => i % 2 == 0 ? "{ not json" : Envelopes.Deal($"d{i}", $"deal-{i}", "2025-01-01").ToJsonString());

        var problem = await Problem.Assert(await Api.ImportAsync(string.Join('\n', lines)), HttpStatusCode.UnprocessableEntity);

        Assert.Equal(125, (int)problem["errorCount"]!);
        var listed = problem["lines"]!.AsArray().Select(l => (int)l!["line"]!).ToArray();
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (i * 2) + 1), listed);
        Assert.Equal(0, await Api.EventCountAsync());
    }

    [Fact]
    public async Task an_import_larger_than_the_configured_maximum_is_a_413()
    {
        await using var host = await Api.WithSettingsAsync(("Imports:MaxBodyBytes", "1000"));
        var client = host.Server.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiFixture.Key);
        var file = NdJson(Enumerable.Range(0, 10).Select(i => Envelopes.Deal($"d{i}", $"deal-{i}", "2025-01-01")));

        await Problem.Assert(await Api.ImportAsync(file, client), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(HttpStatusCode.OK, (await Api.ImportAsync(NdJson([Envelopes.Deal("d0", "deal-0", "2025-01-01")]), client)).StatusCode);
    }

    [Fact]
    public async Task facts_may_refer_to_deals_and_facts_earlier_in_the_same_file()
    {
        var file = NdJson(
        [
            Envelopes.Deal("a", "stargate-2025", "2025-01-21"),
            Envelopes.Deal("b", "texas-site", "2025-09-11"),
            Envelopes.Envelope("claim", "deal.relation-reported", "texas-site", "2025-09-11", new { relation = "part-of", target = "stargate-2025" }),
            Envelopes.Envelope("dispute", "fact.disputed", "texas-site", "2025-09-11", new { factId = "claim", reason = "no" }),
        ]);

        var response = await Api.ImportAsync(file);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4, await Api.EventCountAsync());
    }

    [Fact]
    public async Task the_same_fact_id_twice_in_a_file_with_other_content_is_rejected()
    {
        var file = NdJson(
        [
            Envelopes.Deal("a", "stargate-2025", "2025-01-21"),
            Envelopes.Value("v", "stargate-2025", "2025-01-21", 500m),
            Envelopes.Value("v", "stargate-2025", "2025-01-21", 400m),
        ]);

        var problem = await Problem.Assert(await Api.ImportAsync(file), HttpStatusCode.UnprocessableEntity);

        Assert.Equal(3, (int)problem["lines"]![0]!["line"]!);
        Assert.Equal(0, await Api.EventCountAsync());
    }

    [Fact]
    public async Task a_ten_thousand_fact_file_imports_in_one_request()
    {
        var file = NdJson(LedgerGenerator.Generate(seed: 3, deals: 1000, factsPerDeal: 10));

        var response = await Api.ImportAsync(file);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(10_000, await Api.EventCountAsync());
        var deals = await Api.GetJsonAsync("/deals?limit=1");
        Assert.NotEmpty(deals["items"]!.AsArray());
    }

    [Fact]
    public async Task an_import_needs_the_ndjson_media_type_and_a_key()
    {
        var json = await Api.Client().PostAsync("/facts/import", new StringContent("{}", Encoding.UTF8, "application/json"));
        await Problem.Assert(json, HttpStatusCode.UnsupportedMediaType);

        var anonymous = await Api.ImportAsync(NdJson([Envelopes.Deal("a", "x-deal", "2025-01-01")]), Api.Client(withKey: false));
        await Problem.Assert(anonymous, HttpStatusCode.Unauthorized);
        Assert.Equal(0, await Api.EventCountAsync());
    }
}
