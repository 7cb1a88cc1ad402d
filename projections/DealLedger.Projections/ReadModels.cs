using DealLedger.Projections.Deals;
using DealLedger.Projections.Estimates;
using DealLedger.Projections.Facts;
using DealLedger.Projections.Parties;
using DealLedger.Projections.Commitments;
using DealLedger.Projections.Sources;
using DealLedger.Projections.Timeline;
using JasperFx.Events.Projections;
using Marten;

namespace DealLedger.Projections;

/// <summary>One read model: its stable name (used by the CLI and rebuilds), the document it builds, how it is kept.</summary>
public sealed record ReadModel(
    string Name,
    Type DocumentType,
    ProjectionLifecycle Lifecycle,
    Func<ProjectionBase> Create,
    uint Version = 1);

/// <summary>
/// The one place that says which read models exist and how each is kept: inline where a write must be
/// readable at once (and the idempotency index), async for cross-stream views.
/// </summary>
public static class ReadModels
{
    /// <summary>How far a read model has read the log, from Marten's progression rows (0 before its first run).</summary>
    public static long ProgressOf(IEnumerable<JasperFx.Events.Projections.ShardState> progress, string readModel) =>
        progress.FirstOrDefault(p => p.ShardName.StartsWith(readModel + ":", StringComparison.Ordinal))?.Sequence ?? 0;

    /// <summary>Daemon batch size for async runs and rebuilds: 5,000 measured ~4-8x faster rebuilds here than the default.</summary>
    public const int DaemonBatchSize = 5_000;

    public static readonly IReadOnlyList<ReadModel> All =
    [
        new("FactIndex", typeof(FactIndexEntry), ProjectionLifecycle.Inline, () => new FactIndexProjection()),
        new("DealSummary", typeof(DealSummary), ProjectionLifecycle.Inline, () => new DealSummaryProjection()),
        new("EstimateHistory", typeof(EstimateHistory), ProjectionLifecycle.Inline, () => new EstimateHistoryProjection()),
        new("PartyExposure", typeof(PartyExposure), ProjectionLifecycle.Async, () => new PartyExposureProjection()),
        new("Timeline", typeof(TimelineEntry), ProjectionLifecycle.Async, () => new TimelineProjection()),
        new("SourceScorecard", typeof(SourceScorecard), ProjectionLifecycle.Async, () => new SourceScorecardProjection()),
        new("CommitmentsByYear", typeof(CommitmentsByYear), ProjectionLifecycle.Async, () => new CommitmentsByYearProjection()),
    ];

    public static void Register(StoreOptions options)
    {
        foreach (var model in All)
        {
            var projection = model.Create();
            projection.Name = model.Name;
            projection.Version = model.Version;
            options.Projections.Add((IProjectionSource<IDocumentOperations, IQuerySession>)projection, model.Lifecycle,
                async => async.BatchSize = DaemonBatchSize);
        }

        options.Schema.For<FactIndexEntry>().Index(x => x.Subject).Index(x => x.Refers);
        options.Schema.For<DealSummary>().Index(x => x.Kind).Index(x => x.Status);
        options.Schema.For<EstimateHistory>().Index(x => x.Party);
        options.Schema.For<TimelineEntry>().Index(x => x.ReportedOn).Index(x => x.Subject);
    }
}
