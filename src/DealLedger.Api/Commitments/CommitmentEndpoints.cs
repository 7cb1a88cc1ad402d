using DealLedger.Api.Admin;
using DealLedger.Api.Temporal;
using DealLedger.Projections.Commitments;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace DealLedger.Api.Commitments;

public static class CommitmentEndpoints
{
    /// <summary>
    /// A buyer's disclosed contract values spread over the contracts' years, by counterparty, with the facts behind
    /// them. Now (built asynchronously: the basis' position says how far it has read the log) or on any temporal
    /// basis (computed from the deals' own events).
    /// </summary>
    [WolverineGet("/commitments/{buyer}", OperationId = "GetCommitments")]
    [EndpointSummary("Get a buyer's commitments per year")]
    [Tags("Parties")]
    [ProducesResponseType<CommitmentsByYear>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Get(string buyer, string? asOf, string? recordedAsOf, string? effectiveAt, string? position,
        HttpContext context, ServingReads reads, CancellationToken ct)
    {
        var session = reads.Session;
        var (query, problem) = TemporalQuery.Parse(asOf, recordedAsOf, effectiveAt, position);
        if (problem is not null)
        {
            return problem;
        }

        if (query!.IsCurrent)
        {
            return await TemporalReads.StoredAsync<CommitmentsByYear>(context, session, buyer, "CommitmentsByYear", query,
                () => Problems.NotFound("buyer", buyer), ct);
        }

        var (deals, basis) = await TemporalReads.AllDealsAsync(session, query, await TemporalReads.DealsOfAsync(session, buyer, "buyer", ct), ct);
        var built = CommitmentsByYearProjection.Build(buyer, deals);
        return built.Deals.Count == 0 && built.Unscheduled.Count == 0
            ? Problems.Status(StatusCodes.Status404NotFound, "Unknown buyer", $"No deal with '{buyer}' as buyer is known on this basis.",
                new Dictionary<string, object?> { ["basis"] = basis })
            : TemporalReads.WithBasis(context, built, basis);
    }
}
