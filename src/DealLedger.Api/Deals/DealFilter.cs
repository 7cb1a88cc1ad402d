using DealLedger.Projections.Deals;
using Marten;

namespace DealLedger.Api.Deals;

/// <summary>
/// Which deals a list shows: by party, kind and status, each optional. One home for the rule, so <c>GET /deals</c>
/// and the explorer's deal list never disagree; the stored query and the in-memory test (temporal bases) say the same.
/// </summary>
public sealed record DealFilter(string? Party, string? Kind, string? Status)
{
    public IQueryable<DealSummary> Apply(IQueryable<DealSummary> query)
    {
        // Locals, not properties, in the expressions: Marten reads them as the query's parameters.
        var (party, kind, status) = (Party, Kind, Status);
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

        return query;
    }

    public bool Matches(DealSummary deal) =>
        (string.IsNullOrEmpty(Party) || deal.Parties.Any(p => p.Party == Party))
        && (string.IsNullOrEmpty(Kind) || deal.Kind == Kind)
        && (string.IsNullOrEmpty(Status) || deal.Status == Status);
}
