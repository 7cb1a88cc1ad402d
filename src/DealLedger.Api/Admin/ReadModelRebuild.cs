using DealLedger.Projections;
using JasperFx;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Npgsql;

namespace DealLedger.Api.Admin;

/// <summary>
/// Rebuilds a read model beside the documents serving reads, and replaces them only once the rebuild has read
/// the log to the end, in one transaction. A rebuild that fails, is cancelled or dies with its process leaves the
/// read model as it was, still served and still advanced by its live shard. Marten's own rebuild
/// (<c>RebuildProjectionAsync</c>) tears the documents down first, and in a running host leaves the live shard
/// stopped afterwards (JasperFx/jasperfx#535); this runs neither on the serving table nor on the live shard.
/// </summary>
public static class ReadModelRebuild
{
    /// <summary>
    /// Builds <paramref name="model"/> from the first event up to at least <paramref name="upTo"/> as its
    /// <see cref="ReadModel.RebuildVersion"/> (own table, own progression row), with JasperFx's warm-up of a
    /// version that does not serve yet (a shard in rebuild mode: no side effects, rebuild error handling), then
    /// swaps it in through <paramref name="whileLiveIsStopped"/>, which runs the swap with the live shard stopped
    /// where this process runs it. Returns the log position the read model then stands at.
    /// </summary>
    /// <exception cref="RebuildFailedException">The projection stopped on an event; the message says which and why.</exception>
    /// <exception cref="OperationCanceledException">Cancelled: nothing was swapped.</exception>
    public static async Task<long> RunAsync(IDocumentStore store, NpgsqlDataSource database, string schema, IReadOnlyList<ReadModel> catalogue, ReadModel model,
        long upTo, Func<Func<Task>, Task> whileLiveIsStopped, CancellationToken ct)
    {
        // An inline read model (rebuilt by the CLI only) is rebuilt by a daemon too, as Marten's rebuild does: in
        // this store, which takes no writes, it is registered as async.
        // Its daemon is started by hand below (ExternallyManaged: no coordinator of its own, and no console warning).
        var beside = DocumentStore.For(options =>
        {
            LedgerStore.Configure(options, database, schema,
                catalogue.Select(m => m.Name == model.Name ? m with { Version = model.RebuildVersion, Lifecycle = ProjectionLifecycle.Async } : m).ToList());
            options.Projections.AsyncMode = JasperFx.Events.Daemon.DaemonMode.ExternallyManaged;
        });
        var shard = new ShardName(model.Name, ShardName.All, model.RebuildVersion);
        var besideTable = TableOf(beside, model);
        IProjectionDaemon? daemon = null;
        var errors = new LastError();
        IDisposable? watch = null;
        try
        {
            // Whatever a rebuild that died left behind is dropped: this one starts from the first event.
            await DiscardAsync(database, store, besideTable, shard, CancellationToken.None);
            var position = 0L;
            if (upTo > 0)
            {
                daemon = await beside.BuildProjectionDaemonAsync();
                watch = daemon.Tracker.Subscribe(errors);
                await daemon.StartAgentInRebuildModeAsync(shard, ct);
                position = await FollowAsync(daemon, shard, upTo, errors, ct);
                await daemon.StopAgentAsync(shard);
            }

            // An empty log, or a read model none of whose events are in it, rebuilds to an empty table.
            await beside.Storage.Database.EnsureStorageExistsAsync(model.DocumentType, ct);
            await store.Storage.Database.EnsureStorageExistsAsync(model.DocumentType, ct);
            await whileLiveIsStopped(() => SwapAsync(database, store, model, besideTable, position, ct));
            return position;
        }
        finally
        {
            watch?.Dispose();
            if (daemon is not null)
            {
                await daemon.StopAllAsync();
                daemon.Dispose();
            }

            await DiscardAsync(database, store, besideTable, shard, CancellationToken.None);
            beside.Dispose();
        }
    }

    /// <summary>How far the rebuild of a read model running now has read the log (0 when none runs).</summary>
    public static long ProgressOf(IEnumerable<ShardState> progress, ReadModel model) =>
        ReadModels.ProgressOf(progress, model, model.RebuildVersion);

    /// <summary>Waits until the rebuild has read the log up to <paramref name="upTo"/>, or has stopped on an error.</summary>
    private static async Task<long> FollowAsync(IProjectionDaemon daemon, ShardName shard, long upTo, LastError errors, CancellationToken ct)
    {
        while (true)
        {
            var agent = daemon.CurrentAgents().FirstOrDefault(a => a.Name.Identity == shard.Identity);
            if (agent is not { Status: AgentStatus.Running })
            {
                var failure = agent?.Failure is { } f ? ReadModelMonitor.Describe(f) : $"the rebuild's shard {shard.Identity} stopped";
                throw errors.Exception is { } e
                    ? new RebuildFailedException($"{failure} ({RebuildFailedException.RootOf(e)})", e)
                    : new RebuildFailedException(failure);
            }

            if (agent.Position >= upTo)
            {
                return agent.Position;
            }

            await Task.Delay(50, ct);
        }
    }

    /// <summary>
    /// Replaces the serving documents with the rebuilt ones and moves the live shard's progression to where the
    /// rebuild stopped, in one transaction: readers see the old documents until it commits, then the new ones.
    /// A live shard in another process (an API node while the CLI rebuilds) finds its progression moved at its
    /// next write, which rolls back, and is restarted from here (<see cref="LiveShardKeeper"/>).
    /// </summary>
    private static async Task SwapAsync(NpgsqlDataSource database, IDocumentStore store, ReadModel model, string besideTable, long position,
        CancellationToken ct)
    {
        var liveTable = TableOf(store, model);
        var progression = $"{store.Options.Events.DatabaseSchemaName}.mt_event_progression";
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await database.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            try
            {
                var columns = string.Join(", ", (await ColumnsAsync(connection, transaction, liveTable, ct))
                    .Intersect(await ColumnsAsync(connection, transaction, besideTable, ct)).Select(c => $"\"{c}\""));
                await ExecuteAsync(connection, transaction, $"delete from {liveTable}", ct);
                await ExecuteAsync(connection, transaction, $"insert into {liveTable} ({columns}) select {columns} from {besideTable}", ct);
                if (model.Lifecycle == ProjectionLifecycle.Async && position == 0)
                {
                    // Nothing read (an empty log): no row is how the daemon says "at the start". A row at 0 would make
                    // the restarted shard's first insert of its own row fail on the key, and the read model stop.
                    await ExecuteAsync(connection, transaction, $"delete from {progression} where name = @name", ct,
                        ("name", model.ShardIdentity(model.Version)));
                }
                else if (model.Lifecycle == ProjectionLifecycle.Async)
                {
                    await ExecuteAsync(connection, transaction,
                        $"insert into {progression} (name, last_seq_id) values (@name, @position) " +
                        "on conflict (name) do update set last_seq_id = excluded.last_seq_id, last_updated = transaction_timestamp()", ct,
                        ("name", model.ShardIdentity(model.Version)), ("position", position));
                }

                // Documents changed without an append: every node forgets the answers it holds (sent at commit).
                await ExecuteAsync(connection, transaction, AppendNotifications.DocumentsRewrittenSql(store.Options.Events.DatabaseSchemaName), ct);
                await transaction.CommitAsync(ct);
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < 3)
            {
                // A live shard of another process wrote the same rows meanwhile; PostgreSQL chose this side.
            }
        }
    }

    private static async Task<List<string>> ColumnsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string table, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "select attname from pg_attribute where attrelid = @table::regclass and attnum > 0 and not attisdropped order by attnum",
            connection, transaction);
        command.Parameters.AddWithValue("table", table);
        var columns = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }

    /// <summary>Drops the rebuild's table and progression row.</summary>
    private static async Task DiscardAsync(NpgsqlDataSource database, IDocumentStore store, string besideTable, ShardName shard, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await ExecuteAsync(connection, null, $"drop table if exists {besideTable}", ct);
        await ExecuteAsync(connection, null, $"delete from {store.Options.Events.DatabaseSchemaName}.mt_event_progression where name = @name", ct,
            ("name", shard.Identity));
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken ct,
        params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(ct);
    }

    private static string TableOf(IDocumentStore store, ReadModel model) =>
        ((IReadOnlyStoreOptions)store.Options).FindOrResolveDocumentType(model.DocumentType).TableName.QualifiedName;

    /// <summary>The last error the rebuild's shard reported: the failure names the event, its root names the cause.</summary>
    private sealed class LastError : IObserver<ShardState>
    {
        public Exception? Exception { get; private set; }

        public void OnNext(ShardState value) => Exception = value.Exception ?? Exception;

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }
}
