using System.Net;
using System.Text.Json.Nodes;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Platform;

/// <summary>Recorder names are API key names: audit answers show them to callers with a key only.</summary>
public class RecorderNamesTests(ApiFixture api) : ApiTest(api)
{
    [Fact]
    public async Task anonymous_audit_reads_do_not_name_the_keys_that_recorded()
    {
        (await Api.PostFactAsync(Envelopes.Deal("d1", "named-deal", "2025-01-21"))).EnsureSuccessStatusCode();
        await Api.CatchUpAsync();

        foreach (var path in AuditReads)
        {
            var anonymous = JsonNode.Parse(await Api.Client(withKey: false).GetStringAsync(path))!;
            var keyed = JsonNode.Parse(await Api.Client().GetStringAsync(path))!;

            Assert.Null((string?)Items(anonymous)[0]!["recordedBy"]);
            Assert.Equal(ApiFixture.KeyName, (string?)Items(keyed)[0]!["recordedBy"]);
        }

        Assert.DoesNotContain(ApiFixture.KeyName, await Api.Client(withKey: false).GetStringAsync("/timeline?format=csv"));
        Assert.Contains(ApiFixture.KeyName, await Api.Client().GetStringAsync("/timeline?format=csv"));
        await Problem.Assert(await Api.Client(withKey: false).GetAsync($"/events?recordedBy={ApiFixture.KeyName}"), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await Api.Client().GetAsync($"/events?recordedBy={ApiFixture.KeyName}")).StatusCode);
    }

    private static readonly string[] AuditReads = ["/events", "/streams/named-deal/events", "/deals/named-deal/history", "/timeline"];

    private static JsonArray Items(JsonNode answer) => answer is JsonArray list ? list : answer["items"]!.AsArray();
}
