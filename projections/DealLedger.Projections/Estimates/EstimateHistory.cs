using DealLedger.Domain.Estimates;
using DealLedger.Domain.Sources;
using JasperFx;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace DealLedger.Projections.Estimates;

/// <summary>
/// The revision chain of an estimate, in reported-date order, each value with its delta and ratio to the one
/// before it and the source that reported it.
/// </summary>
public sealed class EstimateHistory : IRevisioned
{
    public string Id { get; set; } = "";
    public string? Party { get; set; }
    public string? Metric { get; set; }
    public Effective? Horizon { get; set; }
    public EstimateRevision? Current { get; set; }
    public List<EstimateRevision> Revisions { get; set; } = [];
    public int Version { get; set; }
}

/// <summary>
/// One value of the chain. <see cref="Delta"/> and <see cref="Ratio"/> compare it with the previous value
/// when both are disclosed in the same currency; <see cref="StatedChange"/> is the change as the source
/// worded it, kept so a reader can check one against the other.
/// </summary>
public sealed record EstimateRevision(
    Money Value,
    Effective Horizon,
    decimal? Delta,
    decimal? Ratio,
    Money? StatedChange,
    string? Note,
    FactRef Source);

public sealed partial class EstimateHistoryProjection : SingleStreamProjection<EstimateHistory, string>
{
    public EstimateHistoryProjection()
    {
        IncludeType<EstimateReported>();
        IncludeType<EstimateRevised>();
    }

    public override EstimateHistory? Evolve(EstimateHistory? snapshot, string id, IEvent e) => Fold(snapshot, id, e);

    /// <summary>The one fold behind the inline document and every as-of answer; deterministic.</summary>
    public static EstimateHistory Fold(EstimateHistory? snapshot, string id, IEvent e)
    {
        var history = snapshot ?? new EstimateHistory { Id = id };
        switch (e.Data)
        {
            case EstimateReported reported:
                history.Party = reported.Party;
                history.Metric = reported.Metric;
                history.Horizon = reported.Horizon;
                Insert(history, new EstimateRevision(reported.Value, reported.Horizon, null, null, null, reported.Note,
                    FactRef.Of(reported, e)));
                break;
            case EstimateRevised revised:
                var horizon = revised.Horizon ?? history.Horizon ?? new Effective("unknown", null, null, true);
                Insert(history, new EstimateRevision(revised.Value, horizon, null, null, revised.StatedChange, revised.Note,
                    FactRef.Of(revised, e)));
                break;
        }

        return history;
    }

    /// <summary>
    /// Keeps the chain in reported-date order (a back-filled older value lands in its place, not at the end),
    /// then recomputes every delta and ratio.
    /// </summary>
    private static void Insert(EstimateHistory history, EstimateRevision revision)
    {
        var index = history.Revisions.FindLastIndex(r => r.Source.ReportedOn <= revision.Source.ReportedOn) + 1;
        history.Revisions.Insert(index, revision);
        for (var i = 0; i < history.Revisions.Count; i++)
        {
            var previous = i == 0 ? null : history.Revisions[i - 1].Value;
            var current = history.Revisions[i];
            history.Revisions[i] = current with
            {
                Delta = Compare(previous, current.Value, (a, b) => b - a),
                Ratio = Compare(previous, current.Value, (a, b) => a == 0 ? null : decimal.Round(b / a, 4)),
            };
        }

        history.Current = history.Revisions[^1];
        history.Horizon = history.Current.Horizon;
    }

    private static decimal? Compare(Money? previous, Money current, Func<decimal, decimal, decimal?> compare) =>
        previous?.Amount is { } a && current.Amount is { } b && previous.Currency == current.Currency
            ? compare(a, b)
            : null;
}
