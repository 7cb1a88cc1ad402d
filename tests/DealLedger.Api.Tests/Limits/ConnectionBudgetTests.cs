using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DealLedger.Testing;
using Npgsql;

namespace DealLedger.Api.Tests.Limits;

/// <summary>
/// One connection budget for the whole process: a burst of reads on a small pool queues or answers 503, never 500,
/// and the API answers normally once the burst is over.
/// </summary>
public class ConnectionBudgetTests(ApiFixture api) : ApiTest(api)
{
    // A database of its own that PostgreSQL lets hold only 12 connections: a process with pools of 100 each hit
    // 53300 (too many clients) here, as the 100-connection server did.
    private const string Database = "dealledger_burst";

    [Fact]
    public async Task a_burst_on_a_small_pool_answers_2xx_429_or_503_and_every_endpoint_answers_afterwards()
    {
        var connectionString = await SmallDatabaseAsync();
        await using var host = await Api.WithSettingsAsync(
            ("ConnectionStrings:Marten", connectionString), ("Database:MaxPoolSize", "3"), ("Database:PoolTimeoutSeconds", "1"));
        var writer = host.Server.CreateClient();
        writer.DefaultRequestHeaders.Add("X-Api-Key", ApiFixture.Key);
        (await Api.ImportAsync(Encoding.UTF8.GetString(SeedData.Bytes()), writer)).EnsureSuccessStatusCode();

        string[] urls = ["/health", "/timeline", "/deals/oracle-openai-cloud-2025", "/deals?asOf=2025-10-01&limit=1", "/deals", "/streams/oracle-openai-cloud-2025/events"];
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

        foreach (var url in urls)
        {
            var response = await client.GetAsync(url);
            Assert.True(response.IsSuccessStatusCode, $"{url} answered {(int)response.StatusCode} after the burst: {await response.Content.ReadAsStringAsync()}");
        }

        Assert.True(await ConnectionsToAsync() <= 3, "the host held more connections than its budget");
    }

    private async Task<string> SmallDatabaseAsync()
    {
        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync();
        await using (var exists = new NpgsqlCommand($"select 1 from pg_database where datname = '{Database}'", connection))
        {
            if (await exists.ExecuteScalarAsync() is null)
            {
                await using var create = new NpgsqlCommand($"create database {Database} connection limit 12", connection);
                await create.ExecuteNonQueryAsync();
            }
        }

        return new NpgsqlConnectionStringBuilder(Api.ConnectionString) { Database = Database }.ConnectionString;
    }

    private async Task<long> ConnectionsToAsync()
    {
        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand($"select count(*) from pg_stat_activity where datname = '{Database}'", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
