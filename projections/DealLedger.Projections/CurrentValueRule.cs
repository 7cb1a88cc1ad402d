using DealLedger.Domain.Sources;

namespace DealLedger.Projections;

/// <summary>
/// What a later fact said about an earlier one. Only facts that were corroborated, disputed, corrected or
/// retracted get a status; any other fact is simply live.
/// </summary>
public sealed class FactStatus
{
    public const string Live = "live";
    public const string Corrected = "corrected";
    public const string Retracted = "retracted";

    public string State { get; set; } = Live;
    public string? CorrectedBy { get; set; }
    public string? RetractedBy { get; set; }
    public List<string> CorroboratedBy { get; set; } = [];
    public List<string> DisputedBy { get; set; } = [];
}

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

    /// <summary>Picks the current item; <paramref name="inRecordedOrder"/> must be in log order (ties go to the later one).</summary>
    public static T? Pick<T>(IEnumerable<T> inRecordedOrder, Func<T, FactRef> source) where T : class =>
        inRecordedOrder.OrderBy(x => source(x).ReportedOn).ThenBy(x => Rank(source(x).Source.Kind)).LastOrDefault();

    public static bool IsLive(IReadOnlyDictionary<string, FactStatus> statuses, string factId) =>
        !statuses.TryGetValue(factId, out var status) || status.State == FactStatus.Live;

    /// <summary>Two effective periods overlap; an unknown period overlaps everything.</summary>
    public static bool Overlap(Effective? a, Effective? b) =>
        a is null || b is null || ((a.From is null || b.To is null || a.From <= b.To) && (b.From is null || a.To is null || b.From <= a.To));
}
