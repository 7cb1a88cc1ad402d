using DealLedger.Api.Facts;
using DealLedger.Api.Streams;
using DealLedger.Domain.Sources;
using DealLedger.Projections.Deals;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace DealLedger.Api.Deals;

public static class DealEndpoints
{
    /// <summary>A deal's current summary, or as known on a date (<c>asOf</c>: facts reported on or before it).</summary>
    [WolverineGet("/deals/{slug}", OperationId = "GetDeal")]
    [Tags("Deals")]
    [ProducesResponseType<DealSummary>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Get(string slug, string? asOf, HttpContext context, IQuerySession session, CancellationToken ct)
    {
        IResult? problem = null;
        var date = Problems.Date(asOf, "asOf", ref problem);
        if (problem is not null)
        {
            return problem;
        }

        if (date is null)
        {
            var summary = await session.LoadAsync<DealSummary>(slug, ct);
            if (summary is null)
            {
                return Problems.NotFound("deal", slug);
            }

            context.Response.Headers.ETag = Etag.Of(summary.Version);
            return Results.Ok(summary);
        }

        var events = await StreamEvents.KnownOnAsync(session, slug, date.Value, ct);
        if (events.Count == 0)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "Unknown deal",
                $"No fact about deal '{slug}' had been reported by {date:yyyy-MM-dd}.");
        }

        DealSummary? known = null;
        foreach (var e in events)
        {
            known = DealSummaryProjection.Fold(known, slug, e);
        }

        known!.Version = (int)events[^1].Version;
        return Results.Ok(known);
    }

    /// <summary>Deals, filtered by party, kind and status, sorted, a page at a time (pass <c>next</c> back as <c>cursor</c>).</summary>
    [WolverineGet("/deals", OperationId = "ListDeals")]
    [Tags("Deals")]
    [ProducesResponseType<Page<DealSummary>>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<IResult> List(string? party, string? kind, string? status, string? sort, string? cursor, int? limit,
        IQuerySession session, CancellationToken ct)
    {
        var query = session.Query<DealSummary>().AsQueryable();
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

        IQueryable<DealSummary>? sorted = (sort ?? "slug") switch
        {
            "slug" => query.OrderBy(d => d.Id),
            "-lastReportedOn" => query.OrderByDescending(d => d.LastReportedOn).ThenBy(d => d.Id),
            "lastReportedOn" => query.OrderBy(d => d.LastReportedOn).ThenBy(d => d.Id),
            "title" => query.OrderBy(d => d.Title).ThenBy(d => d.Id),
            _ => null,
        };
        return sorted is null
            ? Problems.BadQuery("sort", $"'{sort}' is not one of: slug, title, lastReportedOn, -lastReportedOn")
            : await Paging.PageAsync(sorted, cursor, limit, ct);
    }

    /// <summary>Every fact recorded about a deal, in log order, with its source, its three times and who recorded it.</summary>
    [WolverineGet("/deals/{slug}/history", OperationId = "GetDealHistory")]
    [Tags("Deals")]
    [ProducesResponseType<IReadOnlyList<RecordedEvent>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> History(string slug, IQuerySession session, CancellationToken ct)
    {
        var summary = await session.LoadAsync<DealSummary>(slug, ct);
        return summary is null
            ? Problems.NotFound("deal", slug)
            : Results.Ok(await StreamEvents.ReadAsync(session, slug, ct));
    }
}
