using System.Security.Cryptography;
using System.Text;
using Marten;
using Npgsql;

namespace DealLedger.Api.Admin;

/// <summary>
/// One rebuild of a read model at a time across every API node and the CLI: a PostgreSQL session advisory lock
/// per read model, held on a connection of its own for as long as the rebuild runs. A process that dies, even
/// by <c>kill -9</c>, loses its connection and with it the lock.
/// </summary>
public sealed class RebuildLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly long _key;

    private RebuildLock(NpgsqlConnection connection, long key)
    {
        _connection = connection;
        _key = key;
    }

    /// <summary>The lock's key: stable across processes and versions, distinct per schema and read model.</summary>
    public static long KeyFor(string schema, string readModel) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"dealledger:rebuild:{schema}:{readModel}")), 0);

    /// <summary>Takes the read model's rebuild lock, or returns null when another process holds it.</summary>
    public static async Task<RebuildLock?> TryTakeAsync(IDocumentStore store, string readModel, CancellationToken ct)
    {
        var key = KeyFor(store.Options.Events.DatabaseSchemaName, readModel);
        var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        try
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("select pg_try_advisory_lock($1)", connection) { Parameters = { new() { Value = key } } };
            if (await command.ExecuteScalarAsync(ct) is true)
            {
                return new RebuildLock(connection, key);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = new NpgsqlCommand("select pg_advisory_unlock($1)", _connection) { Parameters = { new() { Value = _key } } };
            await command.ExecuteScalarAsync();
        }
#pragma warning disable CA1031 // a broken or closed connection throws more than NpgsqlException; either way the lock went with it
        catch (Exception)
#pragma warning restore CA1031
        {
            // The session is gone, and the lock with it; a broken connection is not returned to the pool.
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }
}
