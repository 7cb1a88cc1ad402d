using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alba;
using DealLedger.Api.Admin;
using DealLedger.Projections;
using DealLedger.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Marten.Events;
using Npgsql;

namespace DealLedger.Api.Tests.Platform;

/// <summary>
/// A deployment that bumps a read model's version: the new version is built beside the serving one, reads keep
/// coming from the old one, and the switch happens only on request, when the parity check is clean or forced.
/// </summary>
public class SideBySideVersionTests(ApiFixture api) : ApiTest(api)
{
    private const string Schema = "test_side_by_side";

    /// <summary>The version deployed now, and the next one, which the test deploys over it.</summary>
    private static readonly uint Serving = ReadModels.All.Single(m => m.Name == "PartyExposure").Version;

    private static readonly uint Next = Serving + 1;

    private static void DeployNextVersion(IServiceCollection services) =>
        services.AddSingleton(new ReadModelCatalog(ReadModels.All.WithVersions(new Dictionary<string, uint> { ["PartyExposure"] = Next })));

    [Fact]
    public async Task a_bumped_version_is_built_beside_the_serving_one_and_switched_only_when_clean_or_forced()
    {
        JsonNode before;
        await using (var v1 = await Api.IsolatedHostAsync(Schema, _ => { }))
        {
            await v1.ResetAllMartenDataAsync();
            var file = string.Join('\n', LedgerGenerator.Generate(seed: 5, deals: 150, factsPerDeal: 8).Select(f => f.ToJsonString()));
            (await Api.ImportAsync(file, Writer(v1))).EnsureSuccessStatusCode();
            await v1.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
            before = await PartyAsync(v1);
        }

        // The new code is deployed with the daemon off first: nothing of the next version is built, and reads still answer from the serving one.
        await using (var idle = await Api.IsolatedHostAsync(Schema, services =>
                     {
                         DeployNextVersion(services);
                     }, ("Projections:DaemonMode", "Disabled")))
        {
            Assert.True(JsonNode.DeepEquals(before, await PartyAsync(idle)));
            var status = await Admin(idle).GetFromJsonAsync<JsonArray>("/admin/projections");
            var party = status!.Single(s => (string?)s!["name"] == "PartyExposure")!;
            Assert.Equal(Next, (uint)party["version"]!);
            Assert.Equal(Serving, (uint)party["servingVersion"]!);

            var refused = await Admin(idle).PostAsync("/admin/projections/PartyExposure/switch", null);
            await Problem.Assert(refused, HttpStatusCode.Conflict);
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await Admin(idle).GetAsync("/parties/openai")).StatusCode);
        }

        await using var v2 = await Api.IsolatedHostAsync(Schema, DeployNextVersion);
        await v2.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));

        var parity = (await Admin(v2).GetFromJsonAsync<JsonNode>("/admin/projections/PartyExposure/parity"))!;
        Assert.True((bool)parity["clean"]!, parity.ToJsonString());
        Assert.Equal((long)parity["serving"]!["documents"]!, (long)parity["new"]!["documents"]!);
        Assert.EndsWith($"mt_doc_partyexposure_{Next}", (string?)parity["new"]!["table"]);

        // A difference in one document is listed by id, and blocks the switch unless forced.
        await using (var connection = new NpgsqlConnection(Api.ConnectionString))
        {
            await connection.OpenAsync();
            await using var tamper = new NpgsqlCommand(
                $"update {Schema}.mt_doc_partyexposure_{Next} set data = jsonb_set(data, '{{name}}', '\"Tampered\"') where id = 'openai'", connection);
            Assert.Equal(1, await tamper.ExecuteNonQueryAsync());
        }

        parity = (await Admin(v2).GetFromJsonAsync<JsonNode>("/admin/projections/PartyExposure/parity"))!;
        Assert.False((bool)parity["clean"]!);
        Assert.Equal(1, (long)parity["differing"]!);
        Assert.Equal("openai", (string?)parity["differences"]![0]!["id"]);
        Assert.Equal("content", (string?)parity["differences"]![0]!["difference"]);

        var blocked = await Admin(v2).PostAsync("/admin/projections/PartyExposure/switch", null);
        var problem = await Problem.Assert(blocked, HttpStatusCode.Conflict);
        Assert.Equal(1, (long)problem["parity"]!["differing"]!);
        Assert.True(JsonNode.DeepEquals(before, await PartyAsync(v2)), "a refused switch must leave v1 serving");

        var forced = await Admin(v2).PostAsync("/admin/projections/PartyExposure/switch?force=true", null);
        Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        Assert.Equal("Tampered", (string?)(await PartyAsync(v2))["name"]);
        var after = (await Admin(v2).GetFromJsonAsync<JsonArray>("/admin/projections"))!.Single(s => (string?)s!["name"] == "PartyExposure")!;
        Assert.Equal(Next, (uint)after["servingVersion"]!);
        await Problem.Assert(await Admin(v2).PostAsync("/admin/projections/PartyExposure/switch", null), HttpStatusCode.Conflict);

        // The choice is persisted: a restarted node serves v2 as well.
        await using var restarted = await Api.IsolatedHostAsync(Schema, DeployNextVersion, ("Projections:DaemonMode", "Disabled"));
        Assert.Equal("Tampered", (string?)(await PartyAsync(restarted))["name"]);
    }

    private static HttpClient Writer(IAlbaHost host) => ApiFixture.ClientOf(host, ApiFixture.Key);

    private static HttpClient Admin(IAlbaHost host) => ApiFixture.ClientOf(host, ApiFixture.AdminKey);

    private static async Task<JsonNode> PartyAsync(IAlbaHost host)
    {
        var party = (await host.Server.CreateClient().GetFromJsonAsync<JsonNode>("/parties/openai"))!;
        party.AsObject().Remove("basis");
        return party;
    }
}
