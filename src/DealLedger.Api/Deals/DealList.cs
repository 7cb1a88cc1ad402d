using System.Text.Json;
using System.Text.Json.Nodes;
using DealLedger.Api.Temporal;
using DealLedger.Projections.Deals;
using Marten;
using Marten.Linq.CursorPaging;

namespace DealLedger.Api.Deals;

/// <summary>A page of deals as objects, with the cursor of the next page (null at the end) and the basis it was read on.</summary>
public sealed record DealListPage(IReadOnlyList<DealSummary> Items, string? Next, Basis Basis);

/// <summary>
/// The deal list of <c>GET /deals</c> as objects, for pages that render deals rather than pass JSON on: the same
/// filter, order, cursors and bases (a cursor from one works in the other), the same whole summaries.
/// </summary>
public static class DealList
{
    /// <summary>The page, or null when the cursor is not one this list gave out (for this basis).</summary>
    public static async Task<DealListPage?> PageAsync(IQuerySession session, DealFilter filter, DealOrder order, TemporalQuery temporal,
        string? cursor, int limit, CancellationToken ct)
    {
        if (!temporal.IsCurrent)
        {
            if (temporal.Position is null && Paging.PositionOf(cursor) is { } issuedAt)
            {
                temporal = temporal with { Position = issuedAt };
            }

            var (deals, listed, basis) = await TemporalReads.DealListingAsync(session, temporal, filter, ct);
            var matching = order.InMemory(deals.Where(filter.Matches)).ToList();
            var offset = 0L;
            if (!string.IsNullOrEmpty(cursor)
                && !(Paging.TryReadCursor(cursor, out var position, out offset) && position == basis.Position && offset <= int.MaxValue))
            {
                return null;
            }

            var next = offset + limit < matching.Count ? Paging.CursorAt(basis.Position, offset + limit) : null;
            return new DealListPage(await TemporalReads.WholeAsync(session, matching.Skip((int)offset).Take(limit).ToList(), listed, ct), next, basis);
        }

        var now = temporal.BasisAt(await TemporalReads.LogPositionAsync(session, ct));
        CursorPageResult page;
        try
        {
            page = await order.Stored(filter.Apply(session.Query<DealSummary>()))
                .ToJsonPageByCursorAsync(string.IsNullOrEmpty(cursor) ? null : cursor, limit, ct);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or JsonException)
        {
            return null;
        }

        // As GET /deals does: the stored documents name the page, the whole summaries fill it.
        var slugs = (JsonNode.Parse(page.ItemsJson) as JsonArray ?? []).OfType<JsonObject>().Select(i => (string)i["id"]!).ToList();
        var whole = (await DealSummaries.LoadManyAsync(session, slugs, ct)).ToDictionary(d => d.Id, StringComparer.Ordinal);
        return new DealListPage(slugs.Where(whole.ContainsKey).Select(s => whole[s]).ToList(), page.NextCursor, now);
    }
}
