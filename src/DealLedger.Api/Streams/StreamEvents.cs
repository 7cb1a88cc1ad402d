using DealLedger.Api.Auth;
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
    /// <summary>Every event of any stream (deal, estimate or party), raw, with its metadata.</summary>
    [WolverineGet("/streams/{slug}/events", OperationId = "GetStreamEvents")]
    [Tags("Audit")]
    [ProducesResponseType<IReadOnlyList<RecordedEvent>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Get(string slug, HttpContext context, IQuerySession session, CancellationToken ct)
    {
        var events = await ReadAsync(session, slug, RecorderNames.VisibleTo(context.User), ct);
        return events.Count == 0 ? Problems.NotFound("stream", slug) : Results.Ok(events);
    }

    /// <param name="withRecorders">Whether the caller may see who recorded each fact (<see cref="RecorderNames"/>).</param>
    public static async Task<IReadOnlyList<RecordedEvent>> ReadAsync(IQuerySession session, string slug, bool withRecorders, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(slug, token: ct);
        return events.Where(e => e.Data is IFact).Select(e => ToRecorded(e, withRecorders)).ToList();
    }

    public static RecordedEvent ToRecorded(IEvent e, bool withRecorder)
    {
        var fact = (IFact)e.Data;
        return new RecordedEvent(e.Sequence, e.Version, e.Id, FactTypes.Of(fact).Name, fact.Fact.FactId, e.StreamKey!,
            fact.Fact.ReportedOn, fact.Fact.Effective, e.Timestamp, withRecorder ? e.UserName : null, e.CorrelationId, fact.Fact.Source,
            TimelineProjection.Describe(fact), fact);
    }
}
