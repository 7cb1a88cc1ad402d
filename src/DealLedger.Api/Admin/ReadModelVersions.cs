using System.Collections.Concurrent;
using DealLedger.Api.Reads;
using DealLedger.Projections;
using Marten;
using Npgsql;
using Weasel.Core;

namespace DealLedger.Api.Admin;

/// <summary>The read models this deployment runs, with their versions (tests replace it to deploy a bumped version).</summary>
public sealed record ReadModelCatalog(IReadOnlyList<ReadModel> Models)
{
    public ReadModel? Find(string name) => Models.FirstOrDefault(m => m.Name == name);
}

/// <summary>The database this deployment's ledger lives in.</summary>
public sealed record LedgerDatabase(string Schema);

/// <summary>Which version of a read model answers reads; persisted so every node and every restart agrees.</summary>
public sealed class ServingVersion
{
    public string Id { get; set; } = "";
    public uint Version { get; set; }
    public DateTimeOffset Since { get; set; }
    public string? SwitchedBy { get; set; }
    public bool Forced { get; set; }
}

/// <summary>One version of a read model in a parity check.</summary>
public sealed record VersionSide(uint Version, string Table, long Position, long Documents);

/// <summary>A document that differs between the serving and the new version.</summary>
/// <param name="Difference">"content", "only-serving" (missing from the new version) or "only-new".</param>
public sealed record DocumentDifference(string Id, string Difference);

/// <summary>
/// The serving version and the new one compared in one snapshot: clean when both have read the log to the same
/// position and hold the same documents with the same content.
/// </summary>
public sealed record ParityReport(
    string ReadModel,
    VersionSide Serving,
    VersionSide New,
    bool SamePosition,
    long Differing,
    IReadOnlyList<DocumentDifference> Differences,
    bool Clean,
    DateTimeOffset CheckedAt);

/// <summary>
/// Side-by-side versions. A read model whose catalogue version was bumped is built by Marten into its own
/// table and progression row ("_2", "Name:V2:All") while reads keep coming from the version that served before
/// the deployment. The operator compares the two (<see cref="ParityAsync"/>) and switches (<see cref="SwitchAsync"/>).
/// </summary>
public sealed class ReadModelVersions(
    IDocumentStore store,
    ReadModelCatalog catalog,
    LedgerDatabase database,
    NpgsqlDataSource dataSource,
    TimeProvider clock,
    ILogger<ReadModelVersions> logger) : IAsyncDisposable
{
    /// <summary>Differences listed in a parity report (the count covers all of them).</summary>
    public const int ListedDifferences = 100;

    private readonly ConcurrentDictionary<string, uint> _serving = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Key, DocumentStore Store)? _previous;
    private readonly List<DocumentStore> _retired = [];

    /// <summary>The version answering reads of a read model.</summary>
    public uint ServingOf(ReadModel model) => _serving.GetValueOrDefault(model.Name, model.Version);

    /// <summary>
    /// A query-only store that maps each read model to its serving version's table, or null when every read model
    /// serves its current version (then the main store answers reads).
    /// </summary>
    public IDocumentStore? ServingStore => _previous?.Store;

    /// <summary>
    /// Reads the serving versions, recording them the first time a bumped version is seen: the highest earlier
    /// version that has run keeps serving; a read model that never ran serves its current version at once.
    /// </summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var progress = await store.Advanced.AllProjectionProgress(token: ct);
            foreach (var model in catalog.Models.Where(m => m.SideBySide && m.Version > 1))
            {
                // A session per read model: a lost insert race must not be retried with the next one's.
                await using var session = store.LightweightSession();
                var pointer = await session.LoadAsync<ServingVersion>(model.Name, ct);
                if (pointer is null)
                {
                    var earlier = Enumerable.Range(1, (int)model.Version - 1).Select(v => (uint)v)
                        .Where(v => progress.Any(p => p.ShardName == model.ShardIdentity(v)))
                        .DefaultIfEmpty(model.Version).Max();
                    pointer = new ServingVersion { Id = model.Name, Version = earlier, Since = clock.GetUtcNow() };
                    session.Insert(pointer);
                    try
                    {
                        await session.SaveChangesAsync(ct);
                    }
                    catch (JasperFx.DocumentAlreadyExistsException)
                    {
                        // Another node recorded it first: theirs stands.
                        await using var again = store.PrimaryQuerySession();
                        pointer = await again.LoadAsync<ServingVersion>(model.Name, ct) ?? pointer;
                    }

                    if (pointer.Version < model.Version)
                    {
                        logger.LogWarning("{ReadModel} v{New} is built beside v{Serving}, which keeps serving reads until an operator switches",
                            model.Name, model.Version, pointer.Version);
                    }
                }

                _serving[model.Name] = Math.Min(pointer.Version, model.Version);
            }

            RebuildServingStore();
        }
        finally
        {
            _gate.Release();
        }
    }

    private void RebuildServingStore()
    {
        var pending = catalog.Models.Where(m => ServingOf(m) != m.Version).ToDictionary(m => m.Name, ServingOf);
        var key = string.Join(",", pending.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}:{p.Value}"));
        if (_previous?.Key == key)
        {
            return;
        }

        if (_previous is { } old)
        {
            // Requests may still be reading through it: it is disposed with the process, not now.
            _retired.Add(old.Store);
        }

        _previous = pending.Count == 0 ? null : (key, BuildServingStore(pending));
    }

    private DocumentStore BuildServingStore(IReadOnlyDictionary<string, uint> versions)
    {
        return DocumentStore.For(options =>
        {
            // The process's one pool: this store neither owns nor disposes it.
            LedgerStore.Configure(options, dataSource, database.Schema, catalog.Models.WithVersions(versions));

            // Reads only: the tables exist, and this store never migrates them. The process's own store runs the
            // daemon; without this, Marten warns on the console that this store's async projections will not run.
            options.AutoCreateSchemaObjects = JasperFx.AutoCreate.None;
            options.Projections.AsyncMode = JasperFx.Events.Daemon.DaemonMode.ExternallyManaged;
        });
    }

    /// <summary>Compares the serving version with the current one, document by document, in one snapshot.</summary>
    public async Task<ParityReport> ParityAsync(ReadModel model, CancellationToken ct)
    {
        var serving = ServingOf(model);
        var servingTable = TableOf(model, serving);
        var newTable = TableOf(model, model.Version);

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);

        var progression = $"{store.Options.Events.DatabaseSchemaName}.mt_event_progression";
        async Task<long> PositionAsync(uint version)
        {
            await using var command = new NpgsqlCommand($"select last_seq_id from {progression} where name = @name", connection, transaction);
            command.Parameters.AddWithValue("name", model.ShardIdentity(version));
            return await command.ExecuteScalarAsync(ct) is long position ? position : 0;
        }

        // A version that has not written anything yet may have no table: it counts as empty.
        async Task<string> RowsOfAsync(string table)
        {
            await using var command = new NpgsqlCommand("select to_regclass(@table) is not null", connection, transaction);
            command.Parameters.AddWithValue("table", table);
            return (bool)(await command.ExecuteScalarAsync(ct))!
                ? $"(select id::text as id, md5(data::text) as hash from {table})"
                : "(select null::text as id, null::text as hash where false)";
        }

        async Task<long> CountAsync(string rows)
        {
            await using var command = new NpgsqlCommand($"select count(*) from {rows} r", connection, transaction);
            return (long)(await command.ExecuteScalarAsync(ct))!;
        }

        var servingRows = await RowsOfAsync(servingTable);
        var newRows = await RowsOfAsync(newTable);

        var servingSide = new VersionSide(serving, servingTable, await PositionAsync(serving), await CountAsync(servingRows));
        var newSide = new VersionSide(model.Version, newTable, await PositionAsync(model.Version), await CountAsync(newRows));

        // jsonb's text form is canonical (key order, spacing), so equal content hashes equally.
        var differences = new List<DocumentDifference>();
        long differing = 0;
        await using (var command = new NpgsqlCommand($"""
            select coalesce(s.id, n.id),
                   case when s.id is null then 'only-new' when n.id is null then 'only-serving' else 'content' end,
                   count(*) over ()
            from {servingRows} s
            full outer join {newRows} n on n.id = s.id
            where s.hash is distinct from n.hash
            order by 1
            limit {ListedDifferences}
            """, connection, transaction))
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                differences.Add(new DocumentDifference(reader.GetString(0), reader.GetString(1)));
                differing = reader.GetInt64(2);
            }
        }

        await transaction.CommitAsync(ct);
        var samePosition = servingSide.Position == newSide.Position;
        return new ParityReport(model.Name, servingSide, newSide, samePosition, differing, differences,
            serving != model.Version && samePosition && differing == 0 && servingSide.Documents == newSide.Documents, clock.GetUtcNow());
    }

    /// <summary>
    /// Makes the current version serve reads, when the parity check is clean or <paramref name="force"/> is set;
    /// otherwise nothing changes and the report says why.
    /// </summary>
    public async Task<(bool Switched, ParityReport Report)> SwitchAsync(ReadModel model, bool force, string? by, CancellationToken ct)
    {
        var report = await ParityAsync(model, ct);
        if (!report.Clean && !force)
        {
            return (false, report);
        }

        await using (var session = store.LightweightSession())
        {
            session.Store(new ServingVersion { Id = model.Name, Version = model.Version, Since = clock.GetUtcNow(), SwitchedBy = by, Forced = !report.Clean });
            // Reads now come from other documents: every node forgets the answers it holds (sent at commit).
            session.QueueSqlCommand(AppendNotifications.DocumentsRewrittenSql(database.Schema));
            await session.SaveChangesAsync(ct);
        }

        logger.LogWarning("{ReadModel} now serves v{Version} (switched by {By}{Forced})", model.Name, model.Version, by, report.Clean ? "" : ", forced");
        await RefreshAsync(ct);
        return (true, report);
    }

    private string TableOf(ReadModel model, uint version)
    {
        // Marten's table for a document is mt_doc_{alias}, the alias suffixed "_{version}" above version 1.
        var table = ((IReadOnlyStoreOptions)store.Options).FindOrResolveDocumentType(model.DocumentType).TableName.Name;
        var current = model.Version > 1 ? "_" + model.Version : "";
        var bare = current.Length > 0 && table.EndsWith(current, StringComparison.Ordinal) ? table[..^current.Length] : table;
        return $"{store.Options.DatabaseSchemaName}.{bare}{(version > 1 ? "_" + version : "")}";
    }

    public ValueTask DisposeAsync()
    {
        _previous?.Store.Dispose();
        _retired.ForEach(s => s.Dispose());
        _gate.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A request's query session on the serving version of every read model: the main store's, or while a new
/// version is being built beside an old one, a store that maps that read model to the old version's table.
/// Read endpoints take this instead of an <see cref="IQuerySession"/>: Wolverine gives an endpoint's
/// <see cref="IQuerySession"/> parameter from a document session, which Marten opens on the primary, whereas this
/// one comes from the session factory and so follows the request's read route (a standby; see Reads/StandbyReads).
/// </summary>
public sealed class ServingReads(ISessionFactory sessions, ReadModelVersions versions) : IAsyncDisposable
{
    private IQuerySession? _session;

    public IQuerySession Session => _session ??= versions.ServingStore?.QuerySession() ?? sessions.QuerySession();

    public ValueTask DisposeAsync() => _session?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>Loads the serving versions before the first request, then follows switches made on other nodes.</summary>
public sealed class ReadModelVersionsRefresh(ReadModelVersions versions, IConfiguration configuration, ILogger<ReadModelVersionsRefresh> logger)
    : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await versions.RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(configuration.GetValue("Projections:VersionRefreshSeconds", 5));
        using var timer = new PeriodicTimer(every);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await versions.RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not refresh the serving versions of the read models");
            }
        }
    }
}
