using System.Collections.Concurrent;
using DealLedger.Api.Admin;
using DealLedger.Api.Limits;
using Npgsql;

namespace DealLedger.Api.Reads;

/// <summary>
/// Reads on PostgreSQL hot standbys (<c>Database:Reads=PreferStandby</c> with a multi-host connection string). Plain
/// reads follow Marten's own read preference (<c>MultiHostSettings.ReadSessionPreference</c>): each query opens a
/// connection to a standby, or to the primary when no standby answers, as Npgsql decides. A read that names a minimum
/// log position (<see cref="ReadPosition"/>) is pinned instead to one connection whose server is known to hold that
/// position, checked on that same connection, since with several standbys Npgsql could hand the next query another one.
/// </summary>
public sealed class StandbyReads
{
    private static readonly TimeSpan Remembered = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);
    private readonly NpgsqlMultiHostDataSource? _hosts;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _wait;
    private readonly string _probeSql;
    private readonly ConcurrentDictionary<string, Seen> _seen = new(StringComparer.Ordinal);

    public StandbyReads(NpgsqlDataSource dataSource, DatabaseOptions options, LedgerDatabase database, TimeProvider clock)
    {
        _hosts = dataSource as NpgsqlMultiHostDataSource;
        _clock = clock;
        _wait = TimeSpan.FromMilliseconds(Math.Max(0, options.StandbyWaitMilliseconds));
        Enabled = _hosts is not null && options.Reads == ReadPreference.PreferStandby;
        Reads = Enabled ? _hosts!.WithTargetSession(TargetSessionAttributes.PreferStandby) : dataSource;
        // The event at the position is there once its commit has been replayed, and with it every commit before it.
        _probeSql = $"select pg_is_in_recovery(), exists(select 1 from {database.Schema}.mt_events where seq_id = $1)";
    }

    /// <summary>Whether request reads go to standbys at all.</summary>
    public bool Enabled { get; }

    /// <summary>Where a hand-written read query that is not pinned opens its connection.</summary>
    public NpgsqlDataSource Reads { get; }

    /// <summary>
    /// A connection (open) to a server that holds <paramref name="position"/>: a standby that has replayed it, waiting
    /// up to <c>Database:StandbyWaitMilliseconds</c> for it, or the primary when Npgsql handed one out (no standby
    /// answers). Null when the standby stayed behind: the caller then reads from the primary.
    /// </summary>
    public async Task<NpgsqlConnection?> OpenHoldingAsync(long position, CancellationToken ct)
    {
        var connection = await _hosts!.OpenConnectionAsync(TargetSessionAttributes.PreferStandby, ct);
        var host = $"{connection.Host}:{connection.Port}";
        var now = _clock.GetUtcNow();
        if (_seen.TryGetValue(host, out var seen) && now - seen.At < Remembered && (!seen.Standby || seen.Position == position))
        {
            return connection;
        }

        try
        {
            var deadline = now + _wait;
            while (true)
            {
                await using var probe = new NpgsqlCommand(_probeSql, connection) { Parameters = { new() { Value = position } } };
                await using var reader = await probe.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                var (standby, holds) = (reader.GetBoolean(0), reader.GetBoolean(1));
                if (!standby || holds)
                {
                    _seen[host] = new Seen(standby, holds ? position : 0, _clock.GetUtcNow());
                    return connection;
                }

                if (_clock.GetUtcNow() >= deadline)
                {
                    break;
                }

                await reader.DisposeAsync();
                await Task.Delay(Poll, _clock, ct);
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

    /// <summary>What one server was last seen to be: a standby or not, and the last position confirmed on it.</summary>
    private sealed record Seen(bool Standby, long Position, DateTimeOffset At);
}

/// <summary>Where one request's reads go when they do not simply follow the store's read preference.</summary>
public sealed class ReadRoute
{
    private static readonly ReadRoute Preferred = new(null, primary: false);

    private ReadRoute(NpgsqlConnection? pinned, bool primary)
    {
        Pinned = pinned;
        Primary = primary;
    }

    /// <summary>One connection, to a server known to hold the position the request needs.</summary>
    public NpgsqlConnection? Pinned { get; }

    /// <summary>Read from the primary (a standby stayed behind, or the request is administration).</summary>
    public bool Primary { get; }

    public static ReadRoute ToPrimary { get; } = new(null, primary: true);

    public static ReadRoute On(NpgsqlConnection connection) => new(connection, primary: false);

    public static ReadRoute Of(HttpContext? context) => context?.Features.Get<ReadRoute>() ?? Preferred;
}

public static class StandbyReadsMiddleware
{
    /// <summary>
    /// With standby reads on, routes a read that names a minimum position (parsed by
    /// <see cref="ReadPosition.UseReadPositions"/>, which runs first) or pins a <c>position</c> to a server holding it,
    /// and administration reads to the primary.
    /// </summary>
    public static IApplicationBuilder UseStandbyReads(this IApplicationBuilder app)
    {
        var reads = app.ApplicationServices.GetRequiredService<StandbyReads>();
        return app.Use(async (context, next) =>
        {
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
            {
                await next(context);
                return;
            }

            if (!reads.Enabled)
            {
                await next(context);
                return;
            }

            if (context.Request.Path.StartsWithSegments("/admin"))
            {
                context.Features.Set(ReadRoute.ToPrimary);
                await next(context);
                return;
            }

            var needed = Math.Max(context.Features.Get<ReadPosition.Minimum>()?.Position ?? 0, ReadPosition.Pin(context.Request) ?? 0);
            if (needed == 0)
            {
                await next(context);
                return;
            }

            var connection = await reads.OpenHoldingAsync(needed, context.RequestAborted);
            context.Features.Set(connection is null ? ReadRoute.ToPrimary : ReadRoute.On(connection));
            try
            {
                await next(context);
            }
            finally
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                }
            }
        });
    }
}
