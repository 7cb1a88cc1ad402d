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
        HttpContext context, ServingReads reads, ReadModelVersions versions, ReadModelCatalog catalog, CancellationToken ct)
    {
        var session = reads.Session;
        var (query, problem) = TemporalQuery.Parse(asOf, recordedAsOf, effectiveAt, position);
        if (problem is not null)
        {
            return problem;
        }

        if (query!.IsCurrent)
        {
            return await CurrentAsync(buyer, query, context, session, versions.ServingOf(catalog.Find(ReadModel)!), ct);
        }

        var (deals, basis) = await TemporalReads.AllDealsAsync(session, query, await TemporalReads.DealsOfAsync(session, buyer, "buyer", ct), ct);
        var built = CommitmentsByYearProjection.Build(buyer, deals);
        return built.Deals.Count == 0 && built.Unscheduled.Count == 0
            ? Problems.Status(StatusCodes.Status404NotFound, "Unknown buyer", $"No deal with '{buyer}' as buyer is known on this basis.",
                new Dictionary<string, object?> { ["basis"] = basis })
            : TemporalReads.WithBasis(context, built, basis);
    }

    private const string ReadModel = "CommitmentsByYear";

    /// <summary>
    /// The buyer's stored entries, one per deal, in one indexed query, assembled by the projection's own rule. Before
    /// version 3 serves (a deployment building it beside version 2), the serving version's whole document per buyer is
    /// returned as it was stored: it already has the answer's shape.
    /// </summary>
    private static async Task<IResult> CurrentAsync(string buyer, TemporalQuery query, HttpContext context, IQuerySession session, uint serving,
        CancellationToken ct)
    {
        var basis = query.BasisAt(await TemporalReads.ProgressOfAsync(session, ReadModel, ct));
        if (serving < 3)
        {
            return await session.Json.FindByIdAsync<CommitmentEntry>(buyer, ct) is { } stored
                ? TemporalReads.WithBasis(context, System.Text.Json.Nodes.JsonNode.Parse(stored)!, basis)
                : Problems.NotFound("buyer", buyer);
        }

        var entries = await session.Query<CommitmentEntry>().Where(e => e.Buyer == buyer).ToListAsync(ct);
        return CommitmentsByYearProjection.FromEntries(buyer, entries) is { } commitments
            ? TemporalReads.WithBasis(context, commitments, basis)
            : Problems.NotFound("buyer", buyer);
    }
}
