using System.Runtime.CompilerServices;
using DealLedger.Domain.Current;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.Caching.Memory;

namespace DealLedger.Projections.Deals;

/// <summary>
/// Deal summaries as answers give them: the stored document (current values, bounded in size) with the per-report
/// history the fold keeps (every report of every term, milestone reports, status history, statuses of facts, each
/// source's view when sources conflict) put back. The whole summary of each recently written or read deal is kept
/// in memory with the version and the id of the last event it was folded to. It is used when the stored document
/// names that event (no read at all); when the stream has grown since (another node wrote), only the newer events
/// are read and folded onto it; otherwise (cold, evicted, another ledger, or a write that never committed, whose
/// event id no stored document has) the deal's events are folded again. So a write folds only its new facts, and
/// stores a document whose size does not grow with the deal's history.
/// </summary>
public sealed class DealSummaries : IDisposable
{
    /// <summary>
    /// The memory for kept whole summaries per store, in megabytes as <see cref="EstimatedBytes"/> counts them, for
    /// stores not given their own (<see cref="Configure"/>). The API sets it from <c>Projections:WholeSummariesMegabytes</c>.
    /// </summary>
    public static long DefaultMegabytes { get; set; } = 64;

    /// <summary>
    /// Estimated memory per fact folded into a kept summary: its report (value, source and the event's strings it
    /// holds on to) and its share of the lists. Measured on the seeded generator's deals (docs/read-models.md).
    /// </summary>
    public const int BytesPerFact = 700;

    /// <summary>Estimated memory of a kept summary before its facts: the summary, its terms and lists, the cache entry.</summary>
    public const int BytesPerSummary = 2_500;

    private static readonly ConditionalWeakTable<IDocumentStore, DealSummaries> Caches = new();

    private readonly MemoryCache _whole;

    private DealSummaries(long bytes)
    {
        LimitBytes = Math.Max(bytes, 1);
        _whole = new(new MemoryCacheOptions { SizeLimit = LimitBytes });
    }

    /// <summary>The most this cache keeps, in bytes as <see cref="EstimatedBytes"/> counts them.</summary>
    public long LimitBytes { get; }

    public static DealSummaries For(IDocumentStore store) => Caches.GetValue(store, _ => new DealSummaries(DefaultMegabytes * 1024 * 1024));

    /// <summary>Gives a store a cache of its own size; whole summaries kept so far for it are dropped.</summary>
    public static void Configure(IDocumentStore store, long bytes) => Caches.AddOrUpdate(store, new DealSummaries(bytes));

    /// <summary>What keeping this whole summary is counted as: <see cref="BytesPerSummary"/> plus <see cref="BytesPerFact"/> a fact.</summary>
    public static long EstimatedBytes(DealSummary deal) => BytesPerSummary + ((long)BytesPerFact * deal.FactCount);

    /// <summary>The deal's whole summary, or null when there is no such deal.</summary>
    public static async Task<DealSummary?> LoadAsync(IQuerySession session, string slug, CancellationToken ct)
    {
        var stored = await session.LoadAsync<DealSummary>(slug, ct);
        return stored is null ? null : await ComposeAsync(session, stored, ct);
    }

    /// <summary>The whole summaries of those of these deals that exist.</summary>
    public static async Task<IReadOnlyList<DealSummary>> LoadManyAsync(IQuerySession session, IReadOnlyCollection<string> slugs, CancellationToken ct)
    {
        var stored = await session.LoadManyAsync<DealSummary>(ct, slugs);
        var whole = new List<DealSummary>(stored.Count);
        foreach (var deal in stored)
        {
            whole.Add(await ComposeAsync(session, deal, ct));
        }

        return whole;
    }

    /// <summary>The whole summary of a stored one, at the stored one's version (a copy the caller may change).</summary>
    public static async Task<DealSummary> ComposeAsync(IQuerySession session, DealSummary stored, CancellationToken ct)
    {
        var whole = Copy(await For(session.DocumentStore).AtAsync(session, stored.Id, stored.Version, stored.LastEventId, ct) ?? stored);
        whole.LastEventId = null;
        return whole;
    }

    /// <summary>
    /// The whole summary at this version of the deal's stream (null when the stream holds no such version); shared,
    /// never to be changed: fold onto a <see cref="Fork"/>.
    /// </summary>
    /// <param name="lastEvent">The id of the event at that version when the caller knows it (the stored document's), else it is read.</param>
    public async Task<DealSummary?> AtAsync(IQuerySession session, string slug, long version, Guid? lastEvent, CancellationToken ct)
    {
        if (version <= 0)
        {
            return null;
        }

        if (_whole.TryGetValue(slug, out Entry? entry) && entry!.Version == version
            && (lastEvent is not null ? entry.LastEvent == lastEvent : await IsLastAsync(session, slug, version, entry.LastEvent, ct)))
        {
            return entry.Deal;
        }

        // Kept at an older version (another node wrote since): fold only the events after it, if it is still that stream.
        if (entry is not null && entry.Version < version
            && await session.Events.FetchStreamAsync(slug, version: version, fromVersion: entry.Version, token: ct) is { Count: > 1 } added
            && added[0].Version == entry.Version && added[0].Id == entry.LastEvent && added[^1].Version == version)
        {
            var caughtUp = DealSummaryProjection.Fold(Fork(entry.Deal), slug, added.Skip(1));
            caughtUp.Version = (int)version;
            Keep(caughtUp, added[^1]);
            return caughtUp;
        }

        var events = await session.Events.FetchStreamAsync(slug, version: version, token: ct);
        if (events.Count == 0 || events[^1].Version != version)
        {
            return null;
        }

        var deal = DealSummaryProjection.Fold(null, slug, events);
        deal.Version = (int)version;
        Keep(deal, events[^1]);
        return deal;
    }

    /// <summary>Whether the stream's event at this version is this one (a document stored before the id was kept).</summary>
    private static async Task<bool> IsLastAsync(IQuerySession session, string slug, long version, Guid id, CancellationToken ct) =>
        await session.Events.FetchStreamAsync(slug, fromVersion: version, token: ct) is { Count: > 0 } at && at[0].Version == version && at[0].Id == id;

    /// <summary>Keeps a whole summary folded up to <paramref name="last"/> (whether or not its write commits: the event id tells).</summary>
    public void Keep(DealSummary deal, IEvent last) =>
        _whole.Set(deal.Id, new Entry(last.Version, last.Id, deal), new MemoryCacheEntryOptions { Size = EstimatedBytes(deal) });

    /// <summary>
    /// A copy to fold onto without changing the original, costing what the deal's parties, publishers and terms
    /// count, not its history: the per-report collections (each term, the statuses) are shared, and
    /// <see cref="DealSummaryProjection.Fold"/> copies a term or a status before changing it. Only for folding;
    /// a caller that changes a summary itself takes a <see cref="Copy"/>.
    /// </summary>
    public static DealSummary Fork(DealSummary deal)
    {
        var fork = Shallow(deal);
        fork.Terms = new SortedDictionary<string, DealTerm>(deal.Terms, StringComparer.Ordinal);
        fork.MilestoneReports = [.. deal.MilestoneReports];
        fork.StatusHistory = deal.StatusHistory;
        fork.Statuses = new SortedDictionary<string, FactStatus>(deal.Statuses, StringComparer.Ordinal);
        return fork;
    }

    /// <summary>
    /// A copy that can be changed in any way without changing the original: the lists and terms are new, the
    /// reports in them (immutable records) are shared. It costs a few pointers per fact.
    /// </summary>
    public static DealSummary Copy(DealSummary deal)
    {
        var copy = Shallow(deal);
        copy.Terms = new SortedDictionary<string, DealTerm>(deal.Terms.ToDictionary(t => t.Key, t => t.Value.Clone()), StringComparer.Ordinal);
        copy.MilestoneReports = [.. deal.MilestoneReports];
        copy.StatusHistory = [.. deal.StatusHistory];
        copy.Statuses = new(deal.Statuses.ToDictionary(s => s.Key, s => FactStatuses.Copy(s.Value)), StringComparer.Ordinal);
        return copy;
    }

    /// <summary>
    /// What is stored: the summary without the per-report history, which grows with every fact (each term's reports,
    /// milestone reports, status history, statuses of facts) and without each source's view of a conflicting term
    /// (a report per publisher; <see cref="DealFlags.HasConflicts"/> stays). Current values, who reported them,
    /// parties, relations and flags stay: they are what filters, the write rules and the other read models read.
    /// Built without copying the history it leaves out.
    /// </summary>
    public static DealSummary Bounded(DealSummary deal)
    {
        var stored = Shallow(deal);
        stored.Terms = new SortedDictionary<string, DealTerm>(
            deal.Terms.ToDictionary(t => t.Key, t => new DealTerm
            {
                Term = t.Value.Term,
                Value = t.Value.Value,
                Source = t.Value.Source,
                Revisions = t.Value.Revisions,
                ReportedBy = [.. t.Value.ReportedBy],
            }),
            StringComparer.Ordinal);
        return stored;
    }

    /// <summary>
    /// Every scalar and the small lists, new; the per-report collections (terms, milestone reports, status history,
    /// statuses) left empty for the caller to fill.
    /// </summary>
    private static DealSummary Shallow(DealSummary deal) => new()
    {
        Id = deal.Id,
        Title = deal.Title,
        Kind = deal.Kind,
        Status = deal.Status,
        StatusBinding = deal.StatusBinding,
        Description = deal.Description,
        ReportedBy = deal.ReportedBy,
        FirstReportedBy = deal.FirstReportedBy,
        AlsoReportedBy = [.. deal.AlsoReportedBy],
        Parties = [.. deal.Parties],
        Milestones = [.. deal.Milestones],
        Relations = [.. deal.Relations],
        Disputes = [.. deal.Disputes],
        Rights = [.. deal.Rights],
        Flags = new DealFlags
        {
            HasDisputedClaims = deal.Flags.HasDisputedClaims,
            HasConflicts = deal.Flags.HasConflicts,
            ExclusivityInForce = deal.Flags.ExclusivityInForce,
        },
        Publishers = [.. deal.Publishers],
        FactCount = deal.FactCount,
        FirstReportedOn = deal.FirstReportedOn,
        LastReportedOn = deal.LastReportedOn,
        Version = deal.Version,
        LastEventId = deal.LastEventId,
    };

    public void Dispose() => _whole.Dispose();

    private sealed record Entry(long Version, Guid LastEvent, DealSummary Deal);
}
