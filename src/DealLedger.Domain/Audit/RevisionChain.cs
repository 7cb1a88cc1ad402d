using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Audit;

/// <summary>
/// The revisions of a term in reported order, each with its change from the last live revision before it: a
/// retracted or corrected value is listed, but the next one is compared with the value before it; a repeat
/// (restatement or corroboration, <see cref="Repeats"/>) has no change.
/// </summary>
public static class RevisionChain
{
    /// <summary>
    /// <paramref name="revisions"/> in log order (ties in reported date keep it); <paramref name="figure"/> is a
    /// revision's number, null when it has none (a period, a word, an undisclosed amount); <paramref name="repeat"/>
    /// its <see cref="Repeats"/> kind, null when it was not classified (a summary stored before repeats were).
    /// </summary>
    public static IReadOnlyList<(T Revision, Change? Change)> Of<T>(IEnumerable<T> revisions, Func<T, DateOnly> reportedOn,
        Func<T, Figure?> figure, Func<T, bool> isLive, Func<T, string?> repeat)
    {
        var chain = new List<(T, Change?)>();
        Figure? previous = null;
        foreach (var revision in revisions.OrderBy(reportedOn))
        {
            var current = figure(revision);
            var kind = repeat(revision);
            chain.Add((revision, kind is null || Repeats.IsChange(kind) ? Figures.Compare(previous, current) : null));
            if (isLive(revision))
            {
                previous = current;
            }
        }

        return chain;
    }
}
