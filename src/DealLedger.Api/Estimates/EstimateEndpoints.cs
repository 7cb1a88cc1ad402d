using DealLedger.Api.Facts;
using DealLedger.Api.Streams;
using DealLedger.Projections.Estimates;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace DealLedger.Api.Estimates;

public static class EstimateEndpoints
{
    /// <summary>An estimate's revision chain, or the chain as known on a date (<c>asOf</c>).</summary>
    [WolverineGet("/estimates/{slug}", OperationId = "GetEstimate")]
    [Tags("Estimates")]
    [ProducesResponseType<EstimateHistory>(StatusCodes.Status200OK)]
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
            var history = await session.LoadAsync<EstimateHistory>(slug, ct);
            if (history is null)
            {
                return Problems.NotFound("estimate", slug);
            }

            context.Response.Headers.ETag = Etag.Of(history.Version);
            return Results.Ok(history);
        }

        var events = await StreamEvents.KnownOnAsync(session, slug, date.Value, ct);
        if (events.Count == 0)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "Unknown estimate",
                $"No value of estimate '{slug}' had been reported by {date:yyyy-MM-dd}.");
        }

        EstimateHistory? known = null;
        foreach (var e in events)
        {
            known = EstimateHistoryProjection.Fold(known, slug, e);
        }

        known!.Version = (int)events[^1].Version;
        return Results.Ok(known);
    }

    /// <summary>Estimates, filtered by party and metric, a page at a time.</summary>
    [WolverineGet("/estimates", OperationId = "ListEstimates")]
    [Tags("Estimates")]
    [ProducesResponseType<Page<EstimateHistory>>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public static Task<IResult> List(string? party, string? metric, string? cursor, int? limit, IQuerySession session, CancellationToken ct)
    {
        var query = session.Query<EstimateHistory>().AsQueryable();
        if (!string.IsNullOrEmpty(party))
        {
            query = query.Where(e => e.Party == party);
        }

        if (!string.IsNullOrEmpty(metric))
        {
            query = query.Where(e => e.Metric == metric);
        }

        return Paging.PageAsync(query.OrderBy(e => e.Id), cursor, limit, ct);
    }
}
