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
            .Select(d => d.SchemaObject.Identifier.QualifiedName).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"Schema '{database.Schema}' lacks {missing.Count} objects this version needs ({string.Join(", ", missing.Take(5))}" +
                $"{(missing.Count > 5 ? ", ..." : "")}) and Database:ApplySchema is off. Run the API's `db-apply` command with the schema " +
                "owner's credentials first (docker compose runs it as the 'schema' service), or set Database:ApplySchema=true.");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
