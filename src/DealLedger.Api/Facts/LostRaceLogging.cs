using Marten;
using Marten.Services;
using Npgsql;

namespace DealLedger.Api.Facts;

/// <summary>
/// The store's logger, in place of Marten's default (which is internal, so it cannot be wrapped): the same
/// levels (SQL at Debug, schema changes at Information, failed commands at Error), except that a write losing
/// a race at commit is not logged as a failure with its stack trace. <see cref="FactLedger"/> answers it (a 409
/// or a resend) and the API logs that answer as one line.
/// </summary>
public sealed class LostRaceLogging(ILogger<IDocumentStore> logger) : IMartenLogger
{
    public IMartenSessionLogger StartSession(IQuerySession session) => new Session(logger);

    public void SchemaChange(string sql) => logger.LogInformation("Executed schema update SQL:\n{Sql}", sql);

    /// <summary>The errors a commit that lost a race ends with, as Marten reports them and before it wraps them.</summary>
    public static bool IsLostRace(Exception e) =>
        FactLedger.IsWriteCollision(e)
        || e is PostgresException { SqlState: "MT003" }
        || e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, TableName: "mt_streams" }
        // Inside a transaction the session opened before its commit (FactLedger's locks), Marten wraps the server's error.
        || e is Marten.Exceptions.MartenCommandException { InnerException: { } inner } && IsLostRace(inner);

    private sealed class Session(ILogger logger) : IMartenSessionLogger
    {
        public void LogSuccess(NpgsqlCommand command) => logger.LogDebug("{Sql}", command.CommandText);

        public void LogFailure(NpgsqlCommand command, Exception ex) => Failure(command.CommandText, ex);

        public void LogSuccess(NpgsqlBatch batch)
        {
            if (logger.IsEnabled(LogLevel.Debug))
            {
                logger.LogDebug("{Sql}", Text(batch));
            }
        }

        public void LogFailure(NpgsqlBatch batch, Exception ex) => Failure(Text(batch), ex);

        public void LogFailure(Exception ex, string message)
        {
            if (!IsLostRace(ex))
            {
                logger.LogError(ex, "{Message}", message);
            }
        }

        public void RecordSavedChanges(IDocumentSession session, IChangeSet commit)
        {
            if (logger.IsEnabled(LogLevel.Debug))
            {
                logger.LogDebug("Persisted {Updated} updates, {Inserted} inserts and {Deleted} deletions",
                    commit.Updated.Count(), commit.Inserted.Count(), commit.Deleted.Count());
            }
        }

        public void OnBeforeExecute(NpgsqlCommand command)
        {
        }

        public void OnBeforeExecute(NpgsqlBatch batch)
        {
        }

        private void Failure(string sql, Exception ex)
        {
            if (!IsLostRace(ex))
            {
                logger.LogError(ex, "Marten encountered an exception executing\n{Sql}", sql);
            }
        }

        private static string Text(NpgsqlBatch batch) => string.Join(";\n", batch.BatchCommands.Cast<NpgsqlBatchCommand>().Select(c => c.CommandText));
    }
}
