using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alba;
using DealLedger.Api.Admin;
using DealLedger.Domain.Sources;
using DealLedger.Projections;
using DealLedger.Testing;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events;
using Marten.Events.Projections;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DealLedger.Api.Tests.Platform;

/// <summary>
/// Whatever a rebuild's outcome (succeeded, failed, cancelled; over HTTP or from the CLI), the read model serves
/// at least what it served before and advances with new facts afterwards.
/// </summary>
public class RebuildOutcomeTests(ApiFixture api) : ApiTest(api)
{
    private const string Schema = "test_rebuild_outcomes";

    /// <summary>How long a new fact may take to show, generous for a busy machine; the tests wait on progress, not time.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task a_successful_rebuild_leaves_the_read_model_advancing_live()
    {
        await Api.ImportSeedAsync();
        await Api.CatchUpAsync();

        var started = await Admin(Api.Host).PostAsync("/admin/projections/Timeline/rebuild", null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var job = await OutcomeAsync(Api.Host, started.Headers.Location!.ToString());

        Assert.Equal("succeeded", (string?)job["outcome"]);
        Assert.Equal((long)job["total"]!, (long)job["done"]!);
        Assert.True((double)job["eventsPerSecond"]! > 0, job.ToJsonString());

        (await Api.PostFactAsync(Envelopes.Deal("after-rebuild", "after-rebuild-deal", "2026-12-01"))).EnsureSuccessStatusCode();
        await UntilAsync(async () => (await TimelineIdsAsync(Api.Host)).Contains("after-rebuild"), "the new fact on /timeline");
        await UntilLiveAsync(Api.Host, "Timeline");
    }

    [Fact]
    public async Task a_failed_rebuild_keeps_serving_the_previous_documents_and_says_why_in_one_line()
    {
        await using var host = await ProbeHostAsync();
        foreach (var id in new[] { "fail-1", "fail-2", "fail-3" })
        {
            (await Api.PostFactAsync(Envelopes.Deal(id, "probe-deal-" + id, "2025-01-01"), Writer(host))).EnsureSuccessStatusCode();
        }

        await CatchUp.WaitAsync(host.Services.GetRequiredService<IDocumentStore>(), host.WaitForNonStaleProjectionDataAsync);
        var before = await ProbeIdsAsync(host);
        Assert.Equal(["fail-1", "fail-2", "fail-3"], before);

        // The code now cannot handle a fact the live read model applied long ago: only a rebuild meets it again.
        ProbeProjection.Poisoned["fail-2"] = true;
        var started = await Admin(host).PostAsync("/admin/projections/Probe/rebuild", null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var job = await OutcomeAsync(host, started.Headers.Location!.ToString());

        Assert.Equal("failed", (string?)job["outcome"]);
        var error = (string?)job["error"];
        Assert.NotNull(error);
        Assert.Contains("probe cannot handle fail-2", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
        Assert.DoesNotContain(" at DealLedger", error, StringComparison.Ordinal);
        Assert.Equal(before, await ProbeIdsAsync(host));

        (await Api.PostFactAsync(Envelopes.Deal("fail-4", "probe-deal-fail-4", "2025-01-02"), Writer(host))).EnsureSuccessStatusCode();
        await UntilAsync(async () => (await ProbeIdsAsync(host)).Contains("fail-4"), "the new fact in the probe read model");
        Assert.Equal(["fail-1", "fail-2", "fail-3", "fail-4"], await ProbeIdsAsync(host));
        var probe = await UntilLiveAsync(host, "Probe");

        // The read model moved on: its status no longer carries the failed rebuild's error, which its job keeps.
        Assert.Null((string?)probe["error"]);
        Assert.Contains("probe cannot handle fail-2", (string?)(await OutcomeAsync(host, started.Headers.Location!.ToString()))["error"],
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_cancelled_rebuild_keeps_serving_the_previous_documents()
    {
        await using var host = await ProbeHostAsync();
        foreach (var id in new[] { "cancel-1", "cancel-2", "cancel-3" })
        {
            (await Api.PostFactAsync(Envelopes.Deal(id, "probe-deal-" + id, "2025-01-01"), Writer(host))).EnsureSuccessStatusCode();
        }

        await CatchUp.WaitAsync(host.Services.GetRequiredService<IDocumentStore>(), host.WaitForNonStaleProjectionDataAsync);
        var before = await ProbeIdsAsync(host);

        // The rebuild stops at this fact until released, so the cancel always finds it running.
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ProbeProjection.Holds["cancel-2"] = hold;
        try
        {
            var started = await Admin(host).PostAsync("/admin/projections/Probe/rebuild", null);
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var location = started.Headers.Location!.ToString();
            Assert.Equal(HttpStatusCode.Accepted, (await Admin(host).DeleteAsync(location)).StatusCode);

            var job = await OutcomeAsync(host, location);
            Assert.Equal("cancelled", (string?)job["outcome"]);
        }
        finally
        {
            hold.TrySetResult();
            ProbeProjection.Holds.TryRemove("cancel-2", out _);
        }

        Assert.Equal(before, await ProbeIdsAsync(host));
        (await Api.PostFactAsync(Envelopes.Deal("cancel-4", "probe-deal-cancel-4", "2025-01-02"), Writer(host))).EnsureSuccessStatusCode();
        await UntilAsync(async () => (await ProbeIdsAsync(host)).Contains("cancel-4"), "the new fact in the probe read model");
        await UntilLiveAsync(host, "Probe");
    }

    [Fact]
    public async Task a_cli_rebuild_while_the_api_runs_leaves_the_api_read_models_advancing()
    {
        await Api.ImportSeedAsync();
        await Api.CatchUpAsync();
        var before = await TimelineIdsAsync(Api.Host, from: "2025-01-01");

        var (exitCode, output) = await ApiCli.RunAsync(Api.ConnectionString, Api.Store.Options.Events.DatabaseSchemaName,
            "read-models", "rebuild", "Timeline");
        Assert.True(exitCode == 0, output);
        Assert.Equal(before, await TimelineIdsAsync(Api.Host, from: "2025-01-01"));

        (await Api.PostFactAsync(Envelopes.Deal("after-cli-rebuild", "after-cli-rebuild-deal", "2026-12-01"))).EnsureSuccessStatusCode();
        await UntilAsync(async () => (await TimelineIdsAsync(Api.Host)).Contains("after-cli-rebuild"), "the new fact on /timeline");
        await UntilLiveAsync(Api.Host, "Timeline");
    }

    [Fact]
    public async Task a_cli_rebuild_killed_mid_way_while_the_api_runs_leaves_the_api_serving_and_advancing()
    {
        var file = string.Join('\n', LedgerGenerator.Generate(seed: 33, deals: 2_000, factsPerDeal: 10).Select(f => f.ToJsonString()));
        (await Api.ImportAsync(file)).EnsureSuccessStatusCode();
        await Api.CatchUpAsync();
        var before = await PartyAsync("openai");
        var model = ReadModels.All.Single(m => m.Name == "PartyExposure");
        long total;
        await using (var session = Api.Store.QuerySession())
        {
            total = await Temporal.TemporalReads.LogPositionAsync(session, CancellationToken.None);
        }

        using (var cli = ApiCli.Start(Api.ConnectionString, Api.Store.Options.Events.DatabaseSchemaName, "read-models", "rebuild", "PartyExposure"))
        {
            // Mid-way: the rebuild has applied some batches (of 5,000 events) but not all, wherever it writes them.
            await UntilAsync(async () =>
            {
                Assert.False(cli.HasExited, $"the CLI rebuild ended (exit code {(cli.HasExited ? cli.ExitCode : 0)}) before it was seen mid-way");
                var progress = await Api.Store.Advanced.AllProjectionProgress();
                var rebuilt = ReadModels.ProgressOf(progress, model, model.RebuildVersion);
                return ReadModels.ProgressOf(progress, model) < total || rebuilt > 0 && rebuilt < total;
            }, "the CLI rebuild to be mid-way", everyMilliseconds: 20);
            cli.Kill(entireProcessTree: true);
            await cli.WaitForExitAsync();
        }

        Assert.True(JsonNode.DeepEquals(before, await PartyAsync("openai")), "a killed rebuild must leave the served documents as they were");
        (await Api.PostFactAsync(Envelopes.Deal("after-killed-rebuild", "after-killed-rebuild-deal", "2026-12-01", "Test Wire",
            ("openai", "buyer"), ("kill-check", "vendor")))).EnsureSuccessStatusCode();
        await UntilAsync(async () => (await Api.Client(withKey: false).GetAsync("/parties/kill-check")).StatusCode == HttpStatusCode.OK,
            "the new fact's party on /parties");
        await UntilLiveAsync(Api.Host, "PartyExposure");
    }

    [Fact]
    public async Task a_live_shard_whose_progression_another_process_moved_starts_again_from_there()
    {
        await Api.ImportSeedAsync();
        await Api.CatchUpAsync();

        // What a CLI rebuild's swap does to a running API: the live shard's next write finds its progression moved.
        await using (var connection = new NpgsqlConnection(Api.ConnectionString))
        {
            await connection.OpenAsync();
            await using var move = new NpgsqlCommand(
                $"update {Api.Store.Options.Events.DatabaseSchemaName}.mt_event_progression set last_seq_id = 1 where name = 'Timeline:All'", connection);
            Assert.Equal(1, await move.ExecuteNonQueryAsync());
        }

        (await Api.PostFactAsync(Envelopes.Deal("after-move", "after-move-deal", "2026-12-01"))).EnsureSuccessStatusCode();
        await UntilAsync(async () => (await TimelineIdsAsync(Api.Host)).Contains("after-move"), "the new fact on /timeline");
        await UntilLiveAsync(Api.Host, "Timeline");
    }

    private async Task<JsonNode> PartyAsync(string slug)
    {
        var party = await Api.GetJsonAsync($"/parties/{slug}");
        party.AsObject().Remove("basis");
        return party;
    }

    /// <summary>An API host of its own whose catalogue has the probe read model too, on an empty ledger.</summary>
    private async Task<IAlbaHost> ProbeHostAsync()
    {
        var host = await Api.IsolatedHostAsync(Schema, services =>
            services.AddSingleton(new ReadModelCatalog([.. ReadModels.All, ProbeProjection.Model])));
        await host.ResetAllMartenDataAsync();
        return host;
    }

    private static HttpClient Admin(IAlbaHost host) => ApiFixture.ClientOf(host, ApiFixture.AdminKey);

    private static HttpClient Writer(IAlbaHost host) => ApiFixture.ClientOf(host, ApiFixture.Key);

    private static async Task<JsonNode> OutcomeAsync(IAlbaHost host, string location)
    {
        JsonNode job = new JsonObject();
        await UntilAsync(async () =>
        {
            job = (await Admin(host).GetFromJsonAsync<JsonNode>(location))!;
            return (string?)job["outcome"] != "running";
        }, "the rebuild to end");
        return job;
    }

    private static async Task<List<string>> TimelineIdsAsync(IAlbaHost host, string from = "2026-12-01") =>
        (await host.Server.CreateClient().GetFromJsonAsync<JsonNode>($"/timeline?from={from}&limit=500"))!["items"]!.AsArray()
        .Select(i => (string)i!["id"]!).ToList();

    private static async Task<List<string>> ProbeIdsAsync(IAlbaHost host)
    {
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Query<ProbeEntry>().OrderBy(p => p.Id).Select(p => p.Id).ToListAsync()).ToList();
    }

    /// <summary>Waits until the status says this node runs the read model and it has read the whole log; returns its status.</summary>
    private static async Task<JsonNode> UntilLiveAsync(IAlbaHost host, string name)
    {
        JsonNode state = new JsonObject();
        await UntilAsync(async () =>
        {
            state = (await Admin(host).GetFromJsonAsync<JsonArray>("/admin/projections"))!.Single(s => (string?)s!["name"] == name)!;
            return (bool?)state["runningHere"] == true && (string?)state["state"] == "caught-up";
        }, $"{name} running here and caught up", () => state.ToJsonString());
        return state;
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what, Func<string>? lastSeen = null, int everyMilliseconds = 100)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (!await condition())
        {
            if (patience.IsCancellationRequested)
            {
                Assert.Fail($"gave up waiting for {what} after {Patience.TotalSeconds:0} s{(lastSeen is null ? "" : $"; last seen: {lastSeen()}")}");
            }

            await Task.Delay(everyMilliseconds, CancellationToken.None);
        }
    }
}

/// <summary>A test read model: one document per fact.</summary>
public sealed record ProbeEntry(string Id, long Sequence);

/// <summary>
/// A test read model whose code can be made to fail on a fact (<see cref="Poisoned"/>), or to wait at one
/// (<see cref="Holds"/>), after the live read model has applied it: what a rebuild of changed code meets.
/// </summary>
public sealed partial class ProbeProjection : EventProjection
{
    public static readonly ConcurrentDictionary<string, bool> Poisoned = new();
    public static readonly ConcurrentDictionary<string, TaskCompletionSource> Holds = new();

    public static readonly ReadModel Model = new("Probe", typeof(ProbeEntry), ProjectionLifecycle.Async, () => new ProbeProjection());

    public ProbeProjection()
    {
        RegisterPublishedType(typeof(ProbeEntry));
    }

    public override async ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        if (e.Data is not IFact { Fact.FactId: var id })
        {
            return;
        }

        if (Holds.TryGetValue(id, out var hold))
        {
            await hold.Task.WaitAsync(cancellation);
        }

        if (Poisoned.ContainsKey(id))
        {
            throw new InvalidOperationException($"probe cannot handle {id}");
        }

        operations.Store(new ProbeEntry(id, e.Sequence));
    }
}
