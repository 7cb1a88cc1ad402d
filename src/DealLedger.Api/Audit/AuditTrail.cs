using System.Globalization;
using DealLedger.Api.Admin;
using DealLedger.Api.Auth;
using DealLedger.Api.Streams;
using DealLedger.Api.Temporal;
using DealLedger.Domain.Sources;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace DealLedger.Api.Audit;

/// <summary>
/// A page of the ledger's own audit trail. <see cref="Next"/> is always the cursor to continue from (poll it
/// for new events); <see cref="AtEnd"/> says the page reached the high-water mark.
/// </summary>
public sealed record AuditPage(IReadOnlyList<RecordedEvent> Items, string Next, bool AtEnd, Basis Basis);

/// <summary>The audit trail's filters and paging, as <c>GET /events</c> takes them (unparsed: parsing them is part of the answer).</summary>
public sealed record AuditFilter(string? RecordedFrom, string? RecordedTo, string? RecordedBy, string? Type, string? Cursor, int? Limit);

/// <summary>
/// Every event with its metadata, in log order, a page at a time. Pages end at the log's high-water mark
/// (the async daemon's "every event below this is committed" mark), never beyond: an event still being
/// committed with a lower sequence number cannot appear behind a cursor that already passed it, so paging
/// is stable while writers keep writing.
/// </summary>
public static class AuditTrail
{
    /// <summary>
    /// Every event of the ledger with its metadata (type, stream, recorded time, recorder, correlation id), in log order,
    /// filtered by recorded time, recorder and event type, a page at a time; pages are stable while writers keep writing.
    /// </summary>
    [WolverineGet("/events", OperationId = "GetEvents")]
    [EndpointSummary("List the ledger's audit trail")]
    [Tags("Audit")]
    [ProducesResponseType<AuditPage>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    public static async Task<IResult> Get(string? recordedFrom, string? recordedTo, string? recordedBy, string? type, string? cursor, int? limit,
        HttpContext context, ServingReads reads, IConfiguration configuration, CancellationToken ct)
    {
        var (page, problem) = await ReadAsync(new AuditFilter(recordedFrom, recordedTo, recordedBy, type, cursor, limit),
            RecorderNames.VisibleTo(context.User), reads.Session, configuration, ct);
        return problem ?? Reads.ReadPosition.Answer(Results.Ok(page), page!.Basis);
    }

    /// <summary>
    /// A page of the trail for these filters, or the problem that answers them (401 for a recorder filter from a caller
    /// who may not see recorders, 400 for a malformed one): what <c>GET /events</c> answers, and the explorer's audit page shows.
    /// </summary>
    public static async Task<(AuditPage? Page, IResult? Problem)> ReadAsync(AuditFilter filter, bool withRecorders, IQuerySession session,
        IConfiguration configuration, CancellationToken ct)
    {
        var (recordedFrom, recordedTo, recordedBy, type, cursor, limit) = filter;
        if (!withRecorders && !string.IsNullOrEmpty(recordedBy))
        {
            // Otherwise an anonymous caller could test guessed key names one by one.
            return (null, Problems.Status(StatusCodes.Status401Unauthorized, "API key required",
                "Filtering by recorder needs an API key in the X-Api-Key header."));
        }

        IResult? problem = null;
        var from = TemporalQuery.Instant(recordedFrom, endOfDay: false, "recordedFrom", ref problem);
        var to = TemporalQuery.Instant(recordedTo, endOfDay: true, "recordedTo", ref problem);
        if (problem is not null)
        {
            return (null, problem);
        }

        if (limit is < 1 or > Paging.MaxLimit)
        {
            return (null, Problems.BadQuery("limit", $"must be between 1 and {Paging.MaxLimit}"));
        }

        long after = 0;
        if (!string.IsNullOrEmpty(cursor) && (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out after) || after < 0))
        {
            return (null, Problems.BadQuery("cursor", "is not a cursor this list returned (pass back the 'next' value as it is)"));
        }

        var highWater = await HighWaterMarkAsync(session, configuration, ct);
        var query = session.Events.QueryAllRawEvents().Where(e => e.Sequence > after && e.Sequence <= highWater);
        if (from is { } start)
        {
            query = query.Where(e => e.Timestamp >= start);
        }

        if (to is { } end)
        {
            query = query.Where(e => e.Timestamp <= end);
        }

        if (!string.IsNullOrEmpty(recordedBy))
        {
            query = query.Where(e => e.UserName == recordedBy);
        }

        if (!string.IsNullOrEmpty(type))
        {
            query = query.Where(e => e.EventTypeName == type);
        }

        var size = limit ?? Paging.DefaultLimit;
        var events = await query.OrderBy(e => e.Sequence).Take(size + 1).ToListAsync(ct);
        var page = events.Take(size).Where(e => e.Data is IFact).Select(e => StreamEvents.ToRecorded(e, withRecorders)).ToList();
        var atEnd = events.Count <= size;

        // At the end every event up to the high-water mark has been seen (filters included), so the next page starts there.
        var next = atEnd ? Math.Max(after, highWater) : events[size - 1].Sequence;
        return (new AuditPage(page, next.ToString(CultureInfo.InvariantCulture), atEnd, TemporalQuery.Now.BasisAt(highWater)), null);
    }

    /// <summary>
    /// The most recently recorded facts, newest first, up to the same high-water mark the trail's pages end at, without
    /// recorder names (for readers without a key, such as the explorer's home page).
    /// </summary>
    public static async Task<(IReadOnlyList<RecordedEvent> Facts, Basis Basis)> LatestAsync(IQuerySession session, IConfiguration configuration,
        int count, CancellationToken ct)
    {
        var highWater = await HighWaterMarkAsync(session, configuration, ct);
        var events = await session.Events.QueryAllRawEvents().Where(e => e.Sequence <= highWater)
            .OrderByDescending(e => e.Sequence).Take(count).ToListAsync(ct);
        return (events.Where(e => e.Data is IFact).Select(e => StreamEvents.ToRecorded(e, withRecorder: false)).ToList(),
            TemporalQuery.Now.BasisAt(highWater));
    }

    /// <summary>
    /// The daemon's high-water mark (0 until it has computed one). A node configured without a daemon has no
    /// such mark and reads up to the log's last sequence number: complete, but not stable under concurrent writes.
    /// </summary>
    private static async Task<long> HighWaterMarkAsync(IQuerySession session, IConfiguration configuration, CancellationToken ct)
    {
        if (configuration.GetValue("Projections:DaemonMode", JasperFx.Events.Daemon.DaemonMode.Solo) == JasperFx.Events.Daemon.DaemonMode.Disabled)
        {
            return await TemporalReads.LogPositionAsync(session, ct);
        }

        var states = await session.DocumentStore.Advanced.AllProjectionProgress(token: ct);
        return states.FirstOrDefault(s => s.ShardName == "HighWaterMark")?.Sequence ?? 0;
    }
}
