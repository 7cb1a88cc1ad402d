using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;
using DealLedger.Api.Audit;
using DealLedger.Api.Timeline;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Audit;

public class RevisionsAndExportsTests(ApiFixture api) : ApiTest(api)
{
    private const string Deal = "oracle-openai-cloud-2025";

    private async Task GivenRevisionsAsync()
    {
        foreach (var fact in new[]
                 {
                     Envelopes.Deal("d", Deal, "2025-09-10", "WSJ"),
                     Envelopes.Value("v1", Deal, "2025-09-10", 300_000_000_000m, publisher: "WSJ"),
                     Envelopes.Value("v2", Deal, "2025-10-01", 330_000_000_000m, publisher: "WSJ, \"quoted\""),
                     Envelopes.Value("v3", Deal, "2025-11-01", 0.5m, publisher: "Blog"),
                     Envelopes.Envelope("x", "fact.retracted", Deal, "2025-11-02", new { factId = "v3" }, "Blog"),
                 })
        {
            (await Api.PostFactAsync(fact)).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task a_terms_revisions_show_value_delta_ratio_source_times_recorder_and_status()
    {
        await GivenRevisionsAsync();

        var revisions = (await Api.GetJsonAsync($"/deals/{Deal}/terms/total-value/revisions", ApiFixture.Key))["revisions"]!.AsArray();

        Assert.Equal(["v1", "v2", "v3"], revisions.Select(r => (string?)r!["factId"]));
        Assert.Equal(30_000_000_000m, (decimal)revisions[1]!["delta"]!);
        Assert.Equal(1.1m, (decimal)revisions[1]!["ratio"]!);
        Assert.True((bool)revisions[1]!["current"]!);
        Assert.Equal("retracted", (string?)revisions[2]!["state"]);
        Assert.Equal("x", (string?)revisions[2]!["retractedBy"]);
        Assert.All(revisions, r =>
        {
            Assert.Equal(ApiFixture.KeyName, (string?)r!["recordedBy"]);
            Assert.NotNull(r["recordedAt"]);
            Assert.NotNull(r["reportedOn"]);
        });
        await Problem.Assert(await Api.Client(withKey: false).GetAsync($"/deals/{Deal}/terms/not-a-term/revisions"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task estimate_revisions_have_the_same_shape_as_term_revisions()
    {
        await Api.ImportSeedAsync();

        var estimate = (await Api.GetJsonAsync("/estimates/openai-cash-burn-2025-2029/revisions", ApiFixture.Key))["revisions"]!.AsArray();
        var term = (await Api.GetJsonAsync("/deals/oracle-openai-cloud-2025/terms/total-value/revisions"))["revisions"]!.AsArray();

        Assert.Equal(term[0]!.AsObject().Select(p => p.Key), estimate[0]!.AsObject().Select(p => p.Key));
        Assert.Equal(80_000_000_000m, (decimal)estimate[1]!["delta"]!);
        Assert.Equal(ApiFixture.KeyName, (string?)estimate[1]!["recordedBy"]);
    }

    [Fact]
    public async Task a_csv_export_parses_back_to_the_json_rows()
    {
        await GivenRevisionsAsync();
        var json = (await Api.GetJsonAsync($"/deals/{Deal}/terms/total-value/revisions"))["revisions"]!.Deserialize<List<RevisionRow>>(JsonSerializerOptions.Web)!;

        var client = Api.Client(withKey: false);
        client.DefaultRequestHeaders.Add("Accept", "text/csv");
        var response = await client.GetAsync($"/deals/{Deal}/terms/total-value/revisions");

        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var csv = CsvReader.Create(stream, null);
        var parsed = csv.GetRecords<RevisionRow>().ToList();

        // CSV has no null: an absent text comes back empty.
        Assert.Equal(json.Select(Comparable), parsed.Select(Comparable));
        Assert.Contains(parsed, r => r.Publisher == "WSJ, \"quoted\"");
    }

    private static string Comparable(RevisionRow row)
    {
        var node = JsonSerializer.SerializeToNode(row, JsonSerializerOptions.Web)!.AsObject();
        foreach (var (key, value) in node.ToList())
        {
            if (value is JsonValue v && v.TryGetValue<string>(out var text) && text.Length == 0)
            {
                node[key] = null;
            }
        }

        return node.ToJsonString();
    }

    [Fact]
    public async Task the_timeline_exports_as_ndjson_and_csv_with_source_columns()
    {
        await Api.ImportSeedAsync();
        await Api.CatchUpAsync();

        var ndjson = await Api.Client(withKey: false).GetStringAsync("/timeline?format=ndjson");
        var lines = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(SeedData.Facts().Count, lines.Count);
        Assert.All(lines, l => Assert.NotNull(l["publisher"]));
        Assert.Equal(lines.Select(l => (string?)l["reportedOn"]).Order(StringComparer.Ordinal), lines.Select(l => (string?)l["reportedOn"]));

        await using var stream = await Api.Client(withKey: false).GetStreamAsync("/timeline?format=csv&from=2025-09-01");
        using var csv = CsvReader.Create(stream, null);
        var rows = csv.GetRecords<TimelineRow>().ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.True(r.ReportedOn >= new DateOnly(2025, 9, 1)));
        Assert.Contains(rows, r => r.Cites == "The Wall Street Journal");
    }

    [Fact]
    public async Task changes_between_two_dates_list_new_terms_revisions_status_changes_and_relations()
    {
        await Api.ImportSeedAsync();
        await Api.CatchUpAsync();

        var stargate = (await Api.GetJsonAsync("/deals/stargate-2025/changes?from=2025-02-01&to=2025-12-31"))["changes"]!.AsArray();
        var status = Assert.Single(stargate, c => (string?)c!["change"] == "status-changed")!;
        Assert.Equal("announced", (string?)status["before"]);
        Assert.Equal("stalled", (string?)status["after"]);

        var burn = (await Api.GetJsonAsync("/estimates/openai-cash-burn-2025-2029/changes?from=2025-08-01&to=2025-09-30"))["changes"]!.AsArray();
        var revised = Assert.Single(burn)!;
        Assert.Equal("revised", (string?)revised["change"]);
        Assert.Equal("about USD 35,000,000,000", (string?)revised["before"]);
        Assert.Equal("about USD 115,000,000,000", (string?)revised["after"]);

        var all = (await Api.GetJsonAsync("/changes?from=2025-09-10&to=2025-09-10"))["changes"]!.AsArray();
        Assert.Contains(all, c => (string?)c!["subject"] == "oracle-openai-cloud-2025" && (string?)c["change"] == "reported");
        Assert.Contains(all, c => (string?)c!["term"] == "total-value" && (string?)c["change"] == "new-term");
        Assert.All(all, c => Assert.Equal("2025-09-10", (string?)c!["reportedOn"]));

        var texas = (await Api.GetJsonAsync("/deals/oracle-openai-texas-datacenter/changes?from=2025-09-01&to=2025-09-30"))["changes"]!.AsArray();
        Assert.Contains(texas, c => (string?)c!["change"] == "disputed" && (string?)c["after"] == "seed-texas-datacenter-part-of-stargate-claim");
    }

    [Fact]
    public async Task unknown_formats_are_a_400()
    {
        await GivenRevisionsAsync();

        await Problem.Assert(await Api.Client(withKey: false).GetAsync($"/deals/{Deal}/terms/total-value/revisions?format=xlsx"),
            HttpStatusCode.BadRequest);
    }
}
