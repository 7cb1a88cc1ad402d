using System.Net;
using DealLedger.Testing;
using Npgsql;

namespace DealLedger.Api.Tests.Platform;

/// <summary>
/// Production posture: a node that may not apply DDL refuses to start on a schema that lacks its tables, and
/// starts once the <c>db-apply</c> command has created them; it serves no docs and no Server banner.
/// </summary>
public class SchemaApplicationTests(ApiFixture api) : ApiTest(api)
{
    private const string Schema = "test_schema_application";
    private static readonly (string, string)[] NoDdl = [("Database:ApplySchema", "false")];

    [Fact]
    public async Task a_production_node_without_schema_application_needs_db_apply_first()
    {
        await DropSchemaAsync();

        // As the container runs it: no arguments (JasperFx's run command), the address from the environment.
        var (exitCode, output) = await ApiCli.RunAsync(Api.ConnectionString, Schema, [.. NoDdl, ("ASPNETCORE_URLS", "http://127.0.0.1:0")]);
        Assert.True(exitCode != 0, output);
        Assert.Contains("db-apply", output, StringComparison.Ordinal);
        Assert.Equal(0, await TableCountAsync());

        (exitCode, output) = await ApiCli.RunAsync(Api.ConnectionString, Schema, NoDdl, "db-apply");
        Assert.True(exitCode == 0, output);
        Assert.True(await TableCountAsync() > 0);

        await using var node = await ApiNode.StartAsync(Api.ConnectionString, Schema, NoDdl);
        var ready = await node.Client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.False(ready.Headers.Contains("Server"));
        Assert.Equal("nosniff", ready.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(HttpStatusCode.NotFound, (await node.Client.GetAsync("/docs/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await node.Client.GetAsync("/openapi/v1.json")).StatusCode);
        var created = await node.Client.PostAsync("/facts", new StringContent(Envelopes.Deal("d1", "applied", "2025-01-21").ToJsonString(),
            System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task a_role_without_rights_on_an_object_that_exists_is_told_which_grant_it_lacks_not_to_run_db_apply()
    {
        await DropSchemaAsync();
        var (exitCode, output) = await ApiCli.RunAsync(Api.ConnectionString, Schema, NoDdl, "db-apply");
        Assert.True(exitCode == 0, output);

        // An application role with the rights on tables and functions, but none on the event sequence.
        var role = $"dealledger_app_{Guid.NewGuid():N}"[..30];
        await ExecuteAsync($"create role {role} login password 'app-password'; grant usage on schema {Schema} to {role}; " +
            $"grant select, insert, update, delete on all tables in schema {Schema} to {role}; " +
            $"grant execute on all functions in schema {Schema} to {role}");
        try
        {
            var asRole = new NpgsqlConnectionStringBuilder(Api.ConnectionString) { Username = role, Password = "app-password" }.ConnectionString;
            (exitCode, output) = await ApiCli.RunAsync(asRole, Schema, [.. NoDdl, ("ASPNETCORE_URLS", "http://127.0.0.1:0")]);
            Assert.True(exitCode != 0, output);
            Assert.Contains($"GRANT USAGE, SELECT, UPDATE ON SEQUENCE {Schema}.mt_events_sequence TO \"{role}\"", output, StringComparison.Ordinal);
            Assert.DoesNotContain("Run the API's `db-apply` command", output, StringComparison.Ordinal);

            // With that grant too, the role runs the API: tables, functions and sequences are all it needs.
            await ExecuteAsync($"grant usage, select, update on all sequences in schema {Schema} to {role}");
            await using var node = await ApiNode.StartAsync(asRole, Schema, NoDdl);
            var created = await node.Client.PostAsync("/facts", new StringContent(Envelopes.Deal("r1", "granted", "2025-01-21").ToJsonString(),
                System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            await node.KillAsync();
        }
        finally
        {
            await ExecuteAsync($"drop schema if exists {Schema} cascade; drop owned by {role}; drop role {role}");
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task DropSchemaAsync()
    {
        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop schema if exists {Schema} cascade", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private async Task<long> TableCountAsync()
    {
        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand($"select count(*) from information_schema.tables where table_schema = '{Schema}'", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
