using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using DealLedger.Hosting;
using DealLedger.Projections;
using DealLedger.Testing;
using Marten;
using Npgsql;
using Xunit.Abstractions;

namespace DealLedger.Api.Tests.Faults;

/// <summary>
/// Crashes while a writer keeps an acknowledgement ledger: the API process killed mid-burst, then the PostgreSQL
/// server. Afterwards every acknowledged fact is in the log exactly once and every read model equals a rebuild.
/// Figures go to the test output (docs/reliability.md quotes them).
/// </summary>
[Trait("Category", "Faults")]
public class FaultTests(ApiFixture api, ITestOutputHelper output) : ApiTest(api)
{
    private const int Lanes = 4;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task after_the_api_process_is_killed_mid_burst_every_acknowledged_fact_is_recorded_once_and_read_models_equal_a_rebuild()
    {
        const string schema = "test_faults_api_kill";
        using (var clean = StoreOn(Api.ConnectionString, schema))
        {
            await clean.Advanced.ResetAllData();
        }

        await using var first = await ApiNode.StartAsync(Api.ConnectionString, schema);
        var writer = new AcknowledgingWriter(Plan(seed: 91), Lanes);
        ApiNode? second = null;
        using var stop = new CancellationTokenSource();
        Task? writing = null;
        try
        {
            writer.Target = first.Client;
            writing = writer.RunAsync(stop.Token);
            await WaitForAsync(() => Task.FromResult(writer.Count(FactState.Acknowledged) >= writer.Total / 3), "a third of the facts acknowledged");

            await first.KillAsync();
            var killedAt = writer.Now;
            second = await ApiNode.StartAsync(Api.ConnectionString, schema);
            var startedIn = writer.Now - killedAt;
            writer.Target = second.Client;
            await writing.WaitAsync(TimeSpan.FromMinutes(3));

            var servedAgain = writer.FirstAcknowledgedAfter(killedAt);
            Assert.NotNull(servedAgain);
            await VerifyAsync("API process killed", second, Api.ConnectionString, schema, writer,
                $"killed {Seconds(killedAt)} s into the run, new node serving {Seconds(startedIn)} s after the kill, first fact acknowledged " +
                $"{Seconds(servedAgain.Value - killedAt)} s after it, writing done {Seconds(writer.Now)} s into the run");
        }
        finally
        {
            await StopAsync(stop, writing);
            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task after_the_postgres_server_is_killed_and_started_again_the_same_api_serves_and_no_acknowledged_fact_is_lost_or_doubled()
    {
        const string schema = "test_faults_pg_kill";
        // The scenario needs a server of its own to kill, whatever server the other tests use: a machine without
        // the binaries fails here rather than passing a scenario that never ran (.ci/run installs them).
        Assert.True(LocalPostgres.BinariesAvailable(),
            "the PostgreSQL server binaries (Debian's postgresql package) are needed to kill and restart a server");

        await using var cluster = await LocalPostgres.StartThrowawayAsync(durable: true);
        var connection = cluster.ConnectionString();
        await using var node = await ApiNode.StartAsync(connection, schema);
        var writer = new AcknowledgingWriter(Plan(seed: 92), Lanes);
        using var stop = new CancellationTokenSource();
        Task? writing = null;
        try
        {
            writer.Target = node.Client;
            writing = writer.RunAsync(stop.Token);
            await WaitForAsync(() => Task.FromResult(writer.Count(FactState.Acknowledged) >= writer.Total / 3), "a third of the facts acknowledged");

            var failuresBefore = writer.ServerErrors + writer.TransportErrors;
            var killedAt = writer.Now;
            using (var postmaster = Process.GetProcessById(cluster.PostmasterProcessId!.Value))
            {
                postmaster.Kill();
            }

            // The outage is observed, not assumed: every lane has failed at least once before the server comes back.
            await WaitForAsync(() => Task.FromResult(writer.ServerErrors + writer.TransportErrors >= failuresBefore + Lanes), "failed writes");
            var readiness = await node.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, readiness.StatusCode);
            var errorsDuringOutage = (Server: writer.ServerErrors, Transport: writer.TransportErrors);

            // Backends of the killed server end by themselves once they notice; until then it cannot start again.
            var startAttempts = 0;
            await WaitForAsync(async () =>
            {
                startAttempts++;
                try
                {
                    await cluster.StartAgainAsync();
                    return true;
                }
                catch (InvalidOperationException)
                {
                    return false;
                }
            }, "the server started again");
            var restartedAt = writer.Now;

            await writing.WaitAsync(TimeSpan.FromMinutes(3));
            Assert.False(node.HasExited);
            var servedAgain = writer.FirstAcknowledgedAfter(restartedAt);
            Assert.NotNull(servedAgain);
            Assert.True(writer.ServerErrorsByStatus.Keys.All(status => status == 503),
                $"a database outage must answer 503 with Retry-After, not {writer.ServerErrorStatuses}");
            await VerifyAsync("PostgreSQL server killed", node, connection, schema, writer,
                $"server up again {Seconds(restartedAt - killedAt)} s after the kill ({startAttempts} start attempts), " +
                $"first fact acknowledged {Seconds(servedAgain.Value - restartedAt)} s after that " +
                $"({Seconds(servedAgain.Value - killedAt)} s after the kill), /health/ready answered 503 meanwhile, " +
                $"failed writes by then: {errorsDuringOutage.Server} 5xx, {errorsDuringOutage.Transport} without answer; same API process throughout; " +
                $"killed {Seconds(killedAt)} s into the run, writing done {Seconds(writer.Now)} s into it");
        }
        finally
        {
            await StopAsync(stop, writing);
        }
    }

    /// <summary>Deals and estimates of realistic mixes (revisions, status changes, corroborations, retractions).</summary>
    private static IReadOnlyList<JsonObject> Plan(int seed) =>
        LedgerGenerator.Generate(seed, deals: 6, factsPerDeal: 30, estimates: 3, revisionsPerEstimate: 19, relations: true);

    private async Task VerifyAsync(string scenario, ApiNode node, string connection, string schema, AcknowledgingWriter writer, string recovery)
    {
        var resent = await writer.ResendUncertainAsync();
        var acknowledged = writer.InState(FactState.Acknowledged);
        var answeredHeld = resent.Count(r => r.Value == HttpStatusCode.OK);
        var answeredRecorded = resent.Count(r => r.Value == HttpStatusCode.Created);
        var verifying = Stopwatch.StartNew();
        await WaitForAsync(async () => await CaughtUpAsync(node), "every read model caught up");

        var caughtUpIn = verifying.Elapsed;
        var counts = await EventsPerFactIdAsync(connection, schema);
        var lost = acknowledged.Count(id => !counts.ContainsKey(id));
        var doubled = counts.Count(c => c.Value > 1);

        // The node's daemon must be gone before rebuilding, or the two would race on the same tables.
        await node.KillAsync();
        using var store = StoreOn(connection, schema);
        var live = await DocumentsAsync(store, schema);
        using (var daemon = await store.BuildProjectionDaemonAsync())
        {
            foreach (var model in ReadModels.All)
            {
                await CatchUp.RebuildAsync(daemon, store, model.Name);
            }
        }

        var rebuilt = await DocumentsAsync(store, schema);
        var differing = ReadModels.All.Where(m => !live[m.Name].SequenceEqual(rebuilt[m.Name])).Select(m => m.Name).ToList();

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{scenario}: {writer.Total} facts planned, {acknowledged.Count} acknowledged ({writer.AcknowledgedAlreadyHeld} with 200 " +
            $"'already recorded': an unanswered attempt had been recorded); {writer.Uncertain} had an attempt without a 2xx, " +
            $"resent once after recovery: {answeredHeld} answered 200, {answeredRecorded} 201, {resent.Count - answeredHeld - answeredRecorded} other; " +
            $"events with a fact id: {counts.Values.Sum()}; lost {lost}, doubled {doubled}; " +
            $"{writer.ServerErrors} 5xx ({writer.ServerErrorStatuses}) and {writer.TransportErrors} unanswered requests in all; {recovery}; " +
            $"read models caught up {Seconds(caughtUpIn)} s after the last write, events counted, node stopped and every read model rebuilt and compared in {Seconds(verifying.Elapsed - caughtUpIn)} s; " +
            $"read models differing from a rebuild: {(differing.Count == 0 ? "none" : string.Join(", ", differing))} " +
            $"(documents: {string.Join(", ", ReadModels.All.Select(m => $"{m.Name} {rebuilt[m.Name].Count}"))})"));

        Assert.Empty(writer.Refusals);
        Assert.Equal(writer.Total, acknowledged.Count);
        Assert.All(resent, r => Assert.Equal(HttpStatusCode.OK, r.Value));
        Assert.Equal(0, lost);
        Assert.Equal(0, doubled);
        Assert.Equal(writer.Total, counts.Values.Sum());
        Assert.Empty(counts.Keys.Except(acknowledged));
        Assert.Empty(differing);
    }

    private static async Task<Dictionary<string, long>> EventsPerFactIdAsync(string connection, string schema)
    {
        await using var database = new NpgsqlConnection(connection);
        await database.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select data->'fact'->>'factId', count(*) from {schema}.mt_events where data ? 'fact' group by 1", database);
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    /// <summary>Every async read model is advanced by this node and has applied every committed event.</summary>
    private static async Task<bool> CaughtUpAsync(ApiNode node)
    {
        try
        {
            var status = (await node.Client.GetFromJsonAsync<JsonArray>(new Uri("/admin/projections", UriKind.Relative)))!;
            return status.All(s => (long)s!["lagEvents"]! == 0
                && ((string)s["lifecycle"]! != "async" || (bool?)s["runningHere"] == true));
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static DocumentStore StoreOn(string connection, string schema) =>
        DocumentStore.For(options => LedgerStore.Configure(options, connection, schema));

    private static async Task<Dictionary<string, IReadOnlyList<string>>> DocumentsAsync(DocumentStore store, string schema)
    {
        await using var session = store.QuerySession();
        var documents = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var model in ReadModels.All)
        {
            var json = await session.AdvancedSql.QueryAsync<string>(
                $"select data::text from {((IReadOnlyStoreOptions)store.Options).FindOrResolveDocumentType(model.DocumentType).TableName.QualifiedName} order by id", CancellationToken.None);
            documents[model.Name] = json.Select(d => JsonNode.Parse(d)!.ToJsonString()).ToList();
        }

        return documents;
    }

    private static async Task StopAsync(CancellationTokenSource stop, Task? writing)
    {
        await stop.CancelAsync();
        if (writing is not null)
        {
            await writing.WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> probe, string what)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < Patience)
        {
            if (await probe())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"not reached within {Patience.TotalSeconds} s: {what}");
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
}
