namespace DealLedger.Domain.Sources;

/// <summary>
/// The part every event carries: the client's fact id, when the source published it (reported time),
/// when it is true in the world (effective time) and the source. Recorded time and the recorder live in
/// Marten's event metadata, never here.
/// </summary>
public sealed record FactInfo(string FactId, DateOnly ReportedOn, Effective? Effective, Source Source);

/// <summary>Implemented by every event: each one is a reported fact.</summary>
public interface IFact
{
    FactInfo Fact { get; }
}
