using DealLedger.Projections.Parties;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace DealLedger.Api.Parties;

public static class PartyEndpoints
{
    /// <summary>
    /// A party's exposure: its deals by counterparty and role, with the latest disclosed values and totals per
    /// currency. Built asynchronously: it may trail the latest write by a moment.
    /// </summary>
    [WolverineGet("/parties/{slug}", OperationId = "GetParty")]
    [Tags("Parties")]
    [ProducesResponseType<PartyExposure>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Get(string slug, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<PartyExposure>(slug, ct) is { } exposure
            ? Results.Ok(exposure)
            : Problems.NotFound("party", slug);
}
