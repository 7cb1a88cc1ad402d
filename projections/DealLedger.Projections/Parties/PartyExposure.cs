using DealLedger.Domain.Deals;
using DealLedger.Domain.Exposure;
using DealLedger.Domain.Facts;
using DealLedger.Domain.Parties;
using DealLedger.Domain.Sources;
using DealLedger.Projections.Deals;
using JasperFx.Events;
using JasperFx.Events.Aggregation;
using JasperFx.Events.Daemon;
using JasperFx.Events.Grouping;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Aggregation;
using Marten.Events.Projections;
using Marten.Schema;

namespace DealLedger.Projections.Parties;

/// <summary>
/// Per party: what it pays (<see cref="ExposureTotals.Out"/>) and is paid (<see cref="ExposureTotals.In"/>), never
/// added together, per currency and kind, in total and per counterparty, with the flow of each deal and the facts
/// every figure rests on (docs/read-models.md, "Party exposure").
/// </summary>
public sealed class PartyExposure
{
    public string Id { get; set; } = "";
    public string? Name { get; set; }

    /// <summary>The party's flows summed per direction, currency and kind.</summary>
    public ExposureTotals Totals { get; set; } = new([], [], []);

    /// <summary>Per counterparty (a joint venture's partners have the venture as counterparty, not each other).</summary>
    public List<CounterpartyExposure> Counterparties { get; set; } = [];

    public List<PartyDeal> Deals { get; set; } = [];
}

/// <summary>Figures of money out, money in, and money whose direction is not reported: three lists, never one sum.</summary>
public sealed record ExposureTotals(IReadOnlyList<ExposureFigure> Out, IReadOnlyList<ExposureFigure> In, IReadOnlyList<ExposureFigure> NotReported);

/// <summary>
/// A sum of one kind in one currency (a null currency: deals whose figure is not reported at all). <see cref="Amount"/>
/// is the point figure when every part has one; <see cref="Low"/> and <see cref="High"/> bound it (a null high:
/// unbounded); <see cref="Precision"/> is exact, about, range or at-least (not-computable with
/// <see cref="NotComputable"/> saying why); <see cref="Undisclosed"/> counts parts whose amount was not disclosed;
/// <see cref="Because"/> lists the facts it rests on.
/// </summary>
public sealed record ExposureFigure(
    string Kind,
    string? Currency,
    decimal? Amount,
    decimal? Low,
    decimal? High,
    string Precision,
    bool Approximate,
    int Parts,
    int Undisclosed,
    string? NotComputable,
    IReadOnlyList<string> Because);

/// <summary>
/// The party's flows with one counterparty (a party, or a joint venture: <see cref="Venture"/>, named by its deal),
/// and the deals between them.
/// </summary>
public sealed record CounterpartyExposure(
    string Party,
    bool Venture,
    IReadOnlyList<string> Deals,
    IReadOnlyList<ExposureFigure> Out,
    IReadOnlyList<ExposureFigure> In,
    IReadOnlyList<ExposureFigure> NotReported);

/// <summary>
/// One of the party's deals: its roles in it, the other parties, the current headline and first-year values, and
/// the party's flow of the headline (null when nothing says money moves between the party and anyone in it).
/// </summary>
public sealed record PartyDeal(
    string Deal,
    string? Title,
    string? Kind,
    string? Status,
    IReadOnlyList<string> Roles,
    IReadOnlyList<DealPartyRef> OtherParties,
    TermReport? TotalValue,
    TermReport? FirstYearValue,
    Flow? Flow);

public sealed record DealPartyRef(string Party, string Role);

/// <summary>
/// The stored form of party exposure (version 3): one document per party and deal (<see cref="Deal"/>, id
/// "party/deal"), and one per party that has a name (id "party", no deal). A party's answer is assembled from its
/// documents at read time (<see cref="PartyExposureProjection.FromEntries"/>), so recording a fact rewrites one small
/// document per party of its deal, however many deals those parties have (docs/read-models.md, "Party exposure").
/// Its tables keep the read model's name (mt_doc_partyexposure_3), so side-by-side versions and the parity check
/// find every version's table by the same rule.
/// </summary>
[DocumentAlias("partyexposure")]
public sealed class PartyExposureEntry
{
    public string Id { get; set; } = "";
    public string Party { get; set; } = "";
    public string? Name { get; set; }
    public PartyDeal? Deal { get; set; }

    public static string IdOf(string party, string deal) => $"{party}/{deal}";
}

/// <summary>
/// Async, multi-stream. A deal event reaches every party of that deal, as the party's entry for that deal; the
/// entry is refreshed from the deal's inline <see cref="DealSummary"/>, which is always at least as new as the
/// event, loaded once per page for all the page's deals. Once the daemon has caught up, every entry therefore
/// equals what the deal's final summary says, live or rebuilt.
/// </summary>
public sealed partial class PartyExposureProjection : MultiStreamProjection<PartyExposureEntry, string>
{
    public PartyExposureProjection()
    {
        CustomGrouping(new EntryGrouper());
    }

    public override async Task EnrichEventsAsync(SliceGroup<PartyExposureEntry, string> group, IQuerySession querySession, CancellationToken cancellation)
    {
        var dealIds = group.Slices.SelectMany(s => s.Events()).Where(e => IsDealFact(e.Data)).Select(e => e.StreamKey!).Distinct().ToArray();
        if (dealIds.Length == 0)
        {
            return;
        }

        // Composed (the stored summary keeps no per-report history; the direction rule needs it).
        var summaries = (await DealSummaries.LoadManyAsync(querySession, dealIds, cancellation)).ToDictionary(s => s.Id, StringComparer.Ordinal);
        foreach (var slice in group.Slices)
        {
            if (DealOf(slice.Id) is { } deal && summaries.TryGetValue(deal, out var summary))
            {
                slice.Reference(summary);
            }
        }
    }

    public override ValueTask<(PartyExposureEntry?, ActionType)> DetermineActionAsync(
        IQuerySession session,
        PartyExposureEntry? snapshot,
        string identity,
        IIdentitySetter<PartyExposureEntry, string> identitySetter,
        IReadOnlyList<IEvent> events,
        CancellationToken cancellation)
    {
        if (DealOf(identity) is not { } deal)
        {
            var named = snapshot ?? new PartyExposureEntry { Id = identity, Party = identity };
            foreach (var reported in events.Select(e => e.Data).OfType<PartyReported>())
            {
                named.Name = reported.Name;
            }

            return ValueTask.FromResult<(PartyExposureEntry?, ActionType)>((named, ActionType.Store));
        }

        var party = identity[..^(deal.Length + 1)];
        var entry = events.TryFindReference<DealSummary>(out var summary) ? EntriesOf(party, [summary]).SingleOrDefault() : null;
        return ValueTask.FromResult<(PartyExposureEntry?, ActionType)>(entry is null
            ? (snapshot, snapshot is null ? ActionType.Nothing : ActionType.Delete)
            : (new PartyExposureEntry { Id = identity, Party = party, Deal = entry }, ActionType.Store));
    }

    /// <summary>
    /// A party's exposure from its stored entries (its name and one per deal), by the same assembly as
    /// <see cref="Build"/>; null when nothing about the party is stored.
    /// </summary>
    public static PartyExposure? FromEntries(string party, IReadOnlyCollection<PartyExposureEntry> entries) =>
        entries.Count == 0
            ? null
            : Assemble(party, entries.Select(e => e.Name).LastOrDefault(n => n is not null), entries.Select(e => e.Deal).OfType<PartyDeal>());

    /// <summary>The deal of an entry's id ("party/deal"), or null for a party's own entry ("party").</summary>
    private static string? DealOf(string identity) => identity.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? identity[(slash + 1)..] : null;

    /// <summary>Sends a party's own report to its entry, and each deal event to the entry of every party the deal has.</summary>
    private sealed class EntryGrouper : IAggregateGrouper<string>
    {
        private readonly DealPartiesGrouper _parties = new();

        public async Task Group(IQuerySession session, IReadOnlyList<IEvent> events, IEventGrouping<string> grouping)
        {
            foreach (var (party, e) in await _parties.RouteAsync(session, events))
            {
                grouping.AddEvent(IsDealFact(e.Data) ? PartyExposureEntry.IdOf(party, e.StreamKey!) : party, e);
            }
        }
    }

    /// <summary>
    /// A party's exposure built from deal summaries (those of the party's deals, on any basis): the one computation
    /// behind the stored document and every temporal answer.
    /// </summary>
    public static PartyExposure Build(string party, string? name, IEnumerable<DealSummary> deals) =>
        Assemble(party, name, EntriesOf(party, deals));

    private static bool IsDealFact(object data) => DealPartiesGrouper.IsDealFact(data);

    private static IEnumerable<PartyDeal> EntriesOf(string party, IEnumerable<DealSummary> deals) =>
        deals.Where(d => d.Parties.Any(p => p.Party == party)).Select(d => new PartyDeal(
            d.Id,
            d.Title,
            d.Kind,
            d.Status,
            d.Parties.Where(p => p.Party == party).Select(p => p.Role).Distinct().Order(StringComparer.Ordinal).ToList(),
            d.Parties.Where(p => p.Party != party).Select(p => new DealPartyRef(p.Party, p.Role)).ToList(),
            CurrentOf(d, DealTerms.ForValue("total")),
            CurrentOf(d, DealTerms.ForValue("first-year")),
            PartyFlows.Of(party, DealPositions.Of(d))));

    private static TermReport? CurrentOf(DealSummary summary, string term) =>
        summary.Terms.GetValueOrDefault(term) is { Value: { } value, Source: { } source } ? new TermReport(value, source) : null;

    /// <summary>Sums the deals' flows for the party and per counterparty; deals with no flow list their other parties as counterparties.</summary>
    private static PartyExposure Assemble(string party, string? name, IEnumerable<PartyDeal> entries)
    {
        var deals = entries.OrderBy(d => d.Deal, StringComparer.Ordinal).ToList();
        var flows = deals.Select(d => d.Flow).OfType<Flow>().ToList();
        var byCounterparty = PartyFlows.ByCounterparty(flows).ToDictionary(c => (c.Party, c.Venture));
        var without = deals.Where(d => d.Flow is null)
            .SelectMany(d => d.OtherParties.Select(o => (Key: (o.Party, Venture: false), d.Deal)))
            .ToLookup(x => x.Key, x => x.Deal);
        var counterparties = byCounterparty.Keys.Union(without.Select(g => g.Key))
            .OrderBy(k => k.Party, StringComparer.Ordinal)
            .ThenBy(k => k.Venture)
            .Select(k =>
            {
                var sums = byCounterparty.TryGetValue(k, out var found) ? found.Sums : [];
                var dealsWith = (found?.Deals ?? []).Concat(without[k]).Distinct().Order(StringComparer.Ordinal).ToList();
                return new CounterpartyExposure(k.Party, k.Venture, dealsWith,
                    Figures(sums, Flow.Out), Figures(sums, Flow.In), Figures(sums, Flow.NotReported));
            })
            .ToList();
        var totals = PartyFlows.Sum(flows);
        return new PartyExposure
        {
            Id = party,
            Name = name,
            Totals = new ExposureTotals(Figures(totals, Flow.Out), Figures(totals, Flow.In), Figures(totals, Flow.NotReported)),
            Counterparties = counterparties,
            Deals = deals,
        };
    }

    private static List<ExposureFigure> Figures(IEnumerable<FlowSum> sums, string direction) =>
        sums.Where(s => s.Direction == direction)
            .Select(s => new ExposureFigure(s.Kind, s.Sum.Currency, s.Sum.Amount, s.Sum.Low, s.Sum.High, s.Sum.Precision, s.Sum.Approximate,
                s.Sum.Parts, s.Sum.Undisclosed, s.Sum.NotComputable, s.Because))
            .ToList();
}
