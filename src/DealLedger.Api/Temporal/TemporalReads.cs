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

        return (FoldDealOrNull(slug, events), basis);
    }

    /// <summary>
    /// The deal the events tell, or null when none of them is a fact about a deal: an estimate or party slug is not a
    /// deal, and a deal whose own facts a basis leaves out is not one there either, whatever facts about facts remain.
    /// </summary>
    private static DealSummary? FoldDealOrNull(string slug, IReadOnlyList<IEvent> events) =>
        events.Any(e => e.Data is IFact fact && FactTypes.Of(fact).Stream == StreamKind.Deal) ? FoldDeal(slug, events) : null;

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

    /// <summary>These deals as the basis sees them, folded from their events (one query).</summary>
    public static async Task<(IReadOnlyList<DealSummary> Deals, Basis Basis)> DealsAsync(IQuerySession session, TemporalQuery query,
        IReadOnlyCollection<string> deals, CancellationToken ct)
    {
        var (folded, last) = await FoldDealsAsync(session, query, [.. deals], query.Position, ct);

        // The position is the last event this answer read, so the same position asks the same question.
        return (folded, query.BasisAt(query.Position ?? last));
    }

    /// <summary>The deals of these streams the basis knows, folded from their events up to the position, and the last sequence read.</summary>
    private static async Task<(List<DealSummary> Deals, long LastSequence)> FoldDealsAsync(IQuerySession session, TemporalQuery query,
        string[] streams, long? position, CancellationToken ct)
    {
        var raw = session.Events.QueryAllRawEvents().Where(e => e.StreamKey.IsOneOf(streams));
        if (position is { } pinned)
        {
            raw = raw.Where(e => e.Sequence <= pinned);
        }

        var events = await raw.OrderBy(e => e.Sequence).ToListAsync(ct);
        var deals = events.Where(query.Includes)
            .GroupBy(e => e.StreamKey!)
            .Select(g => FoldDealOrNull(g.Key, g.ToList()))
            .OfType<DealSummary>()
            .ToList();
        return (deals, events.Count == 0 ? 0 : events[^1].Sequence);
    }

    /// <summary>
    /// Every deal as the basis sees it, for a list to filter, order and page. A deal whose facts the basis all
    /// includes is read from its stored summary, only the fields a list filters and orders on (<c>Listed</c> names
    /// these: make a page's items whole with <see cref="WholeAsync"/>); the others are folded from their events. So
    /// a list's cost follows the deals the basis changes, not the log's size: <c>asOf</c> last month folds only the
    /// deals reported on since. One aggregate over the deal streams decides, erring towards folding.
    /// </summary>
    /// <param name="filter">
    /// The list's filter: its party and related deal narrow the deals read (a deal only ever gains parties and
    /// relations, so the stored summaries that have them name every deal that had them on an earlier basis).
    /// </param>
    public static async Task<(IReadOnlyList<DealSummary> Deals, IReadOnlySet<string> Listed, Basis Basis)> DealListingAsync(
        IQuerySession session, TemporalQuery query, Deals.DealFilter filter, CancellationToken ct)
    {
        var position = query.Position ?? await LogPositionAsync(session, ct);
        var narrowed = !string.IsNullOrEmpty(filter.Party) || !string.IsNullOrEmpty(filter.RelatedTo);
        var candidates = narrowed ? new Deals.DealFilter(filter.Party, null, null, filter.RelatedTo).Apply(session.Query<DealSummary>()) : session.Query<DealSummary>();
        var listed = await candidates
            .Select(d => new DealSummary
            {
                Id = d.Id, Version = d.Version, Title = d.Title, Kind = d.Kind, Status = d.Status, LastReportedOn = d.LastReportedOn,
                Parties = d.Parties, Relations = d.Relations,
            })
            .ToListAsync(ct);
        var verdicts = await UntouchedAsync(session, listed.Select(d => d.Id).ToArray(), narrowed, query, position, ct);

        // A summary stored after the aggregate read its stream (a fact arrived since) is past the basis: folded too.
        var kept = listed.Where(d => verdicts.TryGetValue(d.Id, out var v) && v.Untouched && v.Version == d.Version).ToList();
        var keptIds = kept.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var fold = verdicts.Keys.Where(id => !keptIds.Contains(id)).ToArray();

        var deals = fold.Length == 0 ? [] : (await FoldDealsAsync(session, query, fold, position, ct)).Deals;
        deals.AddRange(kept);
        return (deals, keptIds, query.BasisAt(position));
    }

    /// <summary>The whole summaries of a page of <see cref="DealListingAsync"/>, in its order.</summary>
    public static async Task<IReadOnlyList<DealSummary>> WholeAsync(IQuerySession session, IReadOnlyList<DealSummary> page,
        IReadOnlySet<string> listed, CancellationToken ct)
    {
        var ids = page.Where(d => listed.Contains(d.Id)).Select(d => d.Id).ToList();
        var stored = ids.Count == 0 ? [] : (await session.LoadManyAsync<DealSummary>(ct, ids)).ToDictionary(d => d.Id, StringComparer.Ordinal);
        var whole = new List<DealSummary>(page.Count);
        foreach (var deal in page)
        {
            if (!listed.Contains(deal.Id))
            {
                whole.Add(deal);
            }
            else if (stored.TryGetValue(deal.Id, out var full) && full.Version == deal.Version)
            {
                whole.Add(await DealSummaries.ComposeAsync(session, full, ct));
            }
            else
            {
                // Written since the list was read: the version the list saw, from the stream.
                var events = await StreamCache.For(session.DocumentStore).EventsAsync(session, deal.Id, ct);
                whole.Add(FoldDeal(deal.Id, events.Where(e => e.Version <= deal.Version).ToList())!);
            }
        }

        return whole;
    }

    /// <summary>
    /// For each deal stream (of <paramref name="streams"/>; only those are read when <paramref name="onlyThese"/>) with
    /// events up to <paramref name="position"/>: its last version there, and whether the basis surely includes every
    /// one of those events. "Surely" reads the fact's dates from the stored JSON, so any doubt (a missing date, a fact
    /// about another fact on the effective axis) answers false and the deal is folded.
    /// The recorded bound is cut to PostgreSQL's microseconds, the precision of a fact's recorded time.
    /// </summary>
    private static async Task<Dictionary<string, (long Version, bool Untouched)>> UntouchedAsync(IQuerySession session,
        string[] streams, bool onlyThese, TemporalQuery query, long position, CancellationToken ct)
    {
        var schema = session.DocumentStore.Options.Events.DatabaseSchemaName;
        var recordedAsOf = query.RecordedAsOf is { } r ? new DateTimeOffset(r.UtcTicks - (r.UtcTicks % 10), TimeSpan.Zero) : (DateTimeOffset?)null;
        await using var connection = (Npgsql.NpgsqlConnection)session.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new Npgsql.NpgsqlCommand($$"""
            select stream_id, max(version), bool_and(included)
            from (
                select stream_id, version, coalesce(
                    ($2::timestamptz is null or "timestamp" <= $2)
                    and ($3::text is null or data->'fact'->>'reportedOn' <= $3)
                    and ($4::text is null or data->'fact'->>'effectiveFrom' <= $4), false) as included
                from {{schema}}.mt_events
                where seq_id <= $1 and not is_archived and ($5::text[] is null or stream_id = any($5))
                offset 0) e
            group by stream_id
            """, connection);
        command.Parameters.Add(new() { Value = position });
        command.Parameters.Add(new() { Value = (object?)recordedAsOf ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)query.AsOf?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)query.EffectiveAt?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = onlyThese ? streams : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });

        var deals = streams.ToHashSet(StringComparer.Ordinal);
        var verdicts = new Dictionary<string, (long, bool)>(streams.Length, StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (deals.Contains(reader.GetString(0)))
            {
                verdicts[reader.GetString(0)] = (reader.GetInt64(1), reader.GetBoolean(2));
            }
        }

        return verdicts;
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
