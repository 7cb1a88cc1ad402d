using System.Net;
using DealLedger.Hosting;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Platform;

/// <summary>
/// The first hour, as a newcomer lives it: the API in Development provisions its own PostgreSQL cluster, and commands
/// run beside it (<c>projections status</c>, <c>reset</c>) or a second API must never stop it or compete with its daemon.
/// </summary>
public class DevelopmentClusterTests(ApiFixture api) : ApiTest(api), IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "dealledger-devcluster-" + Guid.NewGuid().ToString("N")[..8]);

    private string DataDirectory => Path.Combine(_folder, "pgdata");

    public new Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        return base.InitializeAsync();
    }

    public new async Task DisposeAsync()
    {
        // The cluster outlives the processes that used it (by design): stop it here.
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            await using var cluster = await LocalPostgres.StartPersistentAsync(DataDirectory);
            await cluster.StopAsync();
        }

        Directory.Delete(_folder, recursive: true);
        await base.DisposeAsync();
    }

    [Fact]
    public async Task a_command_run_beside_the_api_leaves_its_database_running_and_a_killed_owner_leaves_it_for_the_next_start()
    {
        await using var api = await ApiNode.StartDevelopmentAsync(DataDirectory);
        Assert.True(await RecordAsync(api, "dev-cluster-1"), "the API records a fact on its own cluster");
        var postmaster = await PostmasterAsync();

        var (exitCode, output) = await ApiCli.RunAsync(ApiCli.DevelopmentStartInfo(DataDirectory, "projections", "status"), [], TimeSpan.FromMinutes(2));
        Assert.True(exitCode == 0, output);
        Assert.Contains("already running", output, StringComparison.Ordinal);
        Assert.Contains("Timeline", output, StringComparison.Ordinal);

        // reset's dry run (no --yes) says what it would delete and exits 1, as it did.
        (_, output) = await ApiCli.RunAsync(ApiCli.DevelopmentStartInfo(DataDirectory, "reset"), [], TimeSpan.FromMinutes(2));
        Assert.Contains("already running", output, StringComparison.Ordinal);
        Assert.Contains("This deletes the ledger", output, StringComparison.Ordinal);

        Assert.Equal(postmaster, await PostmasterAsync());
        Assert.Equal(HttpStatusCode.OK, (await api.Client.GetAsync("/health/ready")).StatusCode);
        Assert.True(await RecordAsync(api, "dev-cluster-2"), "the API still records facts after the commands beside it exited");

        // The process that started the cluster killed with -9: the cluster stays up, and the next start uses it as it is.
        await api.KillAsync();
        await using var next = await ApiNode.StartDevelopmentAsync(DataDirectory);
        Assert.Equal(postmaster, await PostmasterAsync());
        Assert.Equal(HttpStatusCode.OK, (await next.Client.GetAsync("/health/ready")).StatusCode);
        Assert.True(await RecordAsync(next, "dev-cluster-3"));
    }

    [Fact]
    public async Task the_process_that_started_the_cluster_stops_it_when_nobody_else_uses_it()
    {
        var started = await LocalPostgres.StartPersistentAsync(DataDirectory);
        Assert.True(started.StartedHere);
        var beside = await LocalPostgres.StartPersistentAsync(DataDirectory);
        Assert.False(beside.StartedHere);
        Assert.Equal(started.Port, beside.Port);

        // The starter leaves while another process (here, another holder) still uses it: it keeps running.
        await started.DisposeAsync();
        Assert.NotNull(beside.PostmasterProcessId);

        // One that found it running leaves it running too.
        await beside.DisposeAsync();
        Assert.NotNull(beside.PostmasterProcessId);

        // Started again by a process of its own, with nobody beside: stopped when it leaves.
        await using (var user = await LocalPostgres.StartPersistentAsync(DataDirectory))
        {
            await user.StopAsync();
        }

        var owner = await LocalPostgres.StartPersistentAsync(DataDirectory);
        Assert.True(owner.StartedHere);
        await owner.DisposeAsync();
        Assert.Null(owner.PostmasterProcessId);
    }

    [Fact]
    public async Task a_second_api_in_solo_mode_on_the_same_ledger_refuses_to_start_and_the_first_keeps_its_daemon()
    {
        const string schema = "test_solo_lock";
        await using var first = await ApiNode.StartAsync(Api.ConnectionString, schema);

        var start = ApiCli.StartInfo(Api.ConnectionString, schema, ["--urls", "http://127.0.0.1:0"]);
        var (exitCode, output) = await ApiCli.RunAsync(start, [("Projections:SoloLockWaitSeconds", "0.5")], TimeSpan.FromMinutes(2));
        Assert.True(exitCode != 0, output);
        Assert.Contains("already runs the projection daemon in Solo mode on ledger schema 'test_solo_lock'", output, StringComparison.Ordinal);
        Assert.Contains("Projections:DaemonMode=HotCold", output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await first.Client.GetAsync("/health/ready")).StatusCode);

        // With the daemon off, a second node on the same ledger is fine; after the first is killed, a Solo one is too.
        await using (var reader = await ApiNode.StartAsync(Api.ConnectionString, schema, ("Projections:DaemonMode", "Disabled")))
        {
            Assert.Equal(HttpStatusCode.OK, (await reader.Client.GetAsync("/health/live")).StatusCode);
        }

        await first.KillAsync();
        await using var second = await ApiNode.StartAsync(Api.ConnectionString, schema);
        Assert.True(await RecordAsync(second, "solo-lock-1"));
        await WaitForAsync(async () => (await second.Client.GetStringAsync("/timeline")).Contains("solo-lock-1", StringComparison.Ordinal),
            "the new Solo node's daemon advances the async read models");
    }

    private static async Task<bool> RecordAsync(ApiNode node, string factId)
    {
        var envelope = Envelopes.Deal(factId, $"{factId}-deal", "2025-09-10");
        using var content = new StringContent(envelope.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        return (await node.Client.PostAsync("/facts", content)).StatusCode == HttpStatusCode.Created;
    }

    private async Task<string> PostmasterAsync() =>
        (await File.ReadAllLinesAsync(Path.Combine(DataDirectory, "postmaster.pid")))[0];

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"waited a minute for: {what}");
            await Task.Delay(100);
        }
    }
}
