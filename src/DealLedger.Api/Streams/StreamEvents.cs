using DealLedger.Api.Admin;
using DealLedger.Api.Auth;
using DealLedger.Api.Temporal;
using DealLedger.Domain.Facts;
using DealLedger.Domain.Sources;
using DealLedger.Projections.Timeline;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace DealLedger.Api.Streams;

/// <summary>
/// One event as the audit sees it: the fact (type, id, payload, source), its three times (effective and
/// reported from the payload, recorded from the log), who recorded it and under which correlation id.
/// </summary>
public sealed record RecordedEvent(
    long Sequence,
    long Version,
    Guid EventId,
    string Type,
    string FactId,
    string Subject,
    DateOnly ReportedOn,
    Effective? Effective,
    DateTimeOffset RecordedAt,
    string? RecordedBy,
    string? CorrelationId,
    Source Source,
    string Summary,
    object Data);

public static class StreamEvents
{
    /// <summary>
    /// The events of any stream (deal, estimate or party), raw, with their metadata, in stream order, a page at a
    /// time (pass <c>next</c> back as <c>cursor</c>).
    /// </summary>
    [WolverineGet("/streams/{slug}/events", OperationId = "GetStreamEvents")]
    [EndpointSummary("List a stream's raw events")]
    [Tags("Audit")]
    [ProducesResponseType<Page<RecordedEvent>>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static Task<IResult> Get(string slug, string? cursor, int? limit, HttpContext context, ServingReads reads, CancellationToken ct) =>
        PageAsync(context, reads.Session, slug, cursor, limit, () => Problems.NotFound("stream", slug), ct);

    /// <summary>
    /// A page of a stream's facts in version order. The first page pins the log position, and its cursor carries
    /// it with the last version listed, so the following pages answer on the same basis while facts keep arriving;
    /// each page is one indexed range read of the stream, however long the stream.
    /// </summary>
    public static async Task<IResult> PageAsync(HttpContext context, IQuerySession session, string slug, string? cursor, int? limit,
        Func<IResult> notFound, CancellationToken ct)
    {
        if (Paging.LimitProblem(limit) is { } tooMany)
        {
            return tooMany;
        }

        long position, after = 0;
        if (string.IsNullOrEmpty(cursor))
        {
            position = await TemporalReads.LogPositionAsync(session, ct);
        }
        else if (!Paging.TryReadCursor(cursor, out position, out after))
        {
            return Problems.BadQuery("cursor", "is not a cursor this list returned (pass back the 'next' value as it is)");
        }

        var size = limit ?? Paging.DefaultLimit;
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamKey == slug && e.Version > after && e.Sequence <= position)
            .OrderBy(e => e.Version)
            .Take(size + 1)
            .ToListAsync(ct);
        if (events.Count == 0 && after == 0)
        {
            return notFound();
        }

        var page = events.Take(size).ToList();
        var next = events.Count > size ? Paging.CursorAt(position, page[^1].Version) : null;
        return Paging.Json(context, page.Where(e => e.Data is IFact).Select(e => ToRecorded(e, RecorderNames.VisibleTo(context.User))).ToList(), next, new Basis(null, null, null, position));
    }

    public static RecordedEvent ToRecorded(IEvent e, bool withRecorder)
    {
        var fact = (IFact)e.Data;
        return new RecordedEvent(e.Sequence, e.Version, e.Id, FactTypes.Of(fact).Name, fact.Fact.FactId, e.StreamKey!,
            fact.Fact.ReportedOn, fact.Fact.Effective, e.Timestamp, withRecorder ? e.UserName : null, e.CorrelationId, fact.Fact.Source,
            TimelineProjection.Describe(fact), fact);
    }
}
