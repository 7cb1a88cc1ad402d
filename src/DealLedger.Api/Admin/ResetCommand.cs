using System.Globalization;
using JasperFx.CommandLine;
using Npgsql;
using Spectre.Console;

namespace DealLedger.Api.Admin;

public sealed class ResetInput : NetCoreInput
{
#pragma warning disable CA1051 // the command line binds public fields as its flags
    [Description("Delete without asking again")]
    public bool YesFlag;
#pragma warning restore CA1051
}

/// <summary>
/// <c>reset [--yes]</c>: deletes the development ledger (its schema: every event, every read model), so the next start
/// begins empty and loads the seed again. The ledger is append-only by design, and a test write made while trying the
/// API would otherwise stay in it for good. Refused outside the Development environment.
/// </summary>
[Description("Development only: delete the ledger (every event and read model); the next start reloads the seed", Name = "reset")]
public sealed class ResetCommand : JasperFxAsyncCommand<ResetInput>
{
    public override async Task<bool> Execute(ResetInput input)
    {
        using var host = input.BuildHost();
        var environment = host.Services.GetRequiredService<IHostEnvironment>();
        if (!environment.IsDevelopment())
        {
            AnsiConsole.MarkupLine($"[red]reset deletes the whole ledger and runs in the Development environment only[/] (this is {Markup.Escape(environment.EnvironmentName)}). " +
                "A ledger in use keeps its history: correct a fact with a retraction or a correction instead.");
            return false;
        }

        var schema = host.Services.GetRequiredService<LedgerDatabase>().Schema;
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await dataSource.OpenConnectionAsync();
        var events = await CountEventsAsync(connection, schema);
        if (events is null)
        {
            AnsiConsole.MarkupLine($"Nothing to reset: the database {Markup.Escape(connection.Database)} has no ledger schema '{Markup.Escape(schema)}'.");
            return true;
        }

        var what = $"the ledger '{schema}' in database {connection.Database} on {connection.Host}:{connection.Port} ({events.Value.ToString("N0", CultureInfo.InvariantCulture)} events and every read model)";
        if (!input.YesFlag)
        {
            AnsiConsole.MarkupLine($"This deletes {Markup.Escape(what)}. Stop the API first, then run again with [bold]--yes[/].");
            return false;
        }

        await using (var drop = new NpgsqlCommand($"drop schema \"{schema.Replace("\"", "\"\"", StringComparison.Ordinal)}\" cascade", connection))
        {
            await drop.ExecuteNonQueryAsync();
        }

        AnsiConsole.MarkupLine($"Deleted {Markup.Escape(what)}. The next start creates it again and loads the seed.");
        return true;
    }

    private static async Task<long?> CountEventsAsync(NpgsqlConnection connection, string schema)
    {
        await using var exists = new NpgsqlCommand("select to_regclass(quote_ident($1) || '.mt_events') is not null, exists (select 1 from pg_namespace where nspname = $1)", connection)
        {
            Parameters = { new() { Value = schema } },
        };
        bool hasEvents, hasSchema;
        await using (var reader = await exists.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            hasEvents = reader.GetBoolean(0);
            hasSchema = reader.GetBoolean(1);
        }

        if (!hasSchema)
        {
            return null;
        }

        if (!hasEvents)
        {
            return 0;
        }

        await using var count = new NpgsqlCommand($"select count(*) from \"{schema.Replace("\"", "\"\"", StringComparison.Ordinal)}\".mt_events", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
