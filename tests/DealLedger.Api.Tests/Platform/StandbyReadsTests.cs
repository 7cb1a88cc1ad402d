using System.Diagnostics;
using System.Net;
using System.Text;
using Alba;
using DealLedger.Api.Reads;
using DealLedger.Hosting;
using DealLedger.Testing;
using JasperFx.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Wolverine;

namespace DealLedger.Api.Tests.Platform;

/// <summary>
/// Reads on a PostgreSQL hot standby: a primary and a streaming replica of it (<c>pg_basebackup -R</c>) from the
/// installed server binaries, and the API given both hosts with <c>Database:Reads=PreferStandby</c>. Reads are served by
/// the standby, a read naming a position the standby has not replayed is answered from the primary, and when the
/// standby stops, reads and writes go on.
/// </summary>
public sealed class StandbyReadsTests : IAsyncLifetime
{
    private const string Schema = "test_standby_reads";
    private LocalPostgres _primary = null!;
    private LocalPostgres _standby = null!;
    private IAlbaHost _host = null!;

    public async Task InitializeAsync()
    {
        _primary = await LocalPostgres.StartThrowawayAsync();
        try
        {
            _standby = await _primary.StartStandbyAsync();
        }
        catch
        {
            // xunit does not dispose a class whose initialisation failed: stop the primary here.
            await _primary.DisposeAsync();
            throw;
        }

        var connectionString = new NpgsqlConnectionStringBuilder(_primary.ConnectionString())
        {
            Host = $"127.0.0.1:{_primary.Port},127.0.0.1:{_standby.Port}",
        }.ConnectionString;
        JasperFxEnvironment.AutoStartHost = true;
        _host = await AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSolutionRelativeContentRoot("src/DealLedger.Api");
            builder.UseSetting("ConnectionStrings:Marten", connectionString);
            builder.UseSetting("Database:Reads", "PreferStandby");
            builder.UseSetting("Marten:Schema", Schema);
            builder.UseSetting("Seed:Enabled", "false");
            builder.UseSetting("Auth:ApiKeys:0:Name", ApiFixture.KeyName);
            builder.UseSetting("Auth:ApiKeys:0:Key", ApiFixture.Key);
            foreach (var (key, value) in ApiFixture.NoClientLimits)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureServices(services =>
            {
                services.RunWolverineInSoloMode();
                services.DisableAllExternalWolverineTransports();
            });
            builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _standby.DisposeAsync();
        await _primary.DisposeAsync();
    }

    [Fact]
    public async Task reads_are_served_by_the_standby_hold_read_your_writes_by_position_and_go_on_when_it_stops()
    {
        var client = ApiFixture.ClientOf(_host, ApiFixture.Key);

        var reported = await PostAsync(client, Envelopes.Deal("d1", "standby-deal", "2025-01-21"));
        Assert.Equal(HttpStatusCode.Created, reported.StatusCode);
        var first = PositionOf(reported);
        await WaitForReplayAsync();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/deals/standby-deal")).StatusCode);
        Assert.Equal(1, await ListedVersionAsync(client, "/deals"));
        Assert.True(await ApiConnectionsOnAsync(_standby) > 0, "the API holds no connection to the standby");

        // The standby stops replaying: a write on the primary is not on it yet.
        await ExecuteAsync(_standby, "select pg_wal_replay_pause()");
        var valued = await PostAsync(client, Envelopes.Value("v1", "standby-deal", "2025-02-01", 1_000_000m));
        Assert.Equal(HttpStatusCode.Created, valued.StatusCode);
        var second = PositionOf(valued);
        Assert.True(second > first);

        // Only the standby can still answer version 1: plain database reads (Marten's query sessions) are served by
        // it. The current deal is answered from this node's memory, which its own write refreshed from the primary.
        Assert.Equal(1, await ListedVersionAsync(client, "/deals"));
        Assert.Equal(1, await ListedVersionAsync(client, $"/deals?minPosition={first}"));
        Assert.Equal("\"2\"", await EtagAsync(client, "/deals/standby-deal", null));
        Assert.Equal(2, await ListedVersionAsync(client, $"/deals?minPosition={second}"));
        Assert.Equal("\"2\"", await EtagAsync(client, "/deals/standby-deal", ("Ledger-Min-Position", second)));
        Assert.Equal("\"2\"", await EtagAsync(client, $"/deals/standby-deal?minPosition={second}", null));
        var history = await client.GetAsync($"/deals/standby-deal/history?minPosition={second}");
        Assert.Equal(HttpStatusCode.OK, history.StatusCode);
        Assert.Contains("v1", await history.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/deals/standby-deal?minPosition=soon")).StatusCode);

        await ExecuteAsync(_standby, "select pg_wal_replay_resume()");
        await WaitForReplayAsync();
        Assert.Equal("\"2\"", await EtagAsync(client, "/deals/standby-deal", null));

        // The standby stops: reads fall back to the primary, writes never needed it.
        await _standby.StopAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/deals/standby-deal")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/deals")).StatusCode);
        }

        var afterwards = await PostAsync(client, Envelopes.Value("v2", "standby-deal", "2025-03-01", 2_000_000m));
        Assert.Equal(HttpStatusCode.Created, afterwards.StatusCode);
        Assert.Equal("\"3\"", await EtagAsync(client, "/deals/standby-deal", ("Ledger-Min-Position", PositionOf(afterwards))));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, System.Text.Json.Nodes.JsonNode envelope) =>
        client.PostAsync("/facts", new StringContent(envelope.ToJsonString(), Encoding.UTF8, "application/json"));

    private static long PositionOf(HttpResponseMessage response) =>
        long.Parse(response.Headers.GetValues(ReadPosition.Header).Single(), System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<string?> EtagAsync(HttpClient client, string url, (string Name, long Value)? header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (header is { } h)
        {
            request.Headers.Add(h.Name, h.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.ETag?.ToString();
    }

    /// <summary>Waits until the standby has replayed everything the primary has written; fails only when replay stops advancing.</summary>
    private async Task WaitForReplayAsync()
    {
        var target = await ScalarAsync<string>(_primary, "select pg_current_wal_lsn()::text");
        var last = "";
        var still = Stopwatch.StartNew();
        while (!await ScalarAsync<bool>(_standby, $"select pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"))
        {
            var replayed = await ScalarAsync<string>(_standby, "select pg_last_wal_replay_lsn()::text");
            if (replayed != last)
            {
                (last, still) = (replayed, Stopwatch.StartNew());
            }

            Assert.True(still.Elapsed < TimeSpan.FromSeconds(30), $"the standby stopped replaying at {last}, short of {target}");
            await Task.Delay(20);
        }
    }

    private static async Task<long> ListedVersionAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return page["items"]!.AsArray().Single()!["version"]!.GetValue<long>();
    }

    private static Task<long> ApiConnectionsOnAsync(LocalPostgres server) =>
        ScalarAsync<long>(server, "select count(*) from pg_stat_activity where application_name = 'DealLedger.Api'");

    private static async Task<T> ScalarAsync<T>(LocalPostgres server, string sql)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(LocalPostgres server, string sql)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
