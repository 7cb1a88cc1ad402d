using DealLedger.Projections;
using DealLedger.Testing;
using Marten;
using Npgsql;

namespace DealLedger.Api.Tests.Platform;

/// <summary><c>reset</c>: the development ledger can be started over; nothing else can be reset by it.</summary>
public class ResetCommandTests(CliLedgerFixture ledger) : CliTest(ledger)
{
    [Fact]
    public async Task reset_deletes_a_development_ledger_only_when_confirmed_and_refuses_any_other_environment()
    {
        // A ledger of its own: the collection's shared one stays in place for the other tests.
        var schema = Ledger.Schema + "_reset";
        using (var store = DocumentStore.For(options => LedgerStore.Configure(options, Ledger.ConnectionString, schema)))
        {
            await LedgerStoreFixture.RecordAsync(store, SeedData.Facts());
        }

        var development = new[] { ("ASPNETCORE_ENVIRONMENT", "Development"), ("DOTNET_ENVIRONMENT", "Development") };

        var production = await ApiCli.RunAsync(Ledger.ConnectionString, schema, "reset", "--yes");
        Assert.NotEqual(0, production.ExitCode);
        Assert.Contains("Development environment only", production.Output, StringComparison.Ordinal);
        Assert.True(await SchemaExistsAsync(schema));

        var unconfirmed = await ApiCli.RunAsync(Ledger.ConnectionString, schema, development, "reset");
        Assert.NotEqual(0, unconfirmed.ExitCode);
        Assert.Contains($"{SeedData.Facts().Count} events", unconfirmed.Output, StringComparison.Ordinal);
        Assert.Contains("--yes", unconfirmed.Output, StringComparison.Ordinal);
        Assert.True(await SchemaExistsAsync(schema));

        var confirmed = await ApiCli.RunAsync(Ledger.ConnectionString, schema, development, "reset", "--yes");
        Assert.True(confirmed.ExitCode == 0, confirmed.Output);
        Assert.False(await SchemaExistsAsync(schema));
        Assert.True(await SchemaExistsAsync(Ledger.Schema));

        var again = await ApiCli.RunAsync(Ledger.ConnectionString, schema, development, "reset", "--yes");
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Contains("Nothing to reset", again.Output, StringComparison.Ordinal);
    }

    private async Task<bool> SchemaExistsAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(Ledger.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select exists (select 1 from pg_namespace where nspname = $1)", connection)
        {
            Parameters = { new() { Value = schema } },
        };
        return (bool)(await command.ExecuteScalarAsync())!;
    }
}
