namespace DealLedger.Domain.Sources;

/// <summary>
/// The part every event carries: the client's fact id, when the source published it (reported time),
/// when it is true in the world (effective time) and the source. Recorded time and the recorder live in
/// Marten's event metadata, never here. <see cref="Corrects"/> names the earlier fact (same type, same
/// publisher) this one corrects.
/// </summary>
public sealed record FactInfo(string FactId, DateOnly ReportedOn, Effective? Effective, Source Source, string? Corrects = null)
{
    /// <summary>
    /// When the fact starts to hold for "as effective on" questions: its effective start, else (no effective
    /// time given, or an open start) the day it was reported.
    /// </summary>
    public DateOnly EffectiveFrom => Effective?.From ?? ReportedOn;
}

/// <summary>Implemented by every event: each one is a reported fact.</summary>
public interface IFact
{
    FactInfo Fact { get; }
}
