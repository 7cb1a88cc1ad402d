using System.Net;
using System.Text;
using Alba;
using Marten;
using DealLedger.Testing;
using Npgsql;

namespace DealLedger.Api.Tests.Limits;

/// <summary>
/// One connection budget for the whole process: a burst of reads on a small pool queues or answers 503, never 500;
/// a database that refuses connections is a 503 with Retry-After; and the API answers normally afterwards.
/// </summary>
public class ConnectionBudgetTests(ApiFixture api) : ApiTest(api)
{
    // A role of its own that PostgreSQL lets hold only 20 connections (a superuser ignores connection limits), on a
    // database of its own: the 100-connection server in small.
    private const string Role = "dealledger_budget";
    private const string Database = "dealledger_budget";
    private const string Deal = "oracle-openai-cloud-2025";

    [Fact]
    public async Task a_burst_on_a_small_pool_answers_2xx_429_or_503_and_every_endpoint_answers_afterwards()
    {
        await using var host = await HostAsync(("Database:MaxPoolSize", "3"), ("Database:PoolTimeoutSeconds", "1"));

        string[] urls = ["/health", "/timeline", $"/deals/{Deal}", "/deals?asOf=2025-10-01&limit=1", "/deals", $"/streams/{Deal}/events"];
        var client = host.Server.CreateClient();
        var answers = await Task.WhenAll(Enumerable.Range(0, 300).Select(async i =>
        {
            using var response = await client.GetAsync(urls[i % urls.Length]);
            return (Url: urls[i % urls.Length], Status: (int)response.StatusCode, RetryAfter: response.Headers.RetryAfter,
                Type: response.Content.Headers.ContentType?.MediaType, Body: await response.Content.ReadAsStringAsync());
        }));

        foreach (var answer in answers)
        {
            Assert.True(answer.Status is >= 200 and < 300 or 429 or 503, $"{answer.Url} answered {answer.Status}: {answer.Body}");
            if (answer.Status is 429 or 503 && answer.Url != "/health")
            {
                Assert.NotNull(answer.RetryAfter);
                Assert.Equal("application/problem+json", answer.Type);
            }
        }

        await AssertAnswersAsync(host, urls);
        Assert.True(await ConnectionsAsync() <= 3, "the host held more connections than its budget");
    }

    [Fact]
    public async Task a_database_refusing_connections_is_a_503_with_retry_after_and_the_api_answers_once_it_is_back()
    {
        await using var host = await HostAsync(("Database:PoolTimeoutSeconds", "2"));
        string[] urls = [$"/deals/{Deal}", "/timeline", "/deals", $"/deals/{Deal}/history"];
        await AssertAnswersAsync(host, urls);

        // Its sessions are ended (57P01 to a pooled connection) and new ones refused (53300).
        await AdminAsync($"alter role {Role} connection limit 0");
        await AdminAsync($"select pg_terminate_backend(pid) from pg_stat_activity where usename = '{Role}'");
        try
        {
            foreach (var url in urls)
            {
                // The current deal is held in memory while the node listens for appends (nothing can be appended while
                // the database refuses everyone, so it is still current); once the node notices its listening
                // connection is gone, it asks the database like every other read.
                var response = await host.Server.CreateClient().GetAsync(url);
                for (var watch = System.Diagnostics.Stopwatch.StartNew();
                     url == urls[0] && response.StatusCode == HttpStatusCode.OK && watch.Elapsed < TimeSpan.FromSeconds(30);
                     await Task.Delay(50))
                {
                    response = await host.Server.CreateClient().GetAsync(url);
                }

                var problem = await Problem.Assert(response, HttpStatusCode.ServiceUnavailable, url);
                Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"{url}: no Retry-After");
                Assert.NotNull(problem["detail"]);
            }
        }
        finally
        {
            await AdminAsync($"alter role {Role} connection limit 20");
        }

        await AssertAnswersAsync(host, urls);
    }

    private async Task<IAlbaHost> HostAsync(params (string Key, string Value)[] settings)
    {
        await AdminAsync($"""
            do $$ begin
              if not exists (select 1 from pg_roles where rolname = '{Role}') then
                create role {Role} login password '{Role}' connection limit 20;
              end if;
            end $$
            """);
        await AdminAsync($"alter role {Role} connection limit 20");
        if (!await AdminScalarAsync($"select exists (select 1 from pg_database where datname = '{Database}')"))
        {
            await AdminAsync($"create database {Database} owner {Role}");
        }

        var connectionString = new NpgsqlConnectionStringBuilder(Api.ConnectionString)
        {
            Database = Database, Username = Role, Password = Role,
        }.ConnectionString;
        var host = await Api.WithSettingsAsync([("ConnectionStrings:Marten", connectionString), .. settings]);
        await host.ResetAllMartenDataAsync();
        var writer = host.Server.CreateClient();
        writer.DefaultRequestHeaders.Add("X-Api-Key", ApiFixture.Key);
        (await Api.ImportAsync(Encoding.UTF8.GetString(SeedData.Bytes()), writer)).EnsureSuccessStatusCode();
        return host;
    }

    private static async Task AssertAnswersAsync(IAlbaHost host, IEnumerable<string> urls)
    {
        foreach (var url in urls)
        {
            var response = await host.Server.CreateClient().GetAsync(url);
            Assert.True(response.IsSuccessStatusCode, $"{url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private Task<long> ConnectionsAsync() =>
        AdminScalarAsync<long>($"select count(*) from pg_stat_activity where datname = '{Database}'");

    private async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private Task<bool> AdminScalarAsync(string sql) => AdminScalarAsync<bool>(sql);

    private async Task<T> AdminScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
