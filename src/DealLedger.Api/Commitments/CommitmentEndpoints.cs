using DealLedger.Api.Admin;
using DealLedger.Api.Temporal;
using DealLedger.Projections.Commitments;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace DealLedger.Api.Commitments;

public static class CommitmentEndpoints
{
    /// <summary>A buyer's disclosed contract values spread over the contracts' years, by counterparty, with the facts behind them (async).</summary>
    [WolverineGet("/commitments/{buyer}", OperationId = "GetCommitments")]
    [Tags("Parties")]
    [ProducesResponseType<CommitmentsByYear>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Get(string buyer, HttpContext context, ServingReads reads, CancellationToken ct) =>
        await reads.Session.LoadAsync<CommitmentsByYear>(buyer, ct) is { } commitments
            ? TemporalReads.WithBasis(context, commitments,
                TemporalQuery.Now.BasisAt(await TemporalReads.ProgressOfAsync(reads.Session, "CommitmentsByYear", ct)))
            : Problems.NotFound("buyer", buyer);
}
