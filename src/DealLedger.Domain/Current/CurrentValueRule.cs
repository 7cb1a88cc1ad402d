using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Current;

/// <summary>
/// The one rule for "the current value" (docs/audit.md): among the live reports (not retracted, not
/// superseded by a correction), the latest reported wins; on the same reported date a filing beats a company
/// statement, which beats the press, which beats an analyst; then the later recorded wins.
/// </summary>
public static class CurrentValueRule
{
    public static int Rank(string sourceKind) => sourceKind switch
    {
        "filing" => 3,
        "company" => 2,
        "press" => 1,
        _ => 0,
    };

    /// <summary>
    /// Whether <paramref name="candidate"/>, seen after <paramref name="current"/> in log order, takes its place:
    /// the later reported date wins, then the higher-ranked source kind, then the candidate (the later recorded).
    /// </summary>
    public static bool Supersedes(FactRef candidate, FactRef? current) =>
        current is null || candidate.ReportedOn > current.ReportedOn
        || (candidate.ReportedOn == current.ReportedOn && Rank(candidate.Source.Kind) >= Rank(current.Source.Kind));

    /// <summary>Picks the current item; <paramref name="inRecordedOrder"/> must be in log order (ties go to the later one).</summary>
    public static T? Pick<T>(IEnumerable<T> inRecordedOrder, Func<T, FactRef> source) where T : class
    {
        T? current = null;
        foreach (var item in inRecordedOrder)
        {
            if (current is null || Supersedes(source(item), source(current)))
            {
                current = item;
            }
        }

        return current;
    }

    public static bool IsLive(IReadOnlyDictionary<string, FactStatus> statuses, string factId) =>
        !statuses.TryGetValue(factId, out var status) || status.State == FactStatus.Live;

    /// <summary>Two effective periods overlap; an unknown period overlaps everything, an open end reaches as far as it must.</summary>
    public static bool Overlap(Effective? a, Effective? b) =>
        a is null || b is null || ((a.From is null || b.To is null || a.From <= b.To) && (b.From is null || a.To is null || b.From <= a.To));
}
