using DealLedger.Api.Admin;
using System.Text.Json;
using System.Text.Json.Nodes;
using DealLedger.Api.Facts;
using DealLedger.Api.Reads;
using DealLedger.Api.Streams;
using DealLedger.Api.Temporal;
using DealLedger.Domain.Sources;
using DealLedger.Projections.Deals;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Wolverine.Http;

namespace DealLedger.Api.Deals;

public static class DealEndpoints
{
    /// <summary>
    /// A deal's summary: now, or as known on a date (<c>asOf</c>: facts reported by then), as the ledger held
    /// it at an instant (<c>recordedAsOf</c>), as the world was on a date (<c>effectiveAt</c>), pinned at a
    /// log <c>position</c>, or any combination. The answer states its basis.
    /// </summary>
    [WolverineGet("/deals/{slug}", OperationId = "GetDeal")]
    [EndpointSummary("Get a deal")]
    [Tags("Deals")]
    [ProducesResponseType<DealSummary>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Get(string slug, string? asOf, string? recordedAsOf, string? effectiveAt, string? position,
        HttpContext context, ServingReads reads, CurrentDeals current, CancellationToken ct)
    {
        var (query, problem) = TemporalQuery.Parse(asOf, recordedAsOf, effectiveAt, position);
        if (problem is not null)
        {
            return problem;
        }

        if (query!.IsCurrent)
        {
            if (await current.GetAsync(reads, context, slug, ct) is not { } answer)
            {
                return Problems.NotFound("deal", slug);
            }

            context.Response.Headers.ETag = Etag.Of(answer.Version);
            ReadPosition.Set(context, answer.Position);
            return Results.Bytes(answer.Json, "application/json");
        }

        var (deal, basis) = await TemporalReads.DealAsync(reads.Session, slug, query!, ct);
        return deal is null
            ? Problems.Status(StatusCodes.Status404NotFound, "Unknown deal", $"No fact about deal '{slug}' is known on this basis.",
                new Dictionary<string, object?> { ["basis"] = basis })
            : TemporalReads.WithBasis(context, deal, basis);
    }

    /// <summary>
    /// Deals, filtered by party, kind, status and a deal they report a relation to, sorted, a page at a time (pass
    /// <c>next</c> back as <c>cursor</c>), now or on any temporal basis (<c>asOf</c>, <c>recordedAsOf</c>,
    /// <c>effectiveAt</c>, <c>position</c>).
    /// </summary>
    [WolverineGet("/deals", OperationId = "ListDeals")]
    [EndpointSummary("List deals")]
    [Tags("Deals")]
    [ProducesResponseType<Page<DealSummary>>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<IResult> List(string? party, string? kind, string? status, string? relatedTo, string? sort, string? cursor, int? limit,
        string? asOf, string? recordedAsOf, string? effectiveAt, string? position,
        HttpContext context, ServingReads reads, CancellationToken ct)
    {
        var session = reads.Session;
        var (temporal, problem) = TemporalQuery.Parse(asOf, recordedAsOf, effectiveAt, position);
        if (problem is not null)
        {
            return problem;
        }

        if (!DealOrder.ByName.TryGetValue(sort ?? DealOrder.Default, out var order))
        {
            return Problems.BadQuery("sort", $"'{sort}' is not one of: {string.Join(", ", DealOrder.ByName.Keys)}");
        }

        var filter = new DealFilter(party, kind, status, relatedTo);
        if (filter.Problem() is { } bad)
        {
            return Problems.BadQuery(bad.Parameter, bad.Reason);
        }

        if (!temporal!.IsCurrent)
        {
            if (Paging.LimitProblem(limit) is { } tooMany)
            {
                return tooMany;
            }

            // The explorer's list, as objects: the same filter, order, cursors and basis.
            var page = await DealList.PageAsync(session, filter, order, temporal, cursor, limit ?? Paging.DefaultLimit, ct);
            return page is null
                ? Problems.BadQuery("cursor", "is not a cursor this list returned for this basis (pass back 'next' with the same parameters)")
                : Paging.Json(context, page.Items, page.Next, page.Basis);
        }

        var query = filter.Apply(session.Query<DealSummary>());
        var now = temporal.BasisAt(await TemporalReads.LogPositionAsync(session, ct));
        var options = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        return await Paging.PageAsync(order.Stored(query), cursor, limit, now, ct, complete: items => WholeAsync(session, items, options, ct));
    }

    /// <summary>
    /// Each stored summary of a page replaced by the whole summary, in the JSON of every other answer
    /// (<see cref="ResponseJson"/>): the same as <c>GET /deals/{slug}</c> without its basis, and as the temporal list's
    /// items. Marten's own JSON would add what answers leave out: each term's reports and the stored-only last event id.
    /// </summary>
    private static async Task WholeAsync(IQuerySession session, JsonArray items, JsonSerializerOptions options, CancellationToken ct)
    {
        var slugs = items.OfType<JsonObject>().Select(i => (string)i["id"]!).ToList();
        var whole = (await DealSummaries.LoadManyAsync(session, slugs, ct)).ToDictionary(d => d.Id, StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is JsonObject item && whole.TryGetValue((string)item["id"]!, out var deal))
            {
                items[i] = JsonSerializer.SerializeToNode(deal, options);
            }
        }
    }

    /// <summary>
    /// Every fact recorded about a deal, in log order, with its source, its three times and who recorded it, a page
    /// at a time (pass <c>next</c> back as <c>cursor</c>).
    /// </summary>
    [WolverineGet("/deals/{slug}/history", OperationId = "GetDealHistory")]
    [EndpointSummary("List a deal's facts")]
    [Tags("Deals")]
    [ProducesResponseType<Page<RecordedEvent>>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> History(string slug, string? cursor, int? limit, HttpContext context, ServingReads reads, CancellationToken ct)
    {
        var session = reads.Session;
        var summary = await session.LoadAsync<DealSummary>(slug, ct);
        return summary is null
            ? Problems.NotFound("deal", slug)
            : await StreamEvents.PageAsync(context, session, slug, cursor, limit, () => Problems.NotFound("deal", slug), ct);
    }
}
