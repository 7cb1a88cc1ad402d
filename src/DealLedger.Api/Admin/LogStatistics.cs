using System.Globalization;
using Marten;
using Npgsql;

namespace DealLedger.Api.Admin;

/// <summary>
/// PostgreSQL's planner statistics of the log's tables, refreshed before a rebuild when they are missing or stale.
/// Without statistics (a restored dump, a bulk load that autovacuum has not reached yet) the planner takes the
/// event table for a small one, and Marten's page query scans and sorts every event of the read model's types
/// for each page of 5,000: a rebuild of 300,000 events ran 3.5 times slower (see docs/benchmarks.md, B7).
/// </summary>
public static class LogStatistics
{
    private static readonly string[] Tables = ["mt_events", "mt_streams"];

    /// <summary>
    /// Runs <c>ANALYZE</c> on each log table that has no statistics, or more rows changed since its last
    /// analysis than autovacuum's default threshold (50 rows plus 10% of the table). Returns what it refreshed and
    /// why. A refresh that cannot run (no ownership, a lock held for more than 5 s) is reported, not thrown:
    /// the rebuild is still correct, only slower.
    /// </summary>
    public static async Task<IReadOnlyList<StatisticsRefresh>> RefreshIfStaleAsync(IDocumentStore store, CancellationToken ct)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        var stale = new List<(string Table, string Reason)>();
        await using (var read = new NpgsqlCommand(
            """
            select c.relname,
                   exists (select 1 from pg_stats p where p.schemaname = n.nspname and p.tablename = c.relname),
                   coalesce(s.n_mod_since_analyze, 0), greatest(c.reltuples, 0)::bigint
            from pg_class c
            join pg_namespace n on n.oid = c.relnamespace
            left join pg_stat_user_tables s on s.relid = c.oid
            where n.nspname = $1 and c.relname = any($2)
            """, connection))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = schema });
            read.Parameters.Add(new NpgsqlParameter { Value = Tables });
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var (table, analyzed, changed, rows) = (reader.GetString(0), reader.GetBoolean(1), reader.GetInt64(2), reader.GetInt64(3));
                if (!analyzed)
                {
                    stale.Add((table, "no statistics"));
                }
                else if (changed > 50 + (rows / 10))
                {
                    stale.Add((table, string.Create(CultureInfo.InvariantCulture, $"{changed:N0} rows changed since the last analysis")));
                }
            }
        }

        var report = new List<StatisticsRefresh>();
        var warnings = new List<string>();
        connection.Notice += (_, e) => warnings.Add(e.Notice.MessageText);
        foreach (var (table, reason) in stale)
        {
            warnings.Clear();
            try
            {
                await using var transaction = await connection.BeginTransactionAsync(ct);
                await using var analyze = new NpgsqlCommand($"set local lock_timeout = '5s'; analyze {schema}.{table}", connection, transaction);
                await analyze.ExecuteNonQueryAsync(ct);
                await transaction.CommitAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                warnings.Add("another session holds a lock on it, such as an ANALYZE or VACUUM already running");
            }
            catch (PostgresException e)
            {
                warnings.Add(e.MessageText);
            }

            // Without ownership, ANALYZE skips the table with a warning rather than an error.
            report.Add(new StatisticsRefresh($"{schema}.{table}", reason, warnings.Count == 0 ? null : string.Join("; ", warnings)));
        }

        return report;
    }
}

/// <summary>One log table whose statistics were stale, and the problem if they could not be refreshed.</summary>
public sealed record StatisticsRefresh(string Table, string Reason, string? Problem)
{
    public override string ToString() => Problem is null
        ? $"refreshed the planner statistics of {Table} ({Reason})"
        : $"could not refresh the planner statistics of {Table} ({Reason}): {Problem}; the rebuild may be slow";
}
