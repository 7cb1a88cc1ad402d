using DealLedger.Api.Admin;
using CsvHelper;
using DealLedger.Api.Audit;
using DealLedger.Api.Temporal;
using DealLedger.Projections.Deals;
using DealLedger.Projections.Estimates;
using DealLedger.Projections.Timeline;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace DealLedger.Api.Timeline;

/// <summary>One timeline entry, flat for CSV and NDJSON exports.</summary>
[CsvRecord]
public sealed partial record TimelineRow(
    string FactId,
    string Type,
    string Subject,
    long Sequence,
    DateOnly ReportedOn,
    string? Effective,
    DateTimeOffset RecordedAt,
    string? RecordedBy,
    string Publisher,
    string? Title,
    string? Url,
    string SourceKind,
    string? Language,
    string? Cites,
    string Summary);

public static class TimelineEndpoint
{
    /// <summary>
    /// Every fact in reported-date order with its source, optionally within [from, to] (reported dates) and
    /// about one party (its own facts, its deals' and its estimates'), on any temporal basis. Built
    /// asynchronously: the basis' position says how far the timeline has read the log.
    /// </summary>
    [WolverineGet("/timeline", OperationId = "GetTimeline")]
    [EndpointSummary("List facts in reported order")]
    [Tags("Timeline")]
    [ProducesResponseType<Page<TimelineEntry>>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<IResult> Get(string? from, string? to, string? party, string? cursor, int? limit,
        string? asOf, string? recordedAsOf, string? effectiveAt, string? position, string? format,
        HttpContext context, ServingReads reads, CancellationToken ct)
    {
        var session = reads.Session;
        var (query, basis, problem) = await FilterAsync(session, from, to, party, asOf, recordedAsOf, effectiveAt, position, ct);
        var (exportFormat, formatProblem) = Export.Negotiate(context, format);
        if ((problem ?? formatProblem) is { } bad)
        {
            return bad;
        }

        // An export is the whole filtered timeline, streamed from the database; JSON is paged.
        var withRecorders = Auth.RecorderNames.VisibleTo(context.User);
        return await Export.RowsAsync(context, exportFormat, Rows(query!, withRecorders, ct), "timeline",
            () => Paging.PageAsync(query!, cursor, limit, basis!, ct, withRecorders ? null : item => item["recordedBy"] = null));
    }

    private static async IAsyncEnumerable<TimelineRow> Rows(IQueryable<TimelineEntry> query, bool withRecorders,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var t in query.ToAsyncEnumerable(ct))
        {
            yield return new TimelineRow(t.Id, t.Type, t.Subject, t.Sequence, t.ReportedOn, t.Effective?.Text, t.RecordedAt, withRecorders ? t.RecordedBy : null,
                t.Source.Publisher, t.Source.Title, t.Source.Url, t.Source.Kind, t.Source.Language,
                t.Source.Cites.Count == 0 ? null : string.Join("; ", t.Source.Cites.Select(c => c.Publisher)), t.Summary);
        }
    }

    /// <summary>The timeline query for the parameters, in order, and its basis.</summary>
    public static async Task<(IQueryable<TimelineEntry>? Query, Basis? Basis, IResult? Problem)> FilterAsync(IQuerySession session,
        string? from, string? to, string? party, string? asOf, string? recordedAsOf, string? effectiveAt, string? position, CancellationToken ct)
    {
        var (temporal, problem) = TemporalQuery.Parse(asOf, recordedAsOf, effectiveAt, position);
        var start = Problems.Date(from, "from", ref problem);
        var end = Problems.Date(to, "to", ref problem);
        if (problem is not null)
        {
            return (null, null, problem);
        }

        if (start > end)
        {
            return (null, null, Problems.BadQuery("to", "must not be before 'from'"));
        }

        var query = session.Query<TimelineEntry>().AsQueryable();
        if (start is { } s)
        {
            query = query.Where(t => t.ReportedOn >= s);
        }

        if (end is { } e)
        {
            query = query.Where(t => t.ReportedOn <= e);
        }

        if (temporal!.AsOf is { } known)
        {
            query = query.Where(t => t.ReportedOn <= known);
        }

        if (temporal.RecordedAsOf is { } recorded)
        {
            query = query.Where(t => t.RecordedAt <= recorded);
        }

        if (temporal.EffectiveAt is { } effective)
        {
            query = query.Where(t => t.EffectiveFrom <= effective || t.AboutAnotherFact);
        }

        if (temporal.Position is { } pinned)
        {
            query = query.Where(t => t.Sequence <= pinned);
        }

        if (!string.IsNullOrEmpty(party))
        {
            var subjects = await SubjectsOfAsync(session, party, ct);
            query = query.Where(t => subjects.Contains(t.Subject));
        }

        var basis = temporal.BasisAt(await TemporalReads.ProgressOfAsync(session, "Timeline", ct));
        return (query.OrderBy(t => t.ReportedOn).ThenBy(t => t.RecordedAt).ThenBy(t => t.Id), basis, null);
    }

    private static async Task<string[]> SubjectsOfAsync(IQuerySession session, string party, CancellationToken ct)
    {
        var deals = await session.Query<DealSummary>().Where(d => d.Parties.Any(p => p.Party == party)).Select(d => d.Id).ToListAsync(ct);
        var estimates = await session.Query<EstimateHistory>().Where(e => e.Party == party).Select(e => e.Id).ToListAsync(ct);
        return [party, .. deals, .. estimates];
    }
}
