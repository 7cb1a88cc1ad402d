using System.Collections.Concurrent;
using DealLedger.Api.Reads;
using DealLedger.Projections;
using JasperFx.Events.Daemon;
using Marten;

namespace DealLedger.Api.Admin;

/// <summary>A rebuild of one read model from the whole log, and how far it got.</summary>
public sealed class RebuildJob
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public Guid Id { get; init; }
    public string ReadModel { get; init; } = "";
    public string? RequestedBy { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; set; }
    public string Outcome { get; set; } = Running;
    public string? Error { get; set; }

    /// <summary>
    /// Where the serving read model stood when the rebuild failed (null when it could not be read): the read model's
    /// status shows the rebuild's error only until the read model advances past it.
    /// </summary>
    internal long? LivePositionAtFailure { get; set; }

    /// <summary>The log position the rebuild runs up to (the high-water mark when it started).</summary>
    public long Total { get; set; }

    public long Done { get; set; }
    public double EventsPerSecond { get; set; }
    public double? EtaSeconds { get; set; }

    internal CancellationTokenSource Cancellation { get; } = new();
}

/// <summary>
/// Runs rebuilds in the background, one at a time per read model, beside the serving documents
/// (<see cref="ReadModelRebuild"/>): reads keep coming from the previous documents, and the read model's live shard
/// keeps advancing, until the rebuilt documents replace them; the live shard is stopped only for that swap.
/// </summary>
public sealed class RebuildCoordinator(
    IDocumentStore store,
    ReadModelCatalog catalog,
    LedgerDatabase database,
    Npgsql.NpgsqlDataSource dataSource,
    IServiceProvider services,
    IConfiguration configuration,
    TimeProvider clock,
    ILogger<RebuildCoordinator> logger)
{
    private readonly ConcurrentDictionary<Guid, RebuildJob> _jobs = new();
    private readonly ConcurrentDictionary<string, RebuildJob> _running = new(StringComparer.Ordinal);

    public RebuildJob? Find(Guid id) => _jobs.GetValueOrDefault(id);

    /// <summary>The running (else the latest) rebuild of a read model.</summary>
    public RebuildJob? Of(string readModel) =>
        _running.GetValueOrDefault(readModel) ?? _jobs.Values.Where(j => j.ReadModel == readModel).MaxBy(j => j.StartedAt);

    /// <summary>
    /// Starts a rebuild, or says why not: one is running for that read model (here, on another node or in the
    /// CLI), or another node runs the read model, so a rebuild here would race that node's live shard.
    /// </summary>
    public async Task<RebuildStart> StartAsync(string readModel, string? requestedBy, CancellationToken ct)
    {
        if (_running.TryGetValue(readModel, out var running))
        {
            return AlreadyRunning(running);
        }

        if (NotHere(readModel) is { } elsewhere)
        {
            return new RebuildStart(null, elsewhere);
        }

        var hold = await RebuildLock.TryTakeAsync(store, readModel, ct);
        if (hold is null)
        {
            return _running.TryGetValue(readModel, out running)
                ? AlreadyRunning(running)
                : new RebuildStart(null, $"'{readModel}' is being rebuilt by another node or by the CLI; wait for that rebuild to end.", Elsewhere: true);
        }

        long total;
        try
        {
            await using var session = store.PrimaryQuerySession();
            total = await Temporal.TemporalReads.LogPositionAsync(session, ct);
        }
        catch
        {
            await hold.DisposeAsync();
            throw;
        }

        var job = new RebuildJob { Id = Guid.NewGuid(), ReadModel = readModel, RequestedBy = requestedBy, StartedAt = clock.GetUtcNow(), Total = total };
        if (!_running.TryAdd(readModel, job))
        {
            await hold.DisposeAsync();
            return AlreadyRunning(_running[readModel]);
        }

        _jobs[job.Id] = job;
        if (total == 0)
        {
            // Nothing to replay: the read model is emptied and swapped in at once, so the answer already says it ended.
            await RunAsync(job, hold);
        }
        else
        {
            _ = Task.Run(() => RunAsync(job, hold), CancellationToken.None);
        }

        return new RebuildStart(job, null);
    }

    private static RebuildStart AlreadyRunning(RebuildJob job) =>
        new(job, $"'{job.ReadModel}' is already being rebuilt (/admin/rebuilds/{job.Id}); wait for it or cancel it.");

    /// <summary>Why this node must not rebuild the read model (its daemon does not run it), or null.</summary>
    private string? NotHere(string readModel)
    {
        switch (configuration.GetValue("Projections:DaemonMode", DaemonMode.Solo))
        {
            case DaemonMode.Disabled:
                return "This node runs no projection daemon (Projections:DaemonMode is Disabled); " +
                    "send the rebuild to the node that runs the read models.";
            case DaemonMode.HotCold:
                var agents = services.GetService<Marten.Events.Daemon.Coordination.IProjectionCoordinator>()?.DaemonForMainDatabase().CurrentAgents() ?? [];
                return agents.Any(a => a.Name.Name == readModel)
                    ? null
                    : $"'{readModel}' is advanced by another node's daemon (hot/cold), and a rebuild here would race it; " +
                      $"send the rebuild to the node whose GET /admin/projections shows runningHere: true for '{readModel}'.";
            default:
                return null;
        }
    }

    public bool Cancel(RebuildJob job)
    {
        if (job.Outcome != RebuildJob.Running)
        {
            return false;
        }

        job.Cancellation.Cancel();
        return true;
    }

    /// <summary>Reads the rebuild's progress from the log's progression table.</summary>
    public async Task RefreshAsync(RebuildJob job, CancellationToken ct)
    {
        if (job.Outcome != RebuildJob.Running)
        {
            return;
        }

        var progress = await store.Advanced.AllProjectionProgress(token: ct);
        var done = Math.Min(job.Total, ReadModelRebuild.ProgressOf(progress, catalog.Find(job.ReadModel)!));

        // The rebuild may have ended meanwhile, and its progression row gone with it: its own count stands then.
        if (job.Outcome == RebuildJob.Running)
        {
            job.Done = Math.Max(job.Done, done);
            UpdateRate(job);
        }
    }

    private void UpdateRate(RebuildJob job)
    {
        var elapsed = ((job.FinishedAt ?? clock.GetUtcNow()) - job.StartedAt).TotalSeconds;
        job.EventsPerSecond = elapsed > 0 ? job.Done / elapsed : 0;
        job.EtaSeconds = job.FinishedAt is null && job.EventsPerSecond > 0 ? (job.Total - job.Done) / job.EventsPerSecond : null;
    }

    private async Task RunAsync(RebuildJob job, RebuildLock hold)
    {
        var outcome = RebuildJob.Failed;
        string? error = null;
        var model = catalog.Find(job.ReadModel)!;
        try
        {
            foreach (var refresh in await LogStatistics.RefreshIfStaleAsync(store, job.Cancellation.Token))
            {
                logger.Log(refresh.Problem is null ? LogLevel.Information : LogLevel.Warning, "Before rebuilding {ReadModel}: {Statistics}", job.ReadModel, refresh);
            }

            var position = await ReadModelRebuild.RunAsync(store, dataSource, database.Schema, catalog.Models, model, job.Total, swap => WhileLiveIsStoppedAsync(model, swap),
                job.Cancellation.Token);
            job.Total = Math.Max(job.Total, position);
            job.Done = job.Total;
            outcome = RebuildJob.Succeeded;
        }
        catch (OperationCanceledException) when (job.Cancellation.IsCancellationRequested)
        {
            outcome = RebuildJob.Cancelled;
        }
        catch (RebuildFailedException e)
        {
            logger.LogError(e, "Rebuild of {ReadModel} failed; the previous documents keep serving: {Reason}", job.ReadModel, e.Message);
            error = e.Message;
        }
        catch (Exception e)
        {
            // The answer gets one line; the stack trace stays in the log.
            logger.LogError(e, "Rebuild of {ReadModel} failed; the previous documents keep serving", job.ReadModel);
            error = RebuildFailedException.Describe(e);
        }
        finally
        {
            // The lock goes first: whoever reads the outcome may start the next rebuild at once, on any node.
            await hold.DisposeAsync();
            if (outcome == RebuildJob.Failed)
            {
                job.LivePositionAtFailure = await LivePositionAsync(model);
            }

            job.Error = error;
            job.FinishedAt = clock.GetUtcNow();
            UpdateRate(job);
            _running.TryRemove(job.ReadModel, out _);
            job.Outcome = outcome;
        }
    }

    private async Task<long?> LivePositionAsync(ReadModel model)
    {
        try
        {
            return ReadModels.ProgressOf(await store.Advanced.AllProjectionProgress(token: CancellationToken.None), model);
        }
        catch (Exception e) when (DatabaseFailures.IsUnavailable(e) || DatabaseFailures.IsStatementTimeout(e))
        {
            return null;
        }
    }

    /// <summary>
    /// Runs the swap with this node's live shard of the read model stopped, so it writes nothing between the two,
    /// and starts the shard again whatever happened: it resumes from the position the swap left.
    /// </summary>
    private async Task WhileLiveIsStoppedAsync(ReadModel model, Func<Task> swap)
    {
        var daemon = services.GetService<Marten.Events.Daemon.Coordination.IProjectionCoordinator>()?.DaemonForMainDatabase();
        var live = new JasperFx.Events.Projections.ShardName(model.Name, "All", model.Version);
        var agent = daemon?.CurrentAgents().FirstOrDefault(a => a.Name.Identity == live.Identity);
        if (daemon is null || agent is null)
        {
            await swap();
            return;
        }

        // A shard paused or left stopped (on an event the old code could not apply) starts again too: the
        // rebuilt documents are past that event.
        if (agent.Status == JasperFx.AgentStatus.Running)
        {
            await daemon.StopAgentAsync(live);
        }

        try
        {
            await swap();
        }
        finally
        {
            await daemon.StartAgentAsync(live, CancellationToken.None);
        }
    }
}

/// <summary>
/// A rebuild started (<see cref="Refusal"/> null), or why not: with the running rebuild when there is one here,
/// <see cref="Elsewhere"/> when another node or the CLI runs one.
/// </summary>
public sealed record RebuildStart(RebuildJob? Job, string? Refusal, bool Elsewhere = false);
