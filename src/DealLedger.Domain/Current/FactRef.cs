using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Current;

/// <summary>Where a value in a read model came from: the fact, its source and its three times.</summary>
public sealed record FactRef(
    string FactId,
    DateOnly ReportedOn,
    Effective? Effective,
    Source Source,
    DateTimeOffset RecordedAt)
{
    /// <summary><see cref="CurrentValueRule.Supersedes"/>: this report, seen after <paramref name="current"/> in log order, takes its place.</summary>
    public bool Supersedes(FactRef? current) => CurrentValueRule.Supersedes(this, current);
}
