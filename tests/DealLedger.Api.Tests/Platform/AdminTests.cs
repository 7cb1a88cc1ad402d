using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using DealLedger.Api.Admin;
using DealLedger.Testing;
using DealLedger.Domain.Sources;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events;
using Marten.Events.Daemon.Coordination;
using Marten.Events.Projections;
using Microsoft.Extensions.DependencyInjection;

namespace DealLedger.Api.Tests.Platform;

public class AdminTests(ApiFixture api) : ApiTest(api)
{
    private HttpClient Admin() => Api.Client(ApiFixture.AdminKey);

    /// <summary>Health details (descriptions) are shown to admin keys only.</summary>
    private static HttpClient AdminClient(Alba.IAlbaHost host)
    {
        var client = host.Server.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiFixture.AdminKey);
        return client;
    }

    /// <summary>Polls a rebuild resource until it is no longer running (a minute at most); returns it.</summary>
    private async Task<JsonNode> OutcomeAsync(string location)
    {
        JsonNode job;
        var polls = 0;
        do
        {
            await Task.Delay(100);
            job = (await (await Admin().GetAsync(location)).Content.ReadFromJsonAsync<JsonNode>())!;
        }
        while ((string?)job["outcome"] == "running" && ++polls < 600);

        return job;
    }

    [Fact]
    public async Task read_model_status_needs_an_admin_key()
    {
        await Problem.Assert(await Api.Client(withKey: false).GetAsync("/admin/projections"), HttpStatusCode.Unauthorized);
        await Problem.Assert(await Api.Client().GetAsync("/admin/projections"), HttpStatusCode.Forbidden);
        await Problem.Assert(await Api.Client().PostAsync("/admin/projections/Timeline/rebuild", null), HttpStatusCode.Forbidden);

        await Api.ImportSeedAsync();
        await Api.CatchUpAsync();
        var status = (await (await Admin().GetAsync("/admin/projections")).Content.ReadFromJsonAsync<JsonArray>())!;

        Assert.Equal(["FactIndex", "DealSummary", "EstimateHistory", "PartyExposure", "Timeline", "SourceScorecard", "CommitmentsByYear"],
            status.Select(s => (string?)s!["name"]));
        Assert.All(status, s => Assert.True((string?)s!["state"] is "inline" or "caught-up", s.ToJsonString()));
        Assert.All(status, s => Assert.Equal(0, (long)s!["lagEvents"]!));
    }

    [Fact]
    public async Task a_rebuild_runs_in_the_background_one_at_a_time_and_gives_the_same_documents()
    {
        var file = string.Join('\n', LedgerGenerator.Generate(seed: 21, deals: 500, factsPerDeal: 10).Select(f => f.ToJsonString()));
        (await Api.ImportAsync(file)).EnsureSuccessStatusCode();
        await Api.CatchUpAsync();
        var before = await Api.GetJsonAsync("/parties/openai");

        var first = await Admin().PostAsync("/admin/projections/PartyExposure/rebuild", null);
        var second = await Admin().PostAsync("/admin/projections/PartyExposure/rebuild", null);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        await Problem.Assert(second, HttpStatusCode.Conflict);
        var location = first.Headers.Location!.ToString();
        var job = await OutcomeAsync(location);

        Assert.Equal("succeeded", (string?)job["outcome"]);
        Assert.Equal((long)job["total"]!, (long)job["done"]!);
        var after = await Api.GetJsonAsync("/parties/openai");
        before.AsObject().Remove("basis");
        after.AsObject().Remove("basis");
        Assert.True(JsonNode.DeepEquals(before, after));
        await Problem.Assert(await Admin().DeleteAsync(location), HttpStatusCode.Conflict);
        await Problem.Assert(await Admin().PostAsync("/admin/projections/NoSuchModel/rebuild", null), HttpStatusCode.NotFound);
        await Problem.Assert(await Admin().PostAsync("/admin/projections/FactIndex/rebuild", null), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task a_rebuild_of_an_empty_ledger_has_ended_when_it_is_answered_and_the_read_model_then_advances()
    {
        foreach (var model in new[] { "Timeline", "PartyExposure", "CommitmentsByYear" })
        {
            var started = await Admin().PostAsync($"/admin/projections/{model}/rebuild", null);
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var job = (await started.Content.ReadFromJsonAsync<JsonNode>())!;
            Assert.Equal("succeeded", (string?)job["outcome"]);
            Assert.Equal(0, (long)job["total"]!);
            Assert.NotNull((string?)job["finishedAt"]);
        }

        await Api.ImportSeedAsync();
        await Api.CatchUpAsync();
        var timeline = await Api.GetJsonAsync("/timeline");
        Assert.NotEmpty(timeline["items"]!.AsArray());
    }

    [Fact]
    public async Task a_rebuild_is_refused_while_another_process_rebuilds_that_read_model_and_on_a_node_without_a_daemon()
    {
        await using (var elsewhere = await RebuildLock.TryTakeAsync(Api.Store, "Timeline", CancellationToken.None))
        {
            Assert.NotNull(elsewhere);
            var refused = await Problem.Assert(await Admin().PostAsync("/admin/projections/Timeline/rebuild", null), HttpStatusCode.Conflict);
            Assert.Equal("Rebuild running elsewhere", (string?)refused["title"]);
            Assert.Contains("being rebuilt by another node or by the CLI", (string?)refused["detail"], StringComparison.Ordinal);

            var (exitCode, output) = await ApiCli.RunAsync(Api.ConnectionString, Api.Store.Options.Events.DatabaseSchemaName, "read-models", "rebuild", "Timeline");
            Assert.True(exitCode != 0, output);
            Assert.Contains("Timeline is being rebuilt by an API node or another CLI", output, StringComparison.Ordinal);
        }

        // The lock went with its holder: the rebuild can run now.
        var started = await Admin().PostAsync("/admin/projections/Timeline/rebuild", null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal("succeeded", (string?)(await OutcomeAsync(started.Headers.Location!.ToString()))["outcome"]);

        // A node that runs no daemon serves HTTP only: the read models are advanced, and rebuilt, elsewhere.
        await using var httpOnly = await Api.WithSettingsAsync();
        var client = httpOnly.Server.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiFixture.AdminKey);
        var problem = await Problem.Assert(await client.PostAsync("/admin/projections/Timeline/rebuild", null), HttpStatusCode.Conflict);
        Assert.Equal("Rebuild not possible on this node", (string?)problem["title"]);
        Assert.Contains("runs no projection daemon", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_projection_that_throws_stops_loudly_naming_the_event_instead_of_skipping_it()
    {
        await using var host = await Api.IsolatedHostAsync("test_faulty_projection",
            services => services.ConfigureMarten(options => options.Projections.Add<FaultyProjection>(ProjectionLifecycle.Async)));
        await host.ResetAllMartenDataAsync();
        var client = host.Server.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiFixture.Key);
        (await Api.PostFactAsync(Envelopes.Deal("fine", "some-deal", "2025-01-01"), client)).EnsureSuccessStatusCode();
        var poison = await (await Api.PostFactAsync(Envelopes.Value("poison", "some-deal", "2025-01-02", 1m), client))
            .Content.ReadFromJsonAsync<JsonNode>();

        JsonNode? report = null;
        for (var i = 0; i < 100 && (string?)report?["status"] != "Unhealthy"; i++)
        {
            await Task.Delay(100);
            report = JsonNode.Parse(await (await AdminClient(host).GetAsync("/health")).Content.ReadAsStringAsync());
        }

        Assert.Equal("Unhealthy", (string?)report!["status"]);
        var description = (string?)report["checks"]![1]!["description"];
        Assert.Contains("FaultyProjection stopped on event", description);
        Assert.Contains((string)poison!["eventId"]!, description);
    }

    [Fact]
    public async Task with_skip_failing_events_the_read_model_dead_letters_the_event_and_keeps_advancing()
    {
        await using var host = await Api.IsolatedHostAsync("test_skip_failing",
            services => services.ConfigureMarten(options => options.Projections.Add<FaultyProjection>(ProjectionLifecycle.Async)),
            ("Projections:SkipFailingEvents", "true"));
        await host.ResetAllMartenDataAsync();
        var client = host.Server.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiFixture.Key);
        (await Api.PostFactAsync(Envelopes.Deal("fine", "some-deal", "2025-01-01"), client)).EnsureSuccessStatusCode();
        (await Api.PostFactAsync(Envelopes.Value("poison", "some-deal", "2025-01-02", 1m), client)).EnsureSuccessStatusCode();
        (await Api.PostFactAsync(Envelopes.Value("after", "some-deal", "2025-01-03", 2m), client)).EnsureSuccessStatusCode();

        var store = host.Services.GetRequiredService<IDocumentStore>();
        await CatchUp.WaitAsync(store, host.WaitForNonStaleProjectionDataAsync);

        await using var session = store.QuerySession();
        var deadLetters = await session.Query<JasperFx.Events.Daemon.DeadLetterEvent>().ToListAsync();
        var dead = Assert.Single(deadLetters);
        Assert.EndsWith("FaultyProjection", dead.ProjectionName);
        var events = await session.Events.QueryAllRawEvents().ToListAsync();
        Assert.Equal(events.Single(e => e.Data is IFact { Fact.FactId: "poison" }).Sequence, dead.EventSequence);
        var health = await host.Server.CreateClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task health_reports_a_read_model_that_stopped_advancing_while_events_are_pending()
    {
        await using var watcher = await Api.WithSettingsAsync(("Projections:StallAfterSeconds", "0"));
        var coordinator = Api.Host.Services.GetRequiredService<IProjectionCoordinator>();
        await coordinator.PauseAsync();
        try
        {
            await Api.ImportSeedAsync();
            var client = AdminClient(watcher);
            await client.GetAsync("/health");
            var health = await client.GetAsync("/health");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            var report = JsonNode.Parse(await health.Content.ReadAsStringAsync())!;
            Assert.Equal("Unhealthy", (string?)report["status"]);
            Assert.Contains("PartyExposure stalled", (string?)report["checks"]![1]!["description"]);
        }
        finally
        {
            await coordinator.ResumeAsync();
        }

        await Api.CatchUpAsync();
        Assert.Equal(HttpStatusCode.OK, (await Api.Client(withKey: false).GetAsync("/health")).StatusCode);
    }
}

/// <summary>A read model with a bug: it cannot handle the fact "poison".</summary>
public sealed partial class FaultyProjection : EventProjection
{
    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation) =>
        e.Data is IFact { Fact.FactId: "poison" } ? throw new InvalidOperationException("this read model cannot handle it") : ValueTask.CompletedTask;
}
