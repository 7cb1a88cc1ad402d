using System.Net.Sockets;
using Npgsql;

namespace DealLedger.Api;

/// <summary>What a failed database call means for the client, whatever wraps it (Marten, JasperFx, Wolverine).</summary>
public static class DatabaseFailures
{
    // admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections, insufficient_resources, and the
    // connection_exception class: the server is going, starting, full or gone; the same request can succeed later.
    private static readonly HashSet<string> Unavailable = new(StringComparer.Ordinal)
    {
        "57P01", "57P02", "57P03", "53300", "53000", "08000", "08001", "08003", "08004", "08006",
    };

    // invalid_catalog_name (the database renamed or dropped), invalid_schema_name, undefined_table: the ledger's schema
    // is not where this process left it; an operator restoring it (or db-apply) makes the same request succeed again.
    private static readonly HashSet<string> SchemaMissing = new(StringComparer.Ordinal) { "3D000", "3F000", "42P01" };

    // query_canceled without the caller cancelling: the server's statement_timeout stopped the query.
    private const string QueryCanceled = "57014";

    // character_not_in_repertoire, untranslatable_character, invalid text in jsonb (\u0000): the input, not the server.
    private static readonly HashSet<string> BadInput = new(StringComparer.Ordinal) { "22021", "22P05" };

    /// <summary>True when the database is unreachable, restarting, out of connections, or this process's pool is exhausted.</summary>
    public static bool IsUnavailable(Exception exception) => Chain(exception).Any(e => e switch
    {
        PostgresException p => Unavailable.Contains(p.SqlState) || SchemaMissing.Contains(p.SqlState),
        NpgsqlException n => n.IsTransient || n.InnerException is TimeoutException or SocketException or IOException
            || (n.InnerException is null && n.Message.Contains("connection pool has been exhausted", StringComparison.OrdinalIgnoreCase)),

        // Marten rolls back on the connection that just broke; Npgsql's refusal to touch the dead transaction or
        // connection then replaces the original failure, sometimes with nothing inside it to classify.
        ObjectDisposedException { ObjectName: nameof(NpgsqlTransaction) or nameof(NpgsqlConnection) } => true,

        // Weasel waits 5 s for another request applying a schema object, then gives up with a TimeoutException.
        TimeoutException => true,
        _ => false,
    });

    /// <summary>True when the database or the ledger's schema (or one of its tables) is missing: renamed, dropped, not applied.</summary>
    public static bool IsSchemaMissing(Exception exception) =>
        Chain(exception).OfType<PostgresException>().Any(p => SchemaMissing.Contains(p.SqlState));

    /// <summary>True when PostgreSQL's <c>statement_timeout</c> stopped the query: the same query will stop again.</summary>
    public static bool IsStatementTimeout(Exception exception)
    {
        var chain = Chain(exception).ToList();
        return !chain.OfType<OperationCanceledException>().Any() && chain.OfType<PostgresException>().Any(p => p.SqlState == QueryCanceled);
    }

    /// <summary>True when PostgreSQL refused a value the client sent (a NUL or an invalid character in text).</summary>
    public static bool IsBadInput(Exception exception) =>
        Chain(exception).OfType<PostgresException>().Any(p => BadInput.Contains(p.SqlState));

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        var pending = new Stack<Exception>([exception]);
        while (pending.TryPop(out var e))
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                aggregate.InnerExceptions.ToList().ForEach(pending.Push);
            }
            else if (e.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }
}
