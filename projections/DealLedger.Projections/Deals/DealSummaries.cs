using System.Runtime.CompilerServices;
using DealLedger.Domain.Current;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.Caching.Memory;

namespace DealLedger.Projections.Deals;

/// <summary>
/// Deal summaries as answers give them: the stored document (current values, bounded in size) with the per-report
/// history the fold keeps (every report of every term, milestone reports, status history, statuses of facts) put
/// back. The whole summary of each recently written or read deal is kept in memory with the version and the id of
/// the last event it was folded to. It is used when the stored document names that event (no read at all); when
/// the stream has grown since (another node wrote), only the newer events are read and folded onto it; otherwise
/// (cold, evicted, another ledger, or a write that never committed, whose event id no stored document has) the
/// deal's events are folded again. So a write folds only its new facts, and stores a document whose size does not
/// grow with the deal's history.
/// </summary>
public sealed class DealSummaries : IDisposable
{
    /// <summary>At most about this many facts' worth of summaries are kept (a report is well under 1 KB in memory).</summary>
    public const long MaxFacts = 300_000;

    private static readonly ConditionalWeakTable<IDocumentStore, DealSummaries> Caches = new();

    private readonly MemoryCache _whole = new(new MemoryCacheOptions { SizeLimit = MaxFacts });

    public static DealSummaries For(IDocumentStore store) => Caches.GetValue(store, _ => new DealSummaries());

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
    public static async Task<DealSummary> ComposeAsync(IQuerySession session, DealSummary stored, CancellationToken ct) =>
        Copy(await For(session.DocumentStore).AtAsync(session, stored.Id, stored.Version, stored.LastEventId, ct) ?? stored);

    /// <summary>
    /// The whole summary at this version of the deal's stream (null when the stream holds no such version); shared,
    /// never to be changed: fold onto a <see cref="Copy"/>.
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
            var caughtUp = DealSummaryProjection.Fold(Copy(entry.Deal), slug, added.Skip(1));
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
        _whole.Set(deal.Id, new Entry(last.Version, last.Id, deal), new MemoryCacheEntryOptions { Size = deal.FactCount + 1L });

    /// <summary>
    /// A copy that can be folded onto without changing the original: the lists and terms are new, the reports in
    /// them (immutable records) are shared, so copying costs a few pointers per fact.
    /// </summary>
    public static DealSummary Copy(DealSummary deal) => new()
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
        Terms = new SortedDictionary<string, DealTerm>(deal.Terms.ToDictionary(t => t.Key, t => CopyTerm(t.Value, t.Value.Reports)), StringComparer.Ordinal),
        Milestones = [.. deal.Milestones],
        MilestoneReports = [.. deal.MilestoneReports],
        Relations = [.. deal.Relations],
        Disputes = [.. deal.Disputes],
        StatusHistory = [.. deal.StatusHistory],
        Rights = [.. deal.Rights],
        Statuses = new(deal.Statuses.ToDictionary(s => s.Key, s => new FactStatus
        {
            State = s.Value.State,
            CorrectedBy = s.Value.CorrectedBy,
            RetractedBy = s.Value.RetractedBy,
            CorroboratedBy = [.. s.Value.CorroboratedBy],
            DisputedBy = [.. s.Value.DisputedBy],
        }), StringComparer.Ordinal),
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
    };

    /// <summary>
    /// What is stored: the summary without the per-report history, which grows with every fact (each term's reports,
    /// milestone reports, status history, statuses of facts). Current values, who reported them, conflicts, parties,
    /// relations and flags stay: they are what filters, the write rules and the other read models read.
    /// </summary>
    public static DealSummary Bounded(DealSummary deal)
    {
        var stored = Copy(deal);
        stored.Terms = new SortedDictionary<string, DealTerm>(deal.Terms.ToDictionary(t => t.Key, t => CopyTerm(t.Value, [])), StringComparer.Ordinal);
        stored.MilestoneReports = [];
        stored.StatusHistory = [];
        stored.Statuses = new(StringComparer.Ordinal);
        return stored;
    }

    private static DealTerm CopyTerm(DealTerm term, List<TermReport> reports) => new()
    {
        Term = term.Term,
        Value = term.Value,
        Source = term.Source,
        Revisions = term.Revisions,
        ReportedBy = [.. term.ReportedBy],
        Conflicts = [.. term.Conflicts],
        Reports = [.. reports],
    };

    public void Dispose() => _whole.Dispose();

    private sealed record Entry(long Version, Guid LastEvent, DealSummary Deal);
}
