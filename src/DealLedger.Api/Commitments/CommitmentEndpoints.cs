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

        var serving = ServingVersion(versions, catalog);
        if (query!.IsCurrent && serving < 3)
        {
            return await StoredWholeAsync(buyer, query, context, session, ct);
        }

        var (commitments, basis) = await ReadAsync(buyer, query, session, serving, ct);
        return commitments is not null
            ? TemporalReads.WithBasis(context, commitments, basis)
            : query.IsCurrent
                ? Problems.NotFound("buyer", buyer)
                : Problems.Status(StatusCodes.Status404NotFound, "Unknown buyer", $"No deal with '{buyer}' as buyer is known on this basis.",
                    new Dictionary<string, object?> { ["basis"] = basis });
    }

    /// <summary>
    /// The buyer's commitments on the basis (null when no deal with it as buyer is known there), as
    /// <c>GET /commitments/{buyer}</c> answers it, and as the explorer's party page shows it. Now:
    /// the buyer's stored entries, one per deal, in one indexed query, assembled by the projection's own rule. On any
    /// other basis: computed from the deals' own events by the same <see cref="CommitmentsByYearProjection.Build"/>. Before
    /// version 3 serves, now is version 2's whole stored document.
    /// </summary>
    public static async Task<(CommitmentsByYear? Commitments, Basis Basis)> ReadAsync(string buyer, TemporalQuery query, IQuerySession session,
        uint serving, CancellationToken ct)
    {
        if (query.IsCurrent)
        {
            var basisNow = query.BasisAt(await TemporalReads.ProgressOfAsync(session, ReadModel, ct));
            if (serving < 3)
            {
                // Version 2 stored the whole answer per buyer (its properties camel-cased, as the store writes them).
                var stored = await session.Json.FindByIdAsync<CommitmentEntry>(buyer, ct);
                return (stored is null ? null : System.Text.Json.JsonSerializer.Deserialize<CommitmentsByYear>(stored, System.Text.Json.JsonSerializerOptions.Web),
                    basisNow);
            }

            var entries = await session.Query<CommitmentEntry>().Where(e => e.Buyer == buyer).ToListAsync(ct);
            return (CommitmentsByYearProjection.FromEntries(buyer, entries), basisNow);
        }

        var (deals, basis) = await TemporalReads.DealsAsync(session, query, await TemporalReads.DealsOfAsync(session, buyer, "buyer", ct), ct);
        var built = CommitmentsByYearProjection.Build(buyer, deals);
        return (built.Deals.Count == 0 && built.Unscheduled.Count == 0 ? null : built, basis);
    }

    /// <summary>The version of the read model the current answer is served from.</summary>
    public static uint ServingVersion(ReadModelVersions versions, ReadModelCatalog catalog) => versions.ServingOf(catalog.Find(ReadModel)!);

    private const string ReadModel = "CommitmentsByYear";

    /// <summary>
    /// Before version 3 serves (a deployment building it beside version 2), the serving version's whole document per
    /// buyer is returned as it was stored: it already has the answer's shape.
    /// </summary>
    private static async Task<IResult> StoredWholeAsync(string buyer, TemporalQuery query, HttpContext context, IQuerySession session,
        CancellationToken ct)
    {
        var basis = query.BasisAt(await TemporalReads.ProgressOfAsync(session, ReadModel, ct));
        return await session.Json.FindByIdAsync<CommitmentEntry>(buyer, ct) is { } stored
            ? TemporalReads.WithBasis(context, System.Text.Json.Nodes.JsonNode.Parse(stored)!, basis)
            : Problems.NotFound("buyer", buyer);
    }
}
