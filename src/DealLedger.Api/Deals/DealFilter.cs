using DealLedger.Domain.Deals;
using DealLedger.Projections.Deals;
using Marten;

namespace DealLedger.Api.Deals;

/// <summary>
/// Which deals a list shows: by party, kind, status and a deal they report a relation to, each optional. One home for
/// the rule, so <c>GET /deals</c> and the explorer's deal list never disagree; the stored query and the in-memory test
/// (temporal bases) say the same.
/// </summary>
public sealed record DealFilter(string? Party, string? Kind, string? Status, string? RelatedTo = null)
{
    /// <summary>
    /// The parameter and the reason when a filter names a kind or status the fact contract does not know (a typo
    /// would otherwise list nothing, as if no deal matched), else null.
    /// </summary>
    public (string Parameter, string Reason)? Problem() =>
        !string.IsNullOrEmpty(Kind) && !DealVocabulary.Kinds.Contains(Kind)
            ? ("kind", $"'{Kind}' is not a deal kind ({string.Join(", ", DealVocabulary.Kinds.Order(StringComparer.Ordinal))})")
            : !string.IsNullOrEmpty(Status) && !DealVocabulary.Statuses.Contains(Status)
                ? ("status", $"'{Status}' is not a deal status ({string.Join(", ", DealVocabulary.Statuses.Order(StringComparer.Ordinal))})")
                : null;

    public IQueryable<DealSummary> Apply(IQueryable<DealSummary> query)
    {
        // Locals, not properties, in the expressions: Marten reads them as the query's parameters.
        var (party, kind, status, relatedTo) = (Party, Kind, Status, RelatedTo);
        if (!string.IsNullOrEmpty(party))
        {
            query = query.Where(d => d.Parties.Any(p => p.Party == party));
        }

        if (!string.IsNullOrEmpty(kind))
        {
            query = query.Where(d => d.Kind == kind);
        }

        if (!string.IsNullOrEmpty(status))
        {
            query = query.Where(d => d.Status == status);
        }

        if (!string.IsNullOrEmpty(relatedTo))
        {
            query = query.Where(d => d.Relations.Any(r => r.Target == relatedTo));
        }

        return query;
    }

    public bool Matches(DealSummary deal) =>
        (string.IsNullOrEmpty(Party) || deal.Parties.Any(p => p.Party == Party))
        && (string.IsNullOrEmpty(Kind) || deal.Kind == Kind)
        && (string.IsNullOrEmpty(Status) || deal.Status == Status)
        && (string.IsNullOrEmpty(RelatedTo) || deal.Relations.Any(r => r.Target == RelatedTo));
}
