using Npgsql;

namespace DealLedger.Api.Limits;

/// <summary>The process's connection budget (<c>Database:*</c>); see docs/operations.md.</summary>
public sealed class DatabaseOptions
{
    /// <summary>Connections this process may hold at once, for everything it does (requests, daemon, Wolverine, admin).</summary>
    public int MaxPoolSize { get; set; } = 30;

    /// <summary>Connections left free below PostgreSQL's limit (besides its superuser reserve) for psql, the CLI, migrations.</summary>
    public int Headroom { get; set; } = 10;

    /// <summary>How long a request waits for a free connection (Npgsql's <c>Timeout</c>) before it is answered 503.</summary>
    public int PoolTimeoutSeconds { get; set; } = 10;

    /// <summary>The <c>Retry-After</c> of a 503 when the database is busy or unavailable.</summary>
    public int RetryAfterSeconds { get; set; } = 5;

    /// <summary>
    /// Statements Npgsql keeps prepared per connection (its <c>Max Auto Prepare</c>; 0 turns it off). A pooled connection
    /// is reset with <c>DISCARD ALL</c>, which drops PostgreSQL's cached plans, so without it Marten's append function and
    /// the read models' upserts are planned again on every write (../shared/PERF-NOTES.md measured 295 → 491 facts/s).
    /// A connection string that sets a non-zero value keeps it; 0 here turns auto-preparation off.
    /// </summary>
    public int MaxAutoPrepare { get; set; } = 50;

    /// <summary>How often a statement must run on a connection before it is prepared (Npgsql's <c>Auto Prepare Min Usages</c>).</summary>
    public int AutoPrepareMinUsages { get; set; } = 2;

    /// <summary>
    /// Where request reads go when the connection string lists several hosts (a primary and its hot standbys):
    /// <see cref="ReadPreference.Primary"/> (the default) or <see cref="ReadPreference.PreferStandby"/>. Writes, schema,
    /// the daemon, rebuilds and locks always use the primary. See docs/scaling.md.
    /// </summary>
    public ReadPreference Reads { get; set; } = ReadPreference.Primary;

    /// <summary>
    /// How long a read that names a minimum log position waits for a standby that has not replayed it yet, before
    /// it is read from the primary instead.
    /// </summary>
    public int StandbyWaitMilliseconds { get; set; } = 200;
}

/// <summary>Where request reads go when PostgreSQL hot standbys are listed (<c>Database:Reads</c>).</summary>
public enum ReadPreference
{
    Primary,
    PreferStandby,
}

/// <summary>
/// One <see cref="NpgsqlDataSource"/> for the whole process: Marten (and through it Wolverine's message store, the
/// daemon and the rebuild locks), the serving-version stores and every hand-written query share its pool, so the
/// process never holds more than <see cref="DatabaseOptions.MaxPoolSize"/> connections. Separate pools of 100 each
/// once answered a burst of reads with PostgreSQL's 53300 (too many clients) for minutes.
/// </summary>
public static class ConnectionBudget
{
    public const string Section = "Database";

    /// <summary>
    /// The pool size: the configured one, lowered when PostgreSQL cannot hold it with the headroom to spare: its
    /// <c>max_connections</c> less the superuser reserve, or the database's or the role's own connection limit
    /// when lower. A server that cannot be asked keeps the configured size.
    /// </summary>
    public static async Task<int> SizeAsync(string connectionString, DatabaseOptions options, ILogger logger, CancellationToken ct = default)
    {
        var wanted = Math.Max(1, options.MaxPoolSize);
        try
        {
            // Unpooled and closed at once: the budget's own pool does not exist yet. With standbys listed, the primary's
            // limit counts (a hot standby must allow at least as many connections as its primary).
            var probe = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 5 };
            if (ListsSeveralHosts(connectionString))
            {
                probe.TargetSessionAttributes = "primary";
            }

            await using var connection = new NpgsqlConnection(probe.ConnectionString);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand(
                """
                select least(current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int,
                             coalesce(nullif(d.datconnlimit, -1), 2147483647), coalesce(nullif(r.rolconnlimit, -1), 2147483647))
                from pg_database d, pg_roles r
                where d.datname = current_database() and r.rolname = current_user
                """, connection);
            var limit = (int)(await command.ExecuteScalarAsync(ct))!;
            var ceiling = Math.Max(1, limit - options.Headroom);
            if (wanted > ceiling)
            {
                logger.LogWarning(
                    "Database:MaxPoolSize {Wanted} does not fit PostgreSQL's connection limit {Limit} less {Headroom} headroom; using {Ceiling}",
                    wanted, limit, options.Headroom, ceiling);
                wanted = ceiling;
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning("Could not read PostgreSQL's max_connections ({Reason}); the pool keeps Database:MaxPoolSize {Size}", e.Message, wanted);
        }

        return wanted;
    }

    /// <summary>True when the connection string lists several hosts (<c>Host=primary:5432,standby:5432</c>).</summary>
    public static bool ListsSeveralHosts(string connectionString) =>
        (new NpgsqlConnectionStringBuilder(connectionString).Host ?? "").Contains(',', StringComparison.Ordinal);

    /// <summary>
    /// Registers the process's data source, sized before the host is built. A connection string listing several hosts
    /// gets Npgsql's multi-host data source: one pool per host, each of <paramref name="poolSize"/>; its own connections
    /// (and every hand-written query here that opens one) go to the primary, and reads choose a standby explicitly
    /// (<see cref="Reads.StandbyReads"/>).
    /// </summary>
    public static void Register(IServiceCollection services, string connectionString, int poolSize, DatabaseOptions options)
    {
        services.AddSingleton<NpgsqlDataSource>(sp =>
        {
            var builder = new NpgsqlDataSourceBuilder(connectionString);
            builder.ConnectionStringBuilder.MaxPoolSize = poolSize;
            builder.ConnectionStringBuilder.MinPoolSize = Math.Min(builder.ConnectionStringBuilder.MinPoolSize, poolSize);
            builder.ConnectionStringBuilder.Timeout = Math.Clamp(options.PoolTimeoutSeconds, 1, 1024);
            builder.ConnectionStringBuilder.ApplicationName ??= "DealLedger.Api";
            if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
            {
                builder.ConnectionStringBuilder.MaxAutoPrepare = Math.Max(0, options.MaxAutoPrepare);
                builder.ConnectionStringBuilder.AutoPrepareMinUsages = Math.Max(1, options.AutoPrepareMinUsages);
            }

            builder.UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
            if (!ListsSeveralHosts(connectionString))
            {
                return builder.Build();
            }

            // Writes must never land on a standby, whatever order the hosts are listed in or whichever one failover promoted.
            builder.ConnectionStringBuilder.TargetSessionAttributes = "primary";
            return builder.BuildMultiHost();
        });
    }
}
