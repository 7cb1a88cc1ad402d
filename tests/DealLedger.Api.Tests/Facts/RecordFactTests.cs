using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Facts;

public class RecordFactTests(ApiFixture api) : ApiTest(api)
{
    private const string Deal = "oracle-openai-cloud-2025";

    [Fact]
    public async Task recording_a_fact_returns_201_with_stream_version_and_event_id_and_is_readable_at_once()
    {
        var response = await Api.PostFactAsync(Envelopes.Deal("d1", Deal, "2025-09-10", "WSJ"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/deals/{Deal}", response.Headers.Location!.ToString());
        Assert.Equal("\"1\"", response.Headers.ETag!.Tag);
        var body = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.Equal(Deal, (string?)body["subject"]);
        Assert.Equal(1, (long)body["version"]!);
        Assert.True(Guid.TryParse((string?)body["eventId"], out _));

        var read = await Api.Client(withKey: false).GetAsync($"/deals/{Deal}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("\"1\"", read.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task resending_the_same_fact_returns_the_original_event_and_appends_nothing()
    {
        var fact = Envelopes.Deal("d1", Deal, "2025-09-10");
        var first = await (await Api.PostFactAsync(fact)).Content.ReadFromJsonAsync<JsonNode>();
        var count = await Api.EventCountAsync();

        var again = await Api.PostFactAsync(fact);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var body = (await again.Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.Equal((string?)first!["eventId"], (string?)body["eventId"]);
        Assert.True((bool)body["alreadyRecorded"]!);
        Assert.Equal(count, await Api.EventCountAsync());
    }

    [Fact]
    public async Task the_same_fact_id_with_different_content_is_a_409_and_appends_nothing()
    {
        await Api.PostFactAsync(Envelopes.Deal("d1", Deal, "2025-09-10"));
        await Api.PostFactAsync(Envelopes.Value("v1", Deal, "2025-09-10", 300_000_000_000m));
        var count = await Api.EventCountAsync();

        var response = await Api.PostFactAsync(Envelopes.Value("v1", Deal, "2025-09-10", 310_000_000_000m));

        await Problem.Assert(response, HttpStatusCode.Conflict);
        Assert.Equal(count, await Api.EventCountAsync());
    }

    public static TheoryData<string, Func<JsonObject>, HttpStatusCode, string> BadFacts => new()
    {
        { "missing source", () => Without(Envelopes.Value("v", Deal, "2025-09-10", 1m), "source"), HttpStatusCode.UnprocessableEntity, "source" },
        { "negative amount", () => Envelopes.Value("v", Deal, "2025-09-10", -5m), HttpStatusCode.UnprocessableEntity, "data.value.amount" },
        { "non-numeric amount", () => With(Envelopes.Value("v", Deal, "2025-09-10", 1m), f => f["data"]!["value"]!["amount"] = "lots"),
            HttpStatusCode.UnprocessableEntity, "data.value.amount" },
        { "unknown currency", () => With(Envelopes.Value("v", Deal, "2025-09-10", 1m), f => f["data"]!["value"]!["currency"] = "ZZZ"),
            HttpStatusCode.UnprocessableEntity, "data.value.currency" },
        { "reported in the future", () => Envelopes.Value("v", Deal, Envelopes.Date(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(3)), 1m),
            HttpStatusCode.UnprocessableEntity, "reportedOn" },
        { "malformed period", () => With(Envelopes.Value("v", Deal, "2025-09-10", 1m), f => f["effective"] = "2027-14"),
            HttpStatusCode.UnprocessableEntity, "effective" },
        { "unknown type", () => With(Envelopes.Value("v", Deal, "2025-09-10", 1m), f => f["type"] = "deal.gossip"),
            HttpStatusCode.UnprocessableEntity, "type" },
        { "fact about an unknown deal", () => Envelopes.Value("v", "no-such-deal", "2025-09-10", 1m), HttpStatusCode.UnprocessableEntity, "subject" },
        { "relation to an unknown deal", () => Envelopes.Envelope("r", "deal.relation-reported", Deal, "2025-09-10",
            new { relation = "part-of", target = "no-such-deal" }), HttpStatusCode.UnprocessableEntity, "data.target" },
        { "dispute of an unknown fact", () => Envelopes.Envelope("x", "fact.disputed", Deal, "2025-09-10",
            new { factId = "never-recorded", reason = "r" }), HttpStatusCode.UnprocessableEntity, "data.factId" },
        { "estimate fact on a deal", () => Envelopes.Estimate("e", Deal, "2025-09-10", 1m, first: false),
            HttpStatusCode.UnprocessableEntity, "subject" },
    };

    [Theory]
    [MemberData(nameof(BadFacts))]
    public async Task bad_input_is_a_problem_naming_the_field_and_writes_nothing(string because, Func<JsonObject> fact, HttpStatusCode status, string field)
    {
        await Api.PostFactAsync(Envelopes.Deal("d1", Deal, "2025-09-10"));
        var count = await Api.EventCountAsync();

        var response = await Api.PostFactAsync(fact());

        var problem = await Problem.Assert(response, status, because);
        Assert.True(problem["errors"]?[field] is not null, $"{because}: no error on '{field}' in {problem}");
        Assert.Equal(count, await Api.EventCountAsync());
    }

    [Fact]
    public async Task malformed_json_is_a_400_and_writes_nothing()
    {
        var response = await Api.Client().PostAsync("/facts", new StringContent("{\"factId\": \"x\", ", Encoding.UTF8, "application/json"));

        await Problem.Assert(response, HttpStatusCode.BadRequest);
        Assert.Equal(0, await Api.EventCountAsync());
    }

    [Fact]
    public async Task an_oversized_body_is_a_413()
    {
        var huge = Envelopes.Deal("d1", Deal, "2025-09-10");
        huge["data"]!["description"] = new string('x', 300_000);

        var response = await Api.PostFactAsync(huge);

        await Problem.Assert(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, await Api.EventCountAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task writes_without_a_valid_api_key_are_a_401_and_write_nothing(string? key)
    {
        var client = Api.Client(withKey: false);
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        var response = await Api.PostFactAsync(Envelopes.Deal("d1", Deal, "2025-09-10"), client);

        await Problem.Assert(response, HttpStatusCode.Unauthorized);
        Assert.Equal(0, await Api.EventCountAsync());
    }

    [Fact]
    public async Task the_key_name_and_the_correlation_id_are_recorded_on_the_event()
    {
        var client = Api.Client();
        client.DefaultRequestHeaders.Add("X-Correlation-Id", "newsroom-42");

        var response = await Api.PostFactAsync(Envelopes.Deal("d1", Deal, "2025-09-10"), client);
        Assert.Equal("newsroom-42", response.Headers.GetValues("X-Correlation-Id").Single());

        var history = (await Api.GetJsonAsync($"/deals/{Deal}/history", ApiFixture.Key))["items"]!.AsArray();
        var recorded = Assert.Single(history)!;
        Assert.Equal(ApiFixture.KeyName, (string?)recorded["recordedBy"]);
        Assert.Equal("newsroom-42", (string?)recorded["correlationId"]);
        Assert.Equal("2025-09-10", (string?)recorded["reportedOn"]);
        Assert.NotNull(recorded["recordedAt"]);
    }

    [Fact]
    public async Task a_stale_if_match_is_a_412_and_a_current_one_is_accepted()
    {
        await Api.PostFactAsync(Envelopes.Deal("d1", Deal, "2025-09-10"));
        await Api.PostFactAsync(Envelopes.Value("v1", Deal, "2025-09-10", 1m));

        var stale = await Api.PostFactAsync(Envelopes.Value("v2", Deal, "2025-09-11", 2m), ifMatch: "\"1\"");
        var problem = await Problem.Assert(stale, HttpStatusCode.PreconditionFailed);
        Assert.Equal(2, (long)problem["currentVersion"]!);

        var current = await Api.PostFactAsync(Envelopes.Value("v2", Deal, "2025-09-11", 2m), ifMatch: "\"2\"");
        Assert.Equal(HttpStatusCode.Created, current.StatusCode);
        Assert.Equal("\"3\"", current.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task concurrent_writers_on_one_version_get_one_success_and_conflicts_never_a_500()
    {
        await Api.PostFactAsync(Envelopes.Deal("d1", Deal, "2025-09-10"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            Api.PostFactAsync(Envelopes.Value($"race-{i}", Deal, "2025-09-10", i + 1m), ifMatch: "\"1\"")));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created),
            r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Conflict, HttpStatusCode.PreconditionFailed }));
        Assert.Equal(2, await Api.EventCountAsync());
    }

    private static JsonObject Without(JsonObject fact, string field)
    {
        fact.Remove(field);
        return fact;
    }

    private static JsonObject With(JsonObject fact, Action<JsonObject> change)
    {
        change(fact);
        return fact;
    }
}
