using DealLedger.Projections.Deals;

namespace DealLedger.Api.Deals;

/// <summary>A deal list's order, for the stored query and for a list folded in memory (temporal bases), by its name.</summary>
public sealed record DealOrder(
    Func<IQueryable<DealSummary>, IQueryable<DealSummary>> Stored,
    Func<IEnumerable<DealSummary>, IEnumerable<DealSummary>> InMemory)
{
    public const string Default = "slug";

    public static readonly IReadOnlyDictionary<string, DealOrder> ByName = new Dictionary<string, DealOrder>(StringComparer.Ordinal)
    {
        [Default] = new(q => q.OrderBy(d => d.Id), d => d.OrderBy(x => x.Id, StringComparer.Ordinal)),
        ["title"] = new(q => q.OrderBy(d => d.Title).ThenBy(d => d.Id), d => d.OrderBy(x => x.Title, StringComparer.Ordinal).ThenBy(x => x.Id, StringComparer.Ordinal)),
        ["lastReportedOn"] = new(q => q.OrderBy(d => d.LastReportedOn).ThenBy(d => d.Id), d => d.OrderBy(x => x.LastReportedOn).ThenBy(x => x.Id, StringComparer.Ordinal)),
        ["-lastReportedOn"] = new(q => q.OrderByDescending(d => d.LastReportedOn).ThenBy(d => d.Id),
            d => d.OrderByDescending(x => x.LastReportedOn).ThenBy(x => x.Id, StringComparer.Ordinal)),
    };
}
