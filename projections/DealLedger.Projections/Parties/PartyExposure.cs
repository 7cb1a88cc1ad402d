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
/// Async, multi-stream. A deal event reaches every party of that deal; the party's entry for the deal is
/// refreshed from the deal's inline <see cref="DealSummary"/>, which is always at least as new as the event.
/// Once the daemon has caught up, every entry therefore equals the deal's final summary, live or rebuilt.
/// </summary>
public sealed partial class PartyExposureProjection : MultiStreamProjection<PartyExposure, string>
{
    public PartyExposureProjection()
    {
        CustomGrouping(new DealPartiesGrouper());
    }

    public override async ValueTask<(PartyExposure?, ActionType)> DetermineActionAsync(
        IQuerySession session,
        PartyExposure? snapshot,
        string identity,
        IIdentitySetter<PartyExposure, string> identitySetter,
        IReadOnlyList<IEvent> events,
        CancellationToken cancellation)
    {
        var exposure = snapshot ?? new PartyExposure { Id = identity };
        foreach (var reported in events.Select(e => e.Data).OfType<PartyReported>())
        {
            exposure.Name = reported.Name;
        }

        var dealIds = events.Where(e => IsDealFact(e.Data))
            .Select(e => e.StreamKey!).Distinct().ToArray();
        if (dealIds.Length == 0)
        {
            return (exposure, ActionType.Store);
        }

        var summaries = await DealSummaries.LoadManyAsync(session, dealIds, cancellation);
        var refreshed = summaries.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var entries = exposure.Deals.Where(d => !refreshed.Contains(d.Deal)).Concat(EntriesOf(identity, summaries));
        return (Assemble(identity, exposure.Name, entries), ActionType.Store);
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
