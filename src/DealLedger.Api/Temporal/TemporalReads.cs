using System.Text.Json;
using System.Text.Json.Nodes;
using DealLedger.Domain.Facts;
using DealLedger.Domain.Sources;
using DealLedger.Projections;
using DealLedger.Projections.Deals;
using DealLedger.Projections.Estimates;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.Options;

namespace DealLedger.Api.Temporal;

/// <summary>
/// Answers temporal questions by folding a stream's own events, filtered by the basis, with the same fold
/// the inline read model uses; the current state is served from the stored read model.
/// </summary>
public static class TemporalReads
{
    /// <summary>The events of one stream that belong to the answer, and the log position the answer is pinned at.</summary>
    public static async Task<(IReadOnlyList<IEvent> Events, Basis Basis, bool StreamExists)> StreamAsync(
        IQuerySession session, string slug, TemporalQuery query, CancellationToken ct)
    {
        var all = await StreamCache.For(session.DocumentStore).EventsAsync(session, slug, ct);
        var position = all.Count == 0 ? 0 : all.Where(e => query.Position is null || e.Sequence <= query.Position).Select(e => e.Sequence).DefaultIfEmpty(0).Max();
        return (all.Where(query.Includes).ToList(), query.BasisAt(position), all.Count > 0);
    }

    public static async Task<(DealSummary? Deal, Basis Basis)> DealAsync(IQuerySession session, string slug, TemporalQuery query, CancellationToken ct)
    {
        if (query.IsCurrent)
        {
            var batch = session.CreateBatchQuery();
            var summary = batch.Load<DealSummary>(slug);
            var state = batch.Events.FetchStreamState(slug);
            await batch.Execute(ct);
            var stored = await summary;
            return (stored is null ? null : await DealSummaries.ComposeAsync(session, stored, ct),
                query.BasisAt(await LastSequenceAsync(session, await state, ct)));
        }

        var (events, basis, _) = await StreamAsync(session, slug, query, ct);

        // An estimate or party slug is not a deal, whatever facts about facts its stream holds.
        var isDeal = events.Any(e => e.Data is IFact fact && FactTypes.Of(fact).Stream == StreamKind.Deal);
        return (isDeal ? FoldDeal(slug, events) : null, basis);
    }

    public static DealSummary? FoldDeal(string slug, IReadOnlyList<IEvent> events)
    {
        if (events.Count == 0)
        {
            return null;
        }

        var deal = DealSummaryProjection.Fold(null, slug, events);
        deal.Version = (int)events[^1].Version;
        return deal;
    }

    /// <summary>The estimate as the events tell it, or null when they hold none of its values.</summary>
    public static EstimateHistory? FoldEstimate(string slug, IReadOnlyList<IEvent> events)
    {
        if (events.Count == 0)
        {
            return null;
        }

        var history = EstimateHistoryProjection.Fold(null, slug, events);
        history.Version = (int)events[^1].Version;
        return history.Party is null ? null : history;
    }

    public static async Task<(EstimateHistory? Estimate, Basis Basis)> EstimateAsync(IQuerySession session, string slug, TemporalQuery query, CancellationToken ct)
    {
        if (query.IsCurrent)
        {
            var batch = session.CreateBatchQuery();
            var history = batch.Load<EstimateHistory>(slug);
            var state = batch.Events.FetchStreamState(slug);
            await batch.Execute(ct);
            return (await history, query.BasisAt(await LastSequenceAsync(session, await state, ct)));
        }

        var (events, basis, _) = await StreamAsync(session, slug, query, ct);
        return (FoldEstimate(slug, events), basis);
    }

    /// <summary>Every deal as the basis sees it, folded from the deal streams' events (one pass over the log).</summary>
    public static async Task<(IReadOnlyList<DealSummary> Deals, Basis Basis)> AllDealsAsync(IQuerySession session, TemporalQuery query,
        IReadOnlyCollection<string>? only, CancellationToken ct)
    {
        var ids = only ?? await session.Query<DealSummary>().Select(d => d.Id).ToListAsync(ct);
        var wanted = ids.ToHashSet(StringComparer.Ordinal);
        var raw = session.Events.QueryAllRawEvents().Where(e => e.StreamKey.IsOneOf(wanted.ToArray()));
        if (query.Position is { } pinned)
        {
            raw = raw.Where(e => e.Sequence <= pinned);
        }

        var events = await raw.OrderBy(e => e.Sequence).ToListAsync(ct);
        var deals = events.Where(query.Includes)
            .GroupBy(e => e.StreamKey!)
            .Select(g => FoldDeal(g.Key, g.ToList())!)
            .ToList();

        // The position is the last event this answer read, so the same position asks the same question.
        var position = query.Position ?? (events.Count == 0 ? 0 : events[^1].Sequence);
        return (deals, query.BasisAt(position));
    }

    /// <summary>How far an async read model has read the log (0 before its first run).</summary>
    public static async Task<long> ProgressOfAsync(IQuerySession session, string readModel, CancellationToken ct)
    {
        // The session's store knows which version of the read model it reads (the serving one).
        var shard = session.DocumentStore.Advanced.AllAsyncProjectionShardNames().FirstOrDefault(s => s.Name == readModel)?.Identity
            ?? readModel + ":All";
        var states = await session.DocumentStore.Advanced.AllProjectionProgress(token: ct);
        return states.FirstOrDefault(s => s.ShardName == shard)?.Sequence ?? 0;
    }

    /// <summary>
    /// The highest sequence number of a committed event. (The sequence's own counter is not: a lost race or a
    /// rejected import consumes numbers that never appear in the log.)
    /// </summary>
    public static async Task<long> LogPositionAsync(IQuerySession session, CancellationToken ct)
    {
        var last = await session.Events.QueryAllRawEvents().OrderByDescending(e => e.Sequence).Select(e => e.Sequence).Take(1).ToListAsync(ct);
        return last.Count == 0 ? 0 : last[0];
    }

    private static async Task<long> LastSequenceAsync(IQuerySession session, StreamState? state, CancellationToken ct)
    {
        if (state is null)
        {
            return 0;
        }

        var last = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamKey == state.Key && e.Version == state.Version)
            .Select(e => e.Sequence)
            .ToListAsync(ct);
        return last.Count == 0 ? 0 : last[0];
    }

    /// <summary>
    /// The deals a party is in now (in <paramref name="role"/> when given). Parties are only ever added to a deal, so
    /// these include the party's deals on any earlier basis.
    /// </summary>
    public static Task<IReadOnlyList<string>> DealsOfAsync(IQuerySession session, string party, string? role, CancellationToken ct)
    {
        var deals = role is null
            ? session.Query<DealSummary>().Where(d => d.Parties.Any(p => p.Party == party))
            : session.Query<DealSummary>().Where(d => d.Parties.Any(p => p.Party == party && p.Role == role));
        return deals.Select(d => d.Id).ToListAsync(ct);
    }

    /// <summary>The document as JSON with its basis added, so every answer says what it was computed on.</summary>
    public static IResult WithBasis(HttpContext context, object document, Basis basis)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var node = JsonSerializer.SerializeToNode(document, document.GetType(), options)!.AsObject();
        node["basis"] = JsonSerializer.SerializeToNode(basis, options);
        Reads.ReadPosition.Set(context, basis.Position);
        return Results.Json(node, options);
    }
}
