using DealLedger.Domain.Sources;
using JasperFx.Events;

namespace DealLedger.Projections;

/// <summary>Where a value in a read model came from: the fact, its source and its three times.</summary>
public sealed record FactRef(
    string FactId,
    DateOnly ReportedOn,
    Effective? Effective,
    Source Source,
    DateTimeOffset RecordedAt)
{
    public static FactRef Of(IFact fact, IEvent e) =>
        new(fact.Fact.FactId, fact.Fact.ReportedOn, fact.Fact.Effective, fact.Fact.Source, RecordedTime(e));

    /// <summary>
    /// The event's recorded time at PostgreSQL's precision (microseconds). Inline projections see the
    /// in-process timestamp with 100 ns ticks, a rebuild sees the stored one: truncating makes both equal.
    /// </summary>
    public static DateTimeOffset RecordedTime(IEvent e) =>
        new(e.Timestamp.Ticks - (e.Timestamp.Ticks % 10), e.Timestamp.Offset);

    /// <summary>
    /// <see cref="CurrentValueRule"/> for two reports seen in log order: the later reported date wins, then
    /// the higher-ranked source kind, then this one (the later recorded).
    /// </summary>
    public bool Supersedes(FactRef? current) =>
        current is null || ReportedOn > current.ReportedOn
        || (ReportedOn == current.ReportedOn && CurrentValueRule.Rank(Source.Kind) >= CurrentValueRule.Rank(current.Source.Kind));
}
