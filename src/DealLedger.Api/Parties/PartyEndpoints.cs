using DealLedger.Api.Admin;
using DealLedger.Api.Temporal;
using DealLedger.Domain.Parties;
using DealLedger.Projections.Deals;
using DealLedger.Projections.Parties;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace DealLedger.Api.Parties;

public static class PartyEndpoints
{
    /// <summary>
    /// A party's exposure: money out and money in (never added together) per currency and kind, in total and per
    /// counterparty, with precision kept and the facts behind each figure, and each deal's flow. Now (built
    /// asynchronously: the basis' position says how far it has read the log) or on any temporal basis (computed
    /// from the deals' own events by the same <see cref="PartyExposureProjection.Build"/>).
    /// </summary>
    [WolverineGet("/parties/{slug}", OperationId = "GetParty")]
    [EndpointSummary("Get a party's exposure")]
    [Tags("Parties")]
    [ProducesResponseType<PartyExposure>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Get(string slug, string? asOf, string? recordedAsOf, string? effectiveAt, string? position,
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
            return await StoredWholeAsync(slug, query, context, session, ct);
        }

        var (exposure, basis) = await ReadAsync(slug, query, session, serving, ct);
        return exposure is not null
            ? TemporalReads.WithBasis(context, exposure, basis)
            : query.IsCurrent
                ? Problems.NotFound("party", slug)
                : Problems.Status(StatusCodes.Status404NotFound, "Unknown party", $"Nothing about party '{slug}' is known on this basis.",
                    new Dictionary<string, object?> { ["basis"] = basis });
    }

    /// <summary>
    /// The party's exposure on the basis (null when nothing about it is known there), as <c>GET /parties/{slug}</c>
    /// answers it, and as the explorer's party page shows it. Now: the party's stored entries, one
    /// per deal and one for its name, in one indexed query, assembled by the projection's own rule (the basis' position
    /// says how far the read model has read the log). On any other basis: computed from the deals' own events by the
    /// same <see cref="PartyExposureProjection.Build"/>. Before version 3 serves, now is version 2's whole stored document.
    /// </summary>
    public static async Task<(PartyExposure? Exposure, Basis Basis)> ReadAsync(string slug, TemporalQuery query, IQuerySession session,
        uint serving, CancellationToken ct)
    {
        if (query.IsCurrent)
        {
            var basisNow = query.BasisAt(await TemporalReads.ProgressOfAsync(session, ReadModel, ct));
            if (serving < 3)
            {
                // Version 2 stored the whole answer per party (its properties camel-cased, as the store writes them).
                var stored = await session.Json.FindByIdAsync<PartyExposureEntry>(slug, ct);
                return (stored is null ? null : System.Text.Json.JsonSerializer.Deserialize<PartyExposure>(stored, System.Text.Json.JsonSerializerOptions.Web),
                    basisNow);
            }

            var entries = await session.Query<PartyExposureEntry>().Where(e => e.Party == slug).ToListAsync(ct);
            return (PartyExposureProjection.FromEntries(slug, entries), basisNow);
        }

        var (deals, basis) = await TemporalReads.DealsAsync(session, query, await TemporalReads.DealsOfAsync(session, slug, null, ct), ct);
        var (partyEvents, _, _) = await TemporalReads.StreamAsync(session, slug, query, ct);
        var name = partyEvents.Select(e => e.Data).OfType<PartyReported>().LastOrDefault()?.Name;
        var exposure = PartyExposureProjection.Build(slug, name, deals);
        return (exposure.Deals.Count == 0 && name is null ? null : exposure, basis);
    }

    /// <summary>The version of the read model the current answer is served from.</summary>
    public static uint ServingVersion(ReadModelVersions versions, ReadModelCatalog catalog) => versions.ServingOf(catalog.Find(ReadModel)!);

    private const string ReadModel = "PartyExposure";

    /// <summary>
    /// Before version 3 serves (a deployment building it beside version 2), the serving version's whole document per
    /// party is returned as it was stored: it already has the answer's shape.
    /// </summary>
    private static async Task<IResult> StoredWholeAsync(string slug, TemporalQuery query, HttpContext context, IQuerySession session,
        CancellationToken ct)
    {
        var basis = query.BasisAt(await TemporalReads.ProgressOfAsync(session, ReadModel, ct));
        return await session.Json.FindByIdAsync<PartyExposureEntry>(slug, ct) is { } stored
            ? TemporalReads.WithBasis(context, System.Text.Json.Nodes.JsonNode.Parse(stored)!, basis)
            : Problems.NotFound("party", slug);
    }
}
