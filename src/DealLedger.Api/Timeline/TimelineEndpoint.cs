using DealLedger.Projections.Deals;
using DealLedger.Projections.Estimates;
using DealLedger.Projections.Timeline;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace DealLedger.Api.Timeline;

public static class TimelineEndpoint
{
    /// <summary>
    /// Every fact in reported-date order with its source, optionally within [from, to] and about one party
    /// (its own facts, its deals' and its estimates'). Built asynchronously.
    /// </summary>
    [WolverineGet("/timeline", OperationId = "GetTimeline")]
    [Tags("Timeline")]
    [ProducesResponseType<Page<TimelineEntry>>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<IResult> Get(string? from, string? to, string? party, string? cursor, int? limit,
        IQuerySession session, CancellationToken ct)
    {
        IResult? problem = null;
        var start = Problems.Date(from, "from", ref problem);
        var end = Problems.Date(to, "to", ref problem);
        if (problem is not null)
        {
            return problem;
        }

        if (start > end)
        {
            return Problems.BadQuery("to", "must not be before 'from'");
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

        if (!string.IsNullOrEmpty(party))
        {
            var subjects = await SubjectsOfAsync(session, party, ct);
            query = query.Where(t => subjects.Contains(t.Subject));
        }

        return await Paging.PageAsync(query.OrderBy(t => t.ReportedOn).ThenBy(t => t.RecordedAt).ThenBy(t => t.Id), cursor, limit, ct);
    }

    private static async Task<string[]> SubjectsOfAsync(IQuerySession session, string party, CancellationToken ct)
    {
        var deals = await session.Query<DealSummary>().Where(d => d.Parties.Any(p => p.Party == party)).Select(d => d.Id).ToListAsync(ct);
        var estimates = await session.Query<EstimateHistory>().Where(e => e.Party == party).Select(e => e.Id).ToListAsync(ct);
        return [party, .. deals, .. estimates];
    }
}
