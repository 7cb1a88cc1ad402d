using DealLedger.Domain.Facts;
using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Temporal;

/// <summary>
/// Which facts a temporal answer is computed on: the three time axes it asks about and a log position to pin it
/// at, each null when not asked. A value type, so asking costs no allocation per event.
/// </summary>
/// <param name="AsOf">Reported time: only facts whose source published on or before this date.</param>
/// <param name="RecordedAsOf">Recorded time: only what the ledger itself held at this instant.</param>
/// <param name="EffectiveAt">Valid time: facts about the world that had started to hold by this date.</param>
/// <param name="Position">Only facts at or below this log sequence number.</param>
public readonly record struct Inclusion(DateOnly? AsOf, DateTimeOffset? RecordedAsOf, DateOnly? EffectiveAt, long? Position)
{
    /// <summary>
    /// Whether a fact, stored at <paramref name="sequence"/> in the log and recorded at <paramref name="recordedAt"/>
    /// (at the log's precision), belongs to the answer. Facts about other facts (corroborations, disputes,
    /// retractions) are knowledge, not the world: the effective filter does not apply to them.
    /// </summary>
    public bool Includes(IFact fact, long sequence, DateTimeOffset recordedAt) =>
        (Position is null || sequence <= Position)
        && (RecordedAsOf is null || recordedAt <= RecordedAsOf)
        && (AsOf is null || fact.Fact.ReportedOn <= AsOf)
        && (EffectiveAt is null || FactTypes.Of(fact).IsAboutAnotherFact || fact.Fact.EffectiveFrom <= EffectiveAt);
}
