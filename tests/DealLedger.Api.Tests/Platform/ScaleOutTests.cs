using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using DealLedger.Projections;
using DealLedger.Testing;
using JasperFx.Events.Projections;
using Marten;

namespace DealLedger.Api.Tests.Platform;

/// <summary>
/// Two API processes on one PostgreSQL with Marten's hot/cold daemon: one node advances the async read models,
/// the other takes over when it is killed, and nothing is lost or applied twice.
/// </summary>
public class ScaleOutTests(ApiFixture api) : ApiTest(api)
{
    private const string Schema = "test_scale_out";
    private static readonly string[] AsyncModels =
        ReadModels.All.Where(m => m.Lifecycle == ProjectionLifecycle.Async).Select(m => m.Name).ToArray();

    [Fact]
    public async Task when_the_node_running_the_read_models_is_killed_the_other_takes_over_and_no_event_is_lost_or_doubled()
    {
        using (var clean = Store())
        {
            await clean.Advanced.ResetAllData();
        }

        await using var first = await ApiNode.StartAsync(Api.ConnectionString, Schema, ("Projections:DaemonMode", "HotCold"));
        await using var second = await ApiNode.StartAsync(Api.ConnectionString, Schema, ("Projections:DaemonMode", "HotCold"));
        (await first.Client.PostAsync("/facts/import", new StringContent(Encoding.UTF8.GetString(SeedData.Bytes()), Encoding.UTF8,
            "application/x-ndjson"))).EnsureSuccessStatusCode();

        var leader = await WaitForAsync(async () =>
        {
            var running = await Task.WhenAll(RunningHereAsync(first), RunningHereAsync(second));
            Assert.DoesNotContain(AsyncModels, m => running[0].Contains(m) && running[1].Contains(m));
            return running[0].SetEquals(AsyncModels) ? first : running[1].SetEquals(AsyncModels) ? second : null;
        });
        var survivor = leader == first ? second : first;
        await WaitForAsync(async () => await CaughtUpAsync(leader) ? leader : null);

        // Only the leader rebuilds: on the standby, a rebuild would race the leader's live shard.
        var refused = await survivor.Client.PostAsync("/admin/projections/Timeline/rebuild", null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("advanced by another node", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var rebuild = await leader.Client.PostAsync("/admin/projections/Timeline/rebuild", null);
        Assert.Equal(HttpStatusCode.Accepted, rebuild.StatusCode);
        await WaitForAsync(async () =>
            (string?)(await leader.Client.GetFromJsonAsync<JsonNode>(rebuild.Headers.Location!))!["outcome"] == "succeeded" ? leader : null);

        await leader.KillAsync();
        var takeover = Stopwatch.StartNew();
        await WaitForAsync(async () => (await RunningHereAsync(survivor)).SetEquals(AsyncModels) ? survivor : null);
        takeover.Stop();
        Assert.True(takeover.Elapsed < TimeSpan.FromSeconds(60), $"takeover took {takeover.Elapsed}");

        var more = string.Join('\n', LedgerGenerator.Generate(seed: 31, deals: 200, factsPerDeal: 5).Select(f => f.ToJsonString()));
        (await survivor.Client.PostAsync("/facts/import", new StringContent(more, Encoding.UTF8, "application/x-ndjson"))).EnsureSuccessStatusCode();
        await WaitForAsync(async () => await CaughtUpAsync(survivor) ? survivor : null);
        await survivor.KillAsync();

        using var store = Store();
        var live = await DocumentsAsync(store);
        using (var daemon = await store.BuildProjectionDaemonAsync())
        {
            foreach (var model in AsyncModels)
            {
                await CatchUp.RebuildAsync(daemon, store, model);
            }
        }

        Assert.Equal(live, await DocumentsAsync(store));
    }

    private DocumentStore Store() => DocumentStore.For(options => LedgerStore.Configure(options, Api.ConnectionString, Schema));

    private static async Task<HashSet<string>> RunningHereAsync(ApiNode node)
    {
        var status = (await node.Client.GetFromJsonAsync<JsonArray>("/admin/projections"))!;
        return status.Where(s => (bool?)s!["runningHere"] == true).Select(s => (string)s!["name"]!).ToHashSet();
    }

    private static async Task<bool> CaughtUpAsync(ApiNode node)
    {
        var status = (await node.Client.GetFromJsonAsync<JsonArray>("/admin/projections"))!;
        return status.All(s => (long)s!["lagEvents"]! == 0);
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe) where T : class
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (await probe() is { } found)
            {
                return found;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("the nodes did not get there within 90 s");
    }

    private static async Task<Dictionary<string, string>> DocumentsAsync(DocumentStore store)
    {
        await using var session = store.QuerySession();
        var documents = new Dictionary<string, string>();
        foreach (var model in ReadModels.All.Where(m => m.Lifecycle == ProjectionLifecycle.Async))
        {
            var json = await session.AdvancedSql.QueryAsync<string>(
                $"select data::text from {((IReadOnlyStoreOptions)store.Options).FindOrResolveDocumentType(model.DocumentType).TableName.QualifiedName} order by id", CancellationToken.None);
            documents[model.Name] = string.Join('\n', json.Select(d => JsonNode.Parse(d)!.ToJsonString()));
        }

        return documents;
    }
}
