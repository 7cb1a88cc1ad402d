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
            await CatchUp.WaitAsync(v1.Services.GetRequiredService<IDocumentStore>(), v1.WaitForNonStaleProjectionDataAsync);
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
        await CatchUp.WaitAsync(v2.Services.GetRequiredService<IDocumentStore>(), v2.WaitForNonStaleProjectionDataAsync);

        var parity = (await Admin(v2).GetFromJsonAsync<JsonNode>("/admin/projections/PartyExposure/parity"))!;
        Assert.True((bool)parity["clean"]!, parity.ToJsonString());
        Assert.Equal((long)parity["serving"]!["documents"]!, (long)parity["new"]!["documents"]!);
        Assert.EndsWith($"mt_doc_partyexposure_{Next}", (string?)parity["new"]!["table"]);

        // A difference in one document (one of OpenAI's deal entries) is listed by id, and blocks the switch unless forced.
        var tampered = (string?)before["deals"]![0]!["deal"];
        var tamperedId = $"openai/{tampered}";
        await using (var connection = new NpgsqlConnection(Api.ConnectionString))
        {
            await connection.OpenAsync();
            await using var tamper = new NpgsqlCommand(
                $"update {Schema}.mt_doc_partyexposure_{Next} set data = jsonb_set(data, '{{deal,title}}', '\"Tampered\"') where id = @id", connection);
            tamper.Parameters.AddWithValue("id", tamperedId);
            Assert.Equal(1, await tamper.ExecuteNonQueryAsync());
        }

        parity = (await Admin(v2).GetFromJsonAsync<JsonNode>("/admin/projections/PartyExposure/parity"))!;
        Assert.False((bool)parity["clean"]!);
        Assert.Equal(1, (long)parity["differing"]!);
        Assert.Equal(tamperedId, (string?)parity["differences"]![0]!["id"]);
        Assert.Equal("content", (string?)parity["differences"]![0]!["difference"]);

        var blocked = await Admin(v2).PostAsync("/admin/projections/PartyExposure/switch", null);
        var problem = await Problem.Assert(blocked, HttpStatusCode.Conflict);
        Assert.Equal(1, (long)problem["parity"]!["differing"]!);
        Assert.True(JsonNode.DeepEquals(before, await PartyAsync(v2)), "a refused switch must leave v1 serving");

        var forced = await Admin(v2).PostAsync("/admin/projections/PartyExposure/switch?force=true", null);
        Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        Assert.Equal("Tampered", TitleOf(await PartyAsync(v2), tampered));
        var after = (await Admin(v2).GetFromJsonAsync<JsonArray>("/admin/projections"))!.Single(s => (string?)s!["name"] == "PartyExposure")!;
        Assert.Equal(Next, (uint)after["servingVersion"]!);
        await Problem.Assert(await Admin(v2).PostAsync("/admin/projections/PartyExposure/switch", null), HttpStatusCode.Conflict);

        // The choice is persisted: a restarted node serves v2 as well.
        await using var restarted = await Api.IsolatedHostAsync(Schema, DeployNextVersion, ("Projections:DaemonMode", "Disabled"));
        Assert.Equal("Tampered", TitleOf(await PartyAsync(restarted), tampered));
    }

    [Fact]
    public async Task a_deployment_still_serving_version_2_answers_its_whole_party_documents_until_the_switch()
    {
        const string Legacy = "test_party_legacy";
        var stored = JsonNode.Parse("""
            {"id":"openai","name":"OpenAI","totals":{"out":[],"in":[],"notReported":[]},"counterparties":[],"deals":[]}
            """)!;
        await using (var setup = await Api.IsolatedHostAsync(Legacy, _ => { }, ("Projections:DaemonMode", "Disabled")))
        {
            await setup.ResetAllMartenDataAsync();
            var store = setup.Services.GetRequiredService<IDocumentStore>();
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            await using (var session = store.LightweightSession())
            {
                session.Store(new ServingVersion { Id = "PartyExposure", Version = 2, Since = DateTimeOffset.UtcNow });
                await session.SaveChangesAsync();
            }

            await using var connection = new NpgsqlConnection(Api.ConnectionString);
            await connection.OpenAsync();
            await using var legacy = new NpgsqlCommand($"""
                drop table if exists {Legacy}.mt_doc_partyexposure_2;
                create table {Legacy}.mt_doc_partyexposure_2 (like {Legacy}.mt_doc_partyexposure_3 including all);
                insert into {Legacy}.mt_doc_partyexposure_2 (id, data, mt_version, mt_dotnet_type, mt_last_modified)
                values ('openai', @data::jsonb, 1, 'DealLedger.Projections.Parties.PartyExposure', now());
                """, connection);
            legacy.Parameters.AddWithValue("data", stored.ToJsonString());
            await legacy.ExecuteNonQueryAsync();
        }

        await using var upgraded = await Api.IsolatedHostAsync(Legacy, _ => { }, ("Projections:DaemonMode", "Disabled"));
        var answer = (await upgraded.Server.CreateClient().GetFromJsonAsync<JsonNode>("/parties/openai"))!;
        Assert.Equal(0, (long)answer["basis"]!["position"]!);
        answer.AsObject().Remove("basis");
        Assert.True(JsonNode.DeepEquals(stored, answer), answer.ToJsonString());
        Assert.Equal(HttpStatusCode.NotFound, (await upgraded.Server.CreateClient().GetAsync("/parties/oracle")).StatusCode);

        // The explorer's party page reads the same stored document.
        var page = await upgraded.Server.CreateClient().GetAsync("/explore/parties/openai");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<h1>OpenAI</h1>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static HttpClient Writer(IAlbaHost host) => ApiFixture.ClientOf(host, ApiFixture.Key);

    private static HttpClient Admin(IAlbaHost host) => ApiFixture.ClientOf(host, ApiFixture.AdminKey);

    private static string? TitleOf(JsonNode party, string? deal) =>
        (string?)party["deals"]!.AsArray().Single(d => (string?)d!["deal"] == deal)!["title"];

    private static async Task<JsonNode> PartyAsync(IAlbaHost host)
    {
        var party = (await host.Server.CreateClient().GetFromJsonAsync<JsonNode>("/parties/openai"))!;
        party.AsObject().Remove("basis");
        return party;
    }
}
