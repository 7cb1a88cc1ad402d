using System.Security.Cryptography;
using System.Text;
using DealLedger.Api.Admin;
using Marten;
using Npgsql;

namespace DealLedger.Api.Hosting;

/// <summary>
/// One Solo projection daemon per ledger: a node whose daemon runs in Solo mode (the default) holds a PostgreSQL
/// session advisory lock per ledger schema for as long as it runs. A second node started in Solo mode on the same
/// ledger refuses to start, naming the holder, rather than advance the same read models a second time; several
/// nodes run with <c>Projections:DaemonMode=HotCold</c> (Marten's leader election) or <c>Disabled</c>.
/// Refusing is chosen over starting with the daemon off: such a node would serve read models that stop advancing
/// the moment the first node exits, with nothing to say so.
/// The lock lives as long as its connection: a node killed with -9 loses it at once (the kernel closes the socket);
/// the session asks for TCP keepalives so a holder whose machine vanished is let go within about half a minute.
/// If the connection breaks (the database restarted), the lock is taken again; if another Solo node took it
/// meanwhile, this node stops.
/// </summary>
public sealed class SoloDaemonLock(
    IDocumentStore store,
    LedgerDatabase database,
    IConfiguration configuration,
    IHostApplicationLifetime lifetime,
    ILogger<SoloDaemonLock> logger) : IHostedService, IAsyncDisposable
{
    private NpgsqlConnection? _connection;
    private CancellationTokenSource? _stopping;
    private Task? _watch;

    private const string JustEnded = "a session that just ended";

    /// <summary>The lock's key: stable across processes and versions, distinct per ledger schema.</summary>
    public static long KeyFor(string schema) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"dealledger:solo-daemon:{schema}")), 0);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var wait = TimeSpan.FromSeconds(configuration.GetValue("Projections:SoloLockWaitSeconds", 10.0));
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var told = false;
        while (true)
        {
            NpgsqlConnection? connection;
            string holder;
            try
            {
                (connection, holder) = await TryTakeAsync(cancellationToken);
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException)
            {
                // The database does not answer yet: start as the rest of the API does, and take the lock (or stop, if
                // another Solo node took it) as soon as it answers.
                logger.LogWarning("Could not take the Solo daemon lock ({Reason}); taking it when the database answers", e.Message);
                break;
            }

            if (connection is not null)
            {
                _connection = connection;
                break;
            }

            if (waited.Elapsed >= wait)
            {
                var reason = $"Another DealLedger API already runs the projection daemon in Solo mode on ledger schema '{database.Schema}' " +
                    $"of this database (the lock is held by {holder}). Two Solo daemons would advance the same read models twice. Stop that API, or run " +
                    "several nodes with Projections:DaemonMode=HotCold (docs/scaling.md), or this one with Projections:DaemonMode=Disabled.";
                logger.LogCritical("{Reason}", reason);
                throw new InvalidOperationException(reason);
            }

            if (!told)
            {
                // A node killed a moment ago may still hold it until PostgreSQL notices its connection is gone.
                logger.LogWarning("Waiting up to {Seconds:0} s for the Solo daemon lock on ledger schema '{Schema}', held by {Holder}",
                    wait.TotalSeconds, database.Schema, holder);
                told = true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        _stopping = new CancellationTokenSource();
        _watch = Task.Run(() => WatchAsync(_stopping.Token), CancellationToken.None);
    }

    public Task StopAsync(CancellationToken cancellationToken) => ShutDownAsync();

    // A test host may dispose the services before it stops them: either order ends the watch once and lets the lock go.
    public async ValueTask DisposeAsync() => await ShutDownAsync();

    private async Task ShutDownAsync()
    {
        if (Interlocked.Exchange(ref _stopping, null) is { } stopping)
        {
            await stopping.CancelAsync();
            await (_watch ?? Task.CompletedTask).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            stopping.Dispose();
        }

        await ReleaseAsync();
    }

    /// <summary>Takes the lock on a connection of its own, or says who holds it.</summary>
    private async Task<(NpgsqlConnection? Connection, string Holder)> TryTakeAsync(CancellationToken ct)
    {
        var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        try
        {
            await connection.OpenAsync(ct);
            var name = $"dealledger solo daemon (pid {Environment.ProcessId} on {Environment.MachineName})";
            await using (var setup = new NpgsqlCommand(
                "select set_config('application_name', $1, false), set_config('tcp_keepalives_idle', '10', false), " +
                "set_config('tcp_keepalives_interval', '5', false), set_config('tcp_keepalives_count', '3', false)", connection))
            {
                setup.Parameters.Add(new() { Value = name[..Math.Min(name.Length, 63)] });
                await setup.ExecuteNonQueryAsync(ct);
            }

            await using var take = new NpgsqlCommand("select pg_try_advisory_lock($1)", connection) { Parameters = { new() { Value = KeyFor(database.Schema) } } };
            if (await take.ExecuteScalarAsync(ct) is true)
            {
                return (connection, "");
            }

            var holder = await HolderAsync(connection, ct);
            await connection.DisposeAsync();
            return (null, holder);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task<string> HolderAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var key = KeyFor(database.Schema);
        await using var command = new NpgsqlCommand(
            "select a.pid, a.application_name, coalesce(host(a.client_addr), 'local socket'), a.backend_start from pg_locks l " +
            "join pg_stat_activity a on a.pid = l.pid where l.locktype = 'advisory' and l.granted " +
            "and l.classid = (($1 >> 32) & 4294967295)::oid and l.objid = ($1 & 4294967295)::oid and l.objsubid = 1 limit 1", connection)
        {
            Parameters = { new() { Value = key } },
        };
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? $"'{reader.GetString(1)}', PostgreSQL backend {reader.GetInt32(0)}, connected from {reader.GetString(2)} since " +
              $"{reader.GetFieldValue<DateTimeOffset>(3).UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC"
            : JustEnded;
    }

    /// <summary>Checks the lock's connection; after losing it, takes the lock again, or stops this node if another took it.</summary>
    private async Task WatchAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(configuration.GetValue("Projections:SoloLockCheckSeconds", 5.0)));
        while (true)
        {
            try
            {
                await timer.WaitForNextTickAsync(ct);
                if (_connection is not null)
                {
                    await using var ping = new NpgsqlCommand("select 1", _connection);
                    await ping.ExecuteScalarAsync(ct);
                    continue;
                }

                var (connection, holder) = await TryTakeAsync(ct);
                if (connection is not null)
                {
                    _connection = connection;
                    logger.LogInformation("Solo daemon lock on ledger schema '{Schema}' taken again after its connection was lost", database.Schema);
                    continue;
                }

                if (holder == JustEnded)
                {
                    // The lock was released between the try and the look-up: try again at the next tick.
                    continue;
                }

                logger.LogCritical("Another DealLedger API took the Solo daemon lock on ledger schema '{Schema}' while this one's connection was lost ({Holder}); " +
                    "stopping this API so that one daemon advances the read models", database.Schema, holder);
                lifetime.StopApplication();
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                // The database is away (restarting, unreachable): the lock went with the session. Try again next tick.
                if (_connection is not null)
                {
                    logger.LogWarning("Lost the Solo daemon lock's connection ({Reason}); taking the lock again when the database answers", e.Message);
                    await _connection.DisposeAsync();
                    _connection = null;
                }
            }
        }
    }

    private async Task ReleaseAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            // Closing the session releases its advisory locks; the pool's reset (DISCARD ALL) does too.
            await connection.DisposeAsync();
        }
    }
}
