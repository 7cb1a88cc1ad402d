namespace DealLedger.Domain.Sources;

/// <summary>
/// What one report of a figure is to the chain before it (docs/audit.md, "Repeats"): the <see cref="First"/>
/// value; a <see cref="Revision"/> when the value differs from the previous live one; the same value again is a
/// <see cref="Restatement"/> from a publisher that already reported it and a <see cref="Corroboration"/> from
/// another. Only firsts and revisions carry a delta: repeats are never revisions.
/// </summary>
public static class Repeats
{
    public const string First = "first";
    public const string Revision = "revision";
    public const string Restatement = "restatement";
    public const string Corroboration = "corroboration";

    /// <param name="sameAsPrevious">Null when there is no previous live value; else whether this value equals it.</param>
    /// <param name="publisher">This report's publisher.</param>
    /// <param name="reportedThisValue">Publishers that reported the previous value since it last changed.</param>
    public static string Classify(bool? sameAsPrevious, string publisher, IEnumerable<string> reportedThisValue) => sameAsPrevious switch
    {
        null => First,
        false => Revision,
        true => reportedThisValue.Contains(publisher, StringComparer.Ordinal) ? Restatement : Corroboration,
    };

    /// <summary>True for the reports that change the figure.</summary>
    public static bool IsChange(string kind) => kind is First or Revision;

    /// <summary>
    /// Classifies every report of a chain, given in chain order (reported date, then log order), against the
    /// previous live value. Reports that no longer count (corrected, retracted) are classified against it too, but
    /// never become the previous value, and their publishers never make a later report a restatement.
    /// </summary>
    public static IReadOnlyList<string> OfChain<T>(IReadOnlyList<T> chain, Func<T, bool> isLive, Func<T, T, bool> same, Func<T, string> publisher)
    {
        var kinds = new string[chain.Count];
        var previous = default(T);
        var hasPrevious = false;
        var reportedThisValue = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < chain.Count; i++)
        {
            var report = chain[i];
            kinds[i] = Classify(hasPrevious ? same(report, previous!) : null, publisher(report), reportedThisValue);
            if (!isLive(report))
            {
                continue;
            }

            if (IsChange(kinds[i]))
            {
                reportedThisValue.Clear();
                previous = report;
                hasPrevious = true;
            }

            reportedThisValue.Add(publisher(report));
        }

        return kinds;
    }
}
