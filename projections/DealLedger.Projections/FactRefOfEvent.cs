using DealLedger.Domain.Current;
using DealLedger.Domain.Sources;
using JasperFx.Events;

namespace DealLedger.Projections;

/// <summary>
/// The part of <see cref="FactRef"/> that needs the stored event (its recorded time): <c>FactRef.Of(fact, e)</c>
/// and <c>FactRef.RecordedTime(e)</c>, as static extension members so read models read as before.
/// </summary>
public static class FactRefOfEvent
{
    extension(FactRef)
    {
        public static FactRef Of(IFact fact, IEvent e) =>
            new(fact.Fact.FactId, fact.Fact.ReportedOn, fact.Fact.Effective, fact.Fact.Source, FactRef.RecordedTime(e));

        /// <summary>
        /// The event's recorded time at PostgreSQL's precision (microseconds). Inline projections see the
        /// in-process timestamp with 100 ns ticks, a rebuild sees the stored one: truncating makes both equal.
        /// </summary>
        public static DateTimeOffset RecordedTime(IEvent e) =>
            new(e.Timestamp.Ticks - (e.Timestamp.Ticks % 10), e.Timestamp.Offset);
    }
}
