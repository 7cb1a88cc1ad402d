using DealLedger.Domain.Current;
using DealLedger.Domain.Estimates;
using DealLedger.Domain.Relations;
using DealLedger.Domain.Sources;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Aggregation;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten.Events.Aggregation;

namespace DealLedger.Projections.Estimates;

/// <summary>
/// The revision chain of an estimate, in reported-date order, each value with its delta and ratio to the
/// previous live value and the source that reported it; the current value follows <see cref="CurrentValueRule"/>.
/// </summary>
public sealed class EstimateHistory : IRevisioned
{
    public string Id { get; set; } = "";
    public string? Party { get; set; }
    public string? Metric { get; set; }
    public Effective? Horizon { get; set; }

    /// <summary>The horizon stated last in log order: a revision that states none keeps this one.</summary>
    public Effective? StatedHorizon { get; set; }

    public EstimateRevision? Current { get; set; }
    public List<EstimateRevision> Revisions { get; set; } = [];

    /// <summary>Revisions that later facts corroborated, disputed, corrected or retracted, by fact id.</summary>
    public SortedDictionary<string, FactStatus> Statuses { get; set; } = new(StringComparer.Ordinal);

    public int Version { get; set; }
}

/// <summary>
/// One value of the chain. <see cref="Delta"/> and <see cref="Ratio"/> compare it with the previous live
/// value when both are disclosed in the same currency; <see cref="StatedChange"/> is the change as the source
/// worded it, kept so a reader can check one against the other. <see cref="NotComputable"/> says why a delta or
/// ratio is missing although both values are disclosed in the same currency. <see cref="Change"/> is what the
/// value is to the chain before it (<see cref="Repeats"/>): a restatement or a corroboration repeats the previous
/// live value (same amount, currency, precision and horizon) and has no delta or ratio.
/// </summary>
public sealed record EstimateRevision(
    Money Value,
    Effective Horizon,
    decimal? Delta,
    decimal? Ratio,
    Money? StatedChange,
    string? Note,
    FactRef Source,
    string? NotComputable = null,
    string? Change = null);

public sealed partial class EstimateHistoryProjection : SingleStreamProjection<EstimateHistory, string>
{
    public EstimateHistoryProjection()
    {
        IncludeType<EstimateReported>();
        IncludeType<EstimateRevised>();
        IncludeType<FactCorroborated>();
        IncludeType<FactDisputed>();
        IncludeType<FactRetracted>();
    }

    public override (EstimateHistory?, ActionType) DetermineAction(EstimateHistory? snapshot, string identity, IReadOnlyList<IEvent> events) =>
        snapshot is null && !events.Any(e => e.Data is EstimateReported or EstimateRevised)
            ? (null, ActionType.Nothing)
            : (Fold(snapshot, identity, events), ActionType.Store);

    /// <summary>
    /// The one fold behind the inline document, rebuilds and every temporal answer; deterministic. Events are
    /// applied cheaply and the chain's deltas and current value recomputed once at the end.
    /// </summary>
    public static EstimateHistory Fold(EstimateHistory? snapshot, string id, IEnumerable<IEvent> events)
    {
        var history = snapshot ?? new EstimateHistory { Id = id };
        foreach (var e in events)
        {
            Take(history, e);
        }

        Recompute(history);
        return history;
    }

    private static void Take(EstimateHistory history, IEvent e)
    {
        if (e.Data is not IFact fact)
        {
            return;
        }

        FactStatuses.Apply(history.Statuses, fact);
        switch (fact)
        {
            case EstimateReported reported:
                history.Party = reported.Party;
                history.Metric = reported.Metric;
                history.StatedHorizon = reported.Horizon;
                Insert(history, new EstimateRevision(reported.Value, reported.Horizon, null, null, null, reported.Note, FactRef.Of(reported, e)));
                break;
            case EstimateRevised revised:
                var horizon = revised.Horizon ?? history.StatedHorizon ?? new Effective("unknown", null, null, true);
                history.StatedHorizon = horizon;
                Insert(history, new EstimateRevision(revised.Value, horizon, null, null, revised.StatedChange, revised.Note, FactRef.Of(revised, e)));
                break;
        }
    }

    /// <summary>Keeps the chain in reported-date order: a back-filled older value lands in its place, not at the end.</summary>
    private static void Insert(EstimateHistory history, EstimateRevision revision)
    {
        var index = history.Revisions.FindLastIndex(r => r.Source.ReportedOn <= revision.Source.ReportedOn) + 1;
        history.Revisions.Insert(index, revision);
    }

    /// <summary>
    /// Classifies every value against the previous live one, recomputes the deltas and ratios of the values that
    /// changed it (repeats have none), and the current value.
    /// </summary>
    private static void Recompute(EstimateHistory history)
    {
        var kinds = Repeats.OfChain(history.Revisions, r => CurrentValueRule.IsLive(history.Statuses, r.Source.FactId),
            (a, b) => a.Value == b.Value && a.Horizon == b.Horizon, r => r.Source.Source.Publisher);
        Money? previous = null;
        for (var i = 0; i < history.Revisions.Count; i++)
        {
            var current = history.Revisions[i];
            var change = Repeats.IsChange(kinds[i]) ? Compare(previous, current.Value) : null;
            history.Revisions[i] = current with { Delta = change?.Delta, Ratio = change?.Ratio, NotComputable = change?.NotComputable, Change = kinds[i] };
            if (CurrentValueRule.IsLive(history.Statuses, current.Source.FactId))
            {
                previous = current.Value;
            }
        }

        // Pick needs log order for ties; the chain is in reported order, so order by recorded position first.
        var live = history.Revisions.Where(r => CurrentValueRule.IsLive(history.Statuses, r.Source.FactId))
            .OrderBy(r => r.Source.RecordedAt);
        history.Current = CurrentValueRule.Pick(live, r => r.Source);
        history.Horizon = history.Current?.Horizon ?? history.StatedHorizon;
    }

    private static Change? Compare(Money? previous, Money current) =>
        previous?.Amount is { } a && current.Amount is { } b && previous.Currency == current.Currency
            ? Figures.Between(a, b)
            : null;
}
