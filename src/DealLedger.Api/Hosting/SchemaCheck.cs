using DealLedger.Api.Admin;
using Marten;
using Weasel.Core;

namespace DealLedger.Api.Hosting;

/// <summary>
/// When the API may not apply its schema (<c>Database:ApplySchema</c> off), stops the start if a table or
/// function this version needs is missing, naming the command that creates it. Objects that exist but differ
/// are tolerated: during a rolling deploy the schema may already be a newer version's.
/// </summary>
public sealed class SchemaCheck(IDocumentStore store, LedgerDatabase database) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var migration = await store.Storage.Database.CreateMigrationAsync(cancellationToken);
        var missing = migration.Deltas.Where(d => d.Difference == SchemaPatchDifference.Create)
            .Select(d => d.SchemaObject.Identifier).ToList();

        // The catalogue Weasel compares with (information_schema) lists only objects the role has a right on: an
        // object that exists but is out of the role's reach looks missing, and the fix is a grant, not db-apply.
        var unreachable = await UnreachableAsync(missing, cancellationToken);
        if (unreachable.Count > 0)
        {
            throw new InvalidOperationException(
                $"The database role '{unreachable[0].Role}' lacks rights on {unreachable.Count} objects of schema '{database.Schema}' that exist: " +
                string.Join("; ", unreachable.Select(u => u.Grant)) + ". Grant them (as the schema owner), then start again.");
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"Schema '{database.Schema}' lacks {missing.Count} objects this version needs ({string.Join(", ", missing.Take(5).Select(m => m.QualifiedName))}" +
                $"{(missing.Count > 5 ? ", ..." : "")}) and Database:ApplySchema is off. Run the API's `db-apply` command with the schema " +
                "owner's credentials first (docker compose runs it as the 'schema' service), or set Database:ApplySchema=true.");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The objects among <paramref name="missing"/> that exist (pg_catalog lists every object), with the grant each lacks.</summary>
    private async Task<List<(string Role, string Grant)>> UnreachableAsync(List<DbObjectName> missing, CancellationToken ct)
    {
        var found = new List<(string, string)>();
        if (missing.Count == 0)
        {
            return found;
        }

        await using var connection = (Npgsql.NpgsqlConnection)store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        foreach (var name in missing)
        {
            await using var command = new Npgsql.NpgsqlCommand(
                "select current_user, (select c.relkind::text from pg_class c join pg_namespace n on n.oid = c.relnamespace " +
                "where n.nspname = $1 and c.relname = $2), exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace " +
                "where n.nspname = $1 and p.proname = $2)", connection)
            {
                Parameters = { new() { Value = name.Schema }, new() { Value = name.Name } },
            };
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var role = reader.GetString(0);
            var grant = (reader.IsDBNull(1) ? null : reader.GetString(1)) switch
            {
                "S" => $"GRANT USAGE, SELECT, UPDATE ON SEQUENCE {name.QualifiedName} TO \"{role}\"",
                "r" or "p" or "v" => $"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE {name.QualifiedName} TO \"{role}\"",
                null when reader.GetBoolean(2) => $"GRANT EXECUTE ON FUNCTION {name.QualifiedName} TO \"{role}\"",
                _ => null,
            };
            if (grant is not null)
            {
                found.Add((role, grant));
            }
        }

        return found;
    }
}
