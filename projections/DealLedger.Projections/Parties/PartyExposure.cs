using DealLedger.Domain.Deals;
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
/// Per party: its deals grouped by counterparty and role, with each deal's latest disclosed values, and the
/// disclosed totals per currency.
/// </summary>
public sealed class PartyExposure
{
    public string Id { get; set; } = "";
    public string? Name { get; set; }
    public List<PartyDeal> Deals { get; set; } = [];
    public List<Counterparty> Counterparties { get; set; } = [];

    /// <summary>Sum of the deals' current total values per currency (a range counts with its lower bound).</summary>
    public List<CurrencyTotal> DisclosedTotals { get; set; } = [];

    /// <summary>Deals whose total value is not disclosed, so a reader knows what the totals leave out.</summary>
    public int UndisclosedDeals { get; set; }
}

public sealed record PartyDeal(
    string Deal,
    string? Title,
    string? Kind,
    string? Status,
    IReadOnlyList<string> Roles,
    IReadOnlyList<DealPartyRef> Counterparties,
    TermReport? TotalValue,
    TermReport? FirstYearValue);

public sealed record DealPartyRef(string Party, string Role);

public sealed record Counterparty(string Party, IReadOnlyList<string> Deals, IReadOnlyList<CurrencyTotal> DisclosedTotals);

/// <summary>
/// A total in one currency (a list rather than a dictionary: JSON key casing must not touch ISO codes).
/// <see cref="Amount"/> is null when the sum is not computable, and <see cref="NotComputable"/> says why.
/// </summary>
public sealed record CurrencyTotal(string Currency, decimal? Amount, string? NotComputable = null);

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
        if (dealIds.Length > 0)
        {
            var summaries = await session.LoadManyAsync<DealSummary>(cancellation, dealIds);
            foreach (var summary in summaries)
            {
                exposure.Deals.RemoveAll(d => d.Deal == summary.Id);
                if (summary.Parties.Any(p => p.Party == identity))
                {
                    exposure.Deals.Add(ToPartyDeal(summary, identity));
                }
            }

            Recompute(exposure);
        }

        return (exposure, ActionType.Store);
    }

    /// <summary>A party's exposure built from deal summaries (those of the party's deals), as the projection builds it.</summary>
    public static PartyExposure Build(string party, string? name, IEnumerable<DealSummary> deals)
    {
        var exposure = new PartyExposure { Id = party, Name = name };
        exposure.Deals.AddRange(deals.Where(d => d.Parties.Any(p => p.Party == party)).Select(d => ToPartyDeal(d, party)));
        Recompute(exposure);
        return exposure;
    }

    private static bool IsDealFact(object data) => DealPartiesGrouper.IsDealFact(data);

    private static PartyDeal ToPartyDeal(DealSummary summary, string party) => new(
        summary.Id,
        summary.Title,
        summary.Kind,
        summary.Status,
        summary.Parties.Where(p => p.Party == party).Select(p => p.Role).Distinct().Order(StringComparer.Ordinal).ToList(),
        summary.Parties.Where(p => p.Party != party).Select(p => new DealPartyRef(p.Party, p.Role)).ToList(),
        CurrentOf(summary, DealTerms.ForValue("total")),
        CurrentOf(summary, DealTerms.ForValue("first-year")));

    private static TermReport? CurrentOf(DealSummary summary, string term) =>
        summary.Terms.GetValueOrDefault(term) is { Value: { } value, Source: { } source } ? new TermReport(value, source) : null;

    private static void Recompute(PartyExposure exposure)
    {
        exposure.Deals.Sort((a, b) => string.CompareOrdinal(a.Deal, b.Deal));
        exposure.DisclosedTotals = Totals(exposure.Deals);
        exposure.UndisclosedDeals = exposure.Deals.Count(d => d.TotalValue?.Value.Money?.Amount is null);
        exposure.Counterparties = exposure.Deals
            .SelectMany(d => d.Counterparties.Select(c => (c.Party, Deal: d)))
            .GroupBy(x => x.Party, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var deals = g.Select(x => x.Deal).DistinctBy(d => d.Deal).ToList();
                return new Counterparty(g.Key, deals.Select(d => d.Deal).ToList(), Totals(deals));
            })
            .ToList();
    }

    private static List<CurrencyTotal> Totals(IEnumerable<PartyDeal> deals) =>
        deals.Select(d => d.TotalValue?.Value.Money)
            .OfType<Money>()
            .Where(m => m.Amount is not null)
            .GroupBy(m => m.Currency, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var total = Figures.Sum(g.Select(m => m.Amount!.Value));
                return new CurrencyTotal(g.Key, total.Amount, total.NotComputable);
            })
            .ToList();
}
