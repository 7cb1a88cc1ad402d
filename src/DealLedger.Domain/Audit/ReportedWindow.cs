using DealLedger.Domain.Deals;
using DealLedger.Domain.Estimates;
using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Audit;

/// <summary>
/// A window of reported dates, both ends included. What became known in it is the subject as known on
/// <see cref="To"/> compared with the subject as known just before <see cref="From"/>, and the facts reported within it.
/// </summary>
public sealed record ReportedWindow(DateOnly From, DateOnly To)
{
    /// <summary>Known before the window opened.</summary>
    public bool IsBefore(IFact fact) => fact.Fact.ReportedOn < From;

    /// <summary>Known when the window closed.</summary>
    public bool IsKnownAtEnd(IFact fact) => fact.Fact.ReportedOn <= To;

    public bool Contains(IFact fact) => fact.Fact.ReportedOn >= From && fact.Fact.ReportedOn <= To;

    /// <summary>
    /// The report that made the subject known (its first deal or estimate report), when that happened in the window:
    /// none of <paramref name="facts"/> (the subject's, in log order) was reported before it.
    /// </summary>
    public IFact? FirstReport(IReadOnlyList<IFact> facts) =>
        facts.Any(IsBefore) ? null : facts.Where(Contains).FirstOrDefault(f => f is DealReported or EstimateReported);
}
