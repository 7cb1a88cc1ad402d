using DealLedger.Api.Admin;
using DealLedger.Api.Facts;
using DealLedger.Api.Temporal;
using DealLedger.Projections.Estimates;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace DealLedger.Api.Estimates;

public static class EstimateEndpoints
{
    /// <summary>An estimate's revision chain, now or on any temporal basis (see <c>GET /deals/{slug}</c>).</summary>
    [WolverineGet("/estimates/{slug}", OperationId = "GetEstimate")]
    [EndpointSummary("Get an estimate and its revision chain")]
    [Tags("Estimates")]
    [ProducesResponseType<EstimateHistory>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Get(string slug, string? asOf, string? recordedAsOf, string? effectiveAt, string? position,
        HttpContext context, ServingReads reads, CancellationToken ct)
    {
        var session = reads.Session;
        var (query, problem) = TemporalQuery.Parse(asOf, recordedAsOf, effectiveAt, position);
        if (problem is not null)
        {
            return problem;
        }

        var (history, basis) = await TemporalReads.EstimateAsync(session, slug, query!, ct);
        if (history is null)
        {
            return query!.IsCurrent
                ? Problems.NotFound("estimate", slug)
                : Problems.Status(StatusCodes.Status404NotFound, "Unknown estimate", $"No value of estimate '{slug}' is known on this basis.",
                    new Dictionary<string, object?> { ["basis"] = basis });
        }

        if (query!.IsCurrent)
        {
            context.Response.Headers.ETag = Etag.Of(history.Version);
        }

        return TemporalReads.WithBasis(context, history, basis);
    }

    /// <summary>Estimates, filtered by party and metric, a page at a time.</summary>
    [WolverineGet("/estimates", OperationId = "ListEstimates")]
    [EndpointSummary("List estimates")]
    [Tags("Estimates")]
    [ProducesResponseType<Page<EstimateHistory>>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<IResult> List(string? party, string? metric, string? cursor, int? limit, ServingReads reads, CancellationToken ct)
    {
        var session = reads.Session;
        var query = session.Query<EstimateHistory>().AsQueryable();
        if (!string.IsNullOrEmpty(party))
        {
            query = query.Where(e => e.Party == party);
        }

        if (!string.IsNullOrEmpty(metric))
        {
            query = query.Where(e => e.Metric == metric);
        }

        var basis = TemporalQuery.Now.BasisAt(await TemporalReads.LogPositionAsync(session, ct));
        return await Paging.PageAsync(query.OrderBy(e => e.Id), cursor, limit, basis, ct);
    }
}
