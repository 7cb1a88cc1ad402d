using DealLedger.Api.Admin;
using DealLedger.Api.Temporal;
using DealLedger.Projections.Sources;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace DealLedger.Api.Sources;

public static class SourceEndpoints
{
    /// <summary>Every publisher's scorecard: facts reported, first reports, later corroborated, disputed, corrected, retracted (async).</summary>
    [WolverineGet("/sources", OperationId = "ListSources")]
    [EndpointSummary("List publishers with their scorecards")]
    [Tags("Sources")]
    [ProducesResponseType<Page<SourceScorecard>>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<IResult> List(string? cursor, int? limit, ServingReads reads, CancellationToken ct)
    {
        var session = reads.Session;
        var basis = TemporalQuery.Now.BasisAt(await TemporalReads.ProgressOfAsync(session, "SourceScorecard", ct));
        return await Paging.PageAsync(session.Query<SourceScorecard>().OrderBy(s => s.Id), cursor, limit, basis, ct);
    }

    /// <summary>One publisher's scorecard (the publisher's name, URL-encoded).</summary>
    [WolverineGet("/sources/{publisher}", OperationId = "GetSource")]
    [EndpointSummary("Get one publisher's scorecard")]
    [Tags("Sources")]
    [ProducesResponseType<SourceScorecard>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Get(string publisher, HttpContext context, ServingReads reads, CancellationToken ct)
    {
        var session = reads.Session;
        var name = Uri.UnescapeDataString(publisher);
        return await session.LoadAsync<SourceScorecard>(name, ct) is { } card
            ? TemporalReads.WithBasis(context, card, TemporalQuery.Now.BasisAt(await TemporalReads.ProgressOfAsync(session, "SourceScorecard", ct)))
            : Problems.NotFound("source", name);
    }
}
