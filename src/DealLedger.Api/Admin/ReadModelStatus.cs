using System.Collections.Concurrent;
using DealLedger.Api.Reads;
using DealLedger.Api.Temporal;
using DealLedger.Projections;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;

namespace DealLedger.Api.Admin;

/// <summary>Where a read model stands against the log.</summary>
/// <param name="Position">The last event sequence it has applied (inline models are always at the log's end).</param>
/// <param name="HighWaterMark">The sequence below which every event is committed.</param>
/// <param name="LagEvents">Events committed but not yet applied.</param>
/// <param name="LagSeconds">How long it has been behind without advancing (0 when caught up).</param>
/// <param name="State">inline, caught-up, catching-up, stalled, rebuilding or failed.</param>
/// <param name="RunningHere">For an async read model: whether this node's daemon is the one advancing it.</param>
/// <param name="ServingVersion">The version answering reads: lower than <paramref name="Version"/> while the new
/// version is built beside it, until an operator switches.</param>
/// <param name="ServingPosition">How far the serving version has read the log.</param>
/// <param name="WaitingOnSequence">For an async read model: the event sequence number it waits on, handed out and holding no event while later events are committed (null when none).</param>
/// <param name="WaitingSince">Since when the high-water mark has stood before that number.</param>
public sealed record ReadModelState(
    string Name,
    uint Version,
    string Lifecycle,
    long Position,
    long HighWaterMark,
    long LagEvents,
    double LagSeconds,
    string State,
    string? Error,
    bool? RunningHere = null,
    uint? ServingVersion = null,
    long? ServingPosition = null,
    long? WaitingOnSequence = null,
    DateTimeOffset? WaitingSince = null);

/// <summary>
/// The async read models wait on event sequence number <paramref name="Sequence"/>: it was handed out and holds no
/// event, while events after it are committed. A transaction still open holds it (the daemon cannot pass it until that
/// transaction ends), or one that rolled back left it (the daemon passes it once it has checked no transaction can
/// still fill it). <paramref name="Since"/> is when the high-water mark last moved.
/// </summary>
public sealed record SequenceGap(long Sequence, long HighWaterMark, long LogEnd, DateTimeOffset Since);

/// <summary>
/// Reads every read model's progress against the high-water mark, and remembers when each last advanced, so a
/// read model that stopped advancing while events are pending (the daemon's silent stall) is reported as
/// stalled instead of looking healthy. It also listens to the daemon's shard states: a projection that
/// stopped on an event is reported as failed, naming the event.
/// </summary>
public sealed class ReadModelMonitor(
    IDocumentStore store,
    ReadModelCatalog catalog,
    ReadModelVersions versions,
    IConfiguration configuration,
    TimeProvider clock,
    IServiceProvider services)
    : IObserver<ShardState>
{
    private readonly ConcurrentDictionary<string, (long Position, DateTimeOffset Since)> _lastAdvance = new();
    private readonly ConcurrentDictionary<string, string> _failures = new(StringComparer.Ordinal);
    private (long Mark, DateTimeOffset Since) _markSeen;

    /// <summary>Projections that stopped on an event, by read model name, with the event and the error.</summary>
    public IReadOnlyDictionary<string, string> Failures => _failures;

    /// <summary>The read models this node's daemon is running now (null when this node runs no daemon).</summary>
    private HashSet<string>? RunningHere()
    {
        if (services.GetService<Marten.Events.Daemon.Coordination.IProjectionCoordinator>() is not { } coordinator)
        {
            return null;
        }

        var daemon = coordinator.DaemonForMainDatabase();
        return daemon.CurrentAgents().Where(a => a.Status == JasperFx.AgentStatus.Running).Select(a => a.Name.Name).ToHashSet(StringComparer.Ordinal);
    }

    public void OnNext(ShardState value)
    {
        var name = value.ShardName.Split(':')[0];
        // A cancelled load is a shard being stopped or paused (a rebuild, a reset, shutdown), not a poison event;
        // a progression moved underneath the shard is a rebuild swapped in by another process, and the shard is
        // restarted from there (LiveShardKeeper).
        if (value.Failure is { } failure && !failure.ExceptionType.Contains("Canceled", StringComparison.Ordinal) &&
            failure.Category != ShardFailureCategory.ProgressionOutOfOrder)
        {
            _failures[name] = Describe(failure);
        }
        else if (value.Sequence > 0 && value.Exception is null)
        {
            _failures.TryRemove(name, out _);
        }
    }

    /// <summary>Why a shard stopped, in one line: the event, when one is to blame, and the error (no stack trace).</summary>
    public static string Describe(ShardFailure failure)
    {
        var where = failure.Event is { } e
            ? $"event {e.EventId} (#{e.Sequence}, {e.EventTypeName} on {e.StreamKey}): "
            : "";
        var text = $"{where}{failure.ExceptionType}: {failure.Message}";
        return string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }

    /// <summary>Behind and not advancing for this long means stalled (Projections:StallAfterSeconds, default 60).</summary>
    public TimeSpan StallAfter => TimeSpan.FromSeconds(configuration.GetValue("Projections:StallAfterSeconds", 60));

    /// <summary>Every write holds its sequence numbers for the milliseconds it takes to commit: a gap younger than this is not news.</summary>
    public static readonly TimeSpan GapAfter = TimeSpan.FromSeconds(1);

    /// <summary>The sequence number the async read models wait on, if the high-water mark stands before a missing one.</summary>
    public async Task<SequenceGap?> GapAsync(CancellationToken ct)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var connection = (Npgsql.NpgsqlConnection)store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new Npgsql.NpgsqlCommand(
            $"select p.last_seq_id, p.last_updated, (select max(seq_id) from {schema}.mt_events), " +
            $"exists (select 1 from {schema}.mt_events where seq_id = p.last_seq_id + 1) " +
            $"from {schema}.mt_event_progression p where p.name = 'HighWaterMark'", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct) || reader.IsDBNull(2))
        {
            return null;
        }

        var (mark, end, next) = (reader.GetInt64(0), reader.GetInt64(2), reader.GetBoolean(3));
        var updated = reader.IsDBNull(1) ? (DateTimeOffset?)null : new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero);
        var now = clock.GetUtcNow();
        var seen = _markSeen.Mark == mark ? _markSeen : _markSeen = (mark, now);
        if (end <= mark || next)
        {
            return null;
        }

        // The mark's row may be rewritten on every poll without moving: when this node first saw it there bounds it too.
        var since = updated is { } u && u < seen.Since ? u : seen.Since;
        return now - since < GapAfter ? null : new SequenceGap(mark + 1, mark, end, since);
    }

    public async Task<IReadOnlyList<ReadModelState>> StatusAsync(Func<string, RebuildJob?> rebuildOf, CancellationToken ct)
    {
        var progress = await store.Advanced.AllProjectionProgress(token: ct);
        var gap = await GapAsync(ct);

        // Against the last committed event, not only the daemon's own mark: a dead daemon stops advancing its mark too.
        await using var session = store.PrimaryQuerySession();
        var highWater = Math.Max(progress.FirstOrDefault(p => p.ShardName == "HighWaterMark")?.Sequence ?? 0,
            await TemporalReads.LogPositionAsync(session, ct));
        var now = clock.GetUtcNow();
        var here = RunningHere();
        var states = new List<ReadModelState>();
        foreach (var model in catalog.Models)
        {
            if (model.Lifecycle == ProjectionLifecycle.Inline)
            {
                states.Add(new ReadModelState(model.Name, model.Version, "inline", highWater, highWater, 0, 0, "inline", null,
                    ServingVersion: model.Version, ServingPosition: highWater));
                continue;
            }

            var position = ReadModels.ProgressOf(progress, model);
            var serving = versions.ServingOf(model);
            var lag = Math.Max(0, highWater - position);
            var last = _lastAdvance.AddOrUpdate(model.Name, (position, now),
                (_, seen) => lag == 0 || seen.Position != position ? (position, now) : seen);

            // Behind for as long as both hold: no advance seen, and the oldest pending event has been waiting.
            // Either alone misleads: a model idle at the log's end for an hour is not "behind" when a new event
            // lands, and a busy rebuild advances while old events still wait.
            var behindFor = TimeSpan.Zero;
            if (lag > 0)
            {
                var oldest = await session.Events.QueryAllRawEvents().Where(e => e.Sequence > position)
                    .OrderBy(e => e.Sequence).Select(e => e.Timestamp).Take(1).ToListAsync(ct);
                var waitingSince = oldest.Count == 0 ? now : oldest[0];
                behindFor = now - (waitingSince > last.Since ? waitingSince : last.Since);
                behindFor = behindFor < TimeSpan.Zero ? TimeSpan.Zero : behindFor;
            }
            var rebuild = rebuildOf(model.Name);
            var failure = _failures.GetValueOrDefault(model.Name);
            var state = rebuild is { Outcome: RebuildJob.Running } ? "rebuilding"
                : failure is not null ? "failed"
                : lag == 0 ? "caught-up"
                : behindFor >= StallAfter ? "stalled"
                : "catching-up";
            // A failed rebuild's error stays on its job (/admin/rebuilds/{id}); here, only until the read model moves on.
            var rebuildError = rebuild is { Outcome: RebuildJob.Failed } && !(position > rebuild.LivePositionAtFailure) ? rebuild.Error : null;
            states.Add(new ReadModelState(model.Name, model.Version, "async", position, highWater, lag, behindFor.TotalSeconds, state,
                failure ?? rebuildError, here?.Contains(model.Name),
                serving, ReadModels.ProgressOf(progress, model, serving), gap?.Sequence, gap?.Since));
        }

        return states;
    }
}
