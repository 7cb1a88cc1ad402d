using DealLedger.Api.Temporal;
using DealLedger.Projections.Deals;
using Marten;

namespace DealLedger.Api.Deals;

/// <summary>A relation another deal reports to this one (the Oracle contract "substitutes" Stargate, seen from Stargate).</summary>
public sealed record IncomingRelation(string From, string? FromTitle, DealRelationView Relation);

/// <summary>
/// The relations other deals report to a deal. A relation is a fact of the deal that reports it, so the target's own
/// read model never holds it: the reporting deals are found by their stored relations, and on a past basis each is
/// folded as that basis saw it. A reported relation stays in its deal's list once reported (retracted or disputed
/// ones are marked, not removed), so the stored summaries name every deal that ever related to this one.
/// </summary>
public static class IncomingRelations
{
    public static async Task<IReadOnlyList<IncomingRelation>> OfAsync(IQuerySession session, string slug, TemporalQuery query, CancellationToken ct)
    {
        IReadOnlyList<DealSummary> reporters = await new DealFilter(null, null, null, slug).Apply(session.Query<DealSummary>()).ToListAsync(ct);
        if (!query.IsCurrent && reporters.Count > 0)
        {
            (reporters, _) = await TemporalReads.DealsAsync(session, query, [.. reporters.Select(d => d.Id)], ct);
        }

        return reporters.Where(d => d.Id != slug)
            .OrderBy(d => d.Id, StringComparer.Ordinal)
            .SelectMany(deal => deal.Relations.Where(r => r.Target == slug).Select(r => new IncomingRelation(deal.Id, deal.Title, r)))
            .ToList();
    }
}
