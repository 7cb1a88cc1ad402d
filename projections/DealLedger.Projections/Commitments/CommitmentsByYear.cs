using DealLedger.Domain.Commitments;
using DealLedger.Domain.Exposure;
using DealLedger.Domain.Sources;
using DealLedger.Projections.Deals;
using DealLedger.Projections.Parties;
using JasperFx.Events;
using JasperFx.Events.Aggregation;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using JasperFx.Events.Grouping;
using Marten;
using Marten.Events.Aggregation;
using Marten.Events.Projections;
using Marten.Schema;

namespace DealLedger.Projections.Commitments;

/// <summary>
/// The answer per buyer (assembled from <see cref="CommitmentEntry"/> documents, not stored since version 3): each deal's headline value placed over its years by the reported schedule terms (start, duration,
/// first-year and annual values; <see cref="Schedule"/>), summed per counterparty and year with the precision rule
/// of <see cref="Bounds"/>, with the facts each figure rests on. Deals that cannot be placed are listed with the reason.
/// </summary>
public sealed class CommitmentsByYear
{
    public string Id { get; set; } = "";
    public List<YearCommitment> Years { get; set; } = [];
    public List<DealCommitment> Deals { get; set; } = [];
    public List<UnscheduledDeal> Unscheduled { get; set; } = [];
}

/// <summary>
/// One counterparty's commitments in one year and currency: <see cref="Amount"/> is the point figure when every part has
/// one, <see cref="Low"/>/<see cref="High"/> bound it (null high: unbounded), <see cref="Precision"/> as in party exposure;
/// <see cref="Because"/> lists the facts behind it.
/// </summary>
public sealed record YearCommitment(string Counterparty, int Year, string Currency, decimal? Amount, decimal? Low, decimal? High, string Precision,
    IReadOnlyList<string> Deals, IReadOnlyList<string> Because, string? NotComputable = null);

/// <summary>
/// One deal's schedule for the buyer: the deal's headline total, the buyer's part of it (<see cref="Attribution"/>: the
/// whole when it is the only payer, else its reported share), each year's part of that and which term placed it, whom
/// it is paid to (each counterparty's fraction; several counterparties whose split is not disclosed are one entry named
/// "a+b"), and the facts behind it.
/// </summary>
public sealed record DealCommitment(string Deal, IReadOnlyList<CommitmentCounterparty> Counterparties, Money Total, Money Share, string Attribution,
    int StartYear, IReadOnlyList<ScheduledYear> Schedule, IReadOnlyList<string> Facts);

/// <summary>A counterparty of a commitment and the fraction of the buyer's part it is paid.</summary>
public sealed record CommitmentCounterparty(string Counterparty, decimal Fraction);

/// <summary>A deal of the buyer that cannot be placed over years, and why (no value, no start, no duration...).</summary>
public sealed record UnscheduledDeal(string Deal, string Reason, IReadOnlyList<string> Facts);

/// <summary>
/// The stored form of commitments (version 3): one document per buyer and deal (id "buyer/deal") holding that deal's
/// schedule for the buyer (<see cref="Deal"/>) or why it cannot be placed (<see cref="Unscheduled"/>). A buyer's
/// answer is assembled from its documents at read time (<see cref="CommitmentsByYearProjection.FromEntries"/>), so a
/// fact rewrites one small document per buyer of its deal, however many deals the buyer has. The table keeps the read
/// model's name (mt_doc_commitmentsbyyear_3), so side-by-side versions and the parity check find it by the same rule.
/// </summary>
[DocumentAlias("commitmentsbyyear")]
public sealed class CommitmentEntry
{
    public string Id { get; set; } = "";
    public string Buyer { get; set; } = "";
    public DealCommitment? Deal { get; set; }
    public UnscheduledDeal? Unscheduled { get; set; }

    public static string IdOf(string buyer, string deal) => $"{buyer}/{deal}";
}

/// <summary>
/// Async, multi-stream: each deal event goes to the entry of every buyer of the deal for that deal (version 2 kept one
/// document per buyer listing every deal, rewritten whole by each page: its rebuild slowed as buyers gained deals).
/// The entry is refreshed from the deal's composed summary, loaded once per page for all the page's deals, so it
/// equals the deal's final state once caught up, live or rebuilt.
/// </summary>
public sealed partial class CommitmentsByYearProjection : MultiStreamProjection<CommitmentEntry, string>
{
    public CommitmentsByYearProjection()
    {
        CustomGrouping(new EntryGrouper());
    }

    public override async Task EnrichEventsAsync(SliceGroup<CommitmentEntry, string> group, IQuerySession querySession, CancellationToken cancellation)
    {
        var dealIds = group.Slices.SelectMany(s => s.Events()).Where(e => DealPartiesGrouper.IsDealFact(e.Data)).Select(e => e.StreamKey!)
            .Distinct().ToArray();
        if (dealIds.Length == 0)
        {
            return;
        }

        var summaries = (await DealSummaries.LoadManyAsync(querySession, dealIds, cancellation)).ToDictionary(s => s.Id, StringComparer.Ordinal);
        foreach (var slice in group.Slices)
        {
            if (summaries.TryGetValue(DealOf(slice.Id), out var summary))
            {
                slice.Reference(summary);
            }
        }
    }

    public override ValueTask<(CommitmentEntry?, ActionType)> DetermineActionAsync(IQuerySession session, CommitmentEntry? snapshot,
        string identity, IIdentitySetter<CommitmentEntry, string> identitySetter, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var buyer = identity[..^(DealOf(identity).Length + 1)];
        var entry = events.TryFindReference<DealSummary>(out var summary) ? EntryOf(buyer, summary) : null;
        return ValueTask.FromResult<(CommitmentEntry?, ActionType)>(entry is null
            ? (snapshot, snapshot is null ? ActionType.Nothing : ActionType.Delete)
            : (entry, ActionType.Store));
    }

    /// <summary>A buyer's commitments from its stored entries, by the same assembly as <see cref="Build"/>; null when none is stored.</summary>
    public static CommitmentsByYear? FromEntries(string buyer, IReadOnlyCollection<CommitmentEntry> entries) =>
        entries.Count == 0 ? null : Assemble(buyer, entries);

    /// <summary>A buyer's commitments built from deal summaries (those of the buyer's deals, on any basis): the one computation behind every answer.</summary>
    public static CommitmentsByYear Build(string buyer, IEnumerable<DealSummary> deals) =>
        Assemble(buyer, deals.Select(d => EntryOf(buyer, d)).OfType<CommitmentEntry>());

    /// <summary>The deal of an entry's id ("buyer/deal"; a buyer's slug holds no slash).</summary>
    private static string DealOf(string identity) => identity[(identity.IndexOf('/', StringComparison.Ordinal) + 1)..];

    /// <summary>Sends each deal event to the entry of every buyer the deal has, for that deal.</summary>
    private sealed class EntryGrouper : IAggregateGrouper<string>
    {
        private readonly DealPartiesGrouper _buyers = new(role: "buyer");

        public async Task Group(IQuerySession session, IReadOnlyList<IEvent> events, IEventGrouping<string> grouping)
        {
            foreach (var (buyer, e) in await _buyers.RouteAsync(session, events))
            {
                if (DealPartiesGrouper.IsDealFact(e.Data))
                {
                    grouping.AddEvent(CommitmentEntry.IdOf(buyer, e.StreamKey!), e);
                }
            }
        }
    }

    private static CommitmentsByYear Assemble(string buyer, IEnumerable<CommitmentEntry> entries)
    {
        var list = entries.ToList();
        var deals = list.Select(e => e.Deal).OfType<DealCommitment>().OrderBy(d => d.Deal, StringComparer.Ordinal).ToList();
        return new CommitmentsByYear
        {
            Id = buyer,
            Deals = deals,
            Unscheduled = list.Select(e => e.Unscheduled).OfType<UnscheduledDeal>().OrderBy(d => d.Deal, StringComparer.Ordinal).ToList(),
            Years = Sum(deals),
        };
    }

    /// <summary>One deal's entry for the buyer: its schedule, or why it cannot be placed; null when the party is not a buyer in it.</summary>
    private static CommitmentEntry? EntryOf(string buyer, DealSummary deal)
    {
        if (!deal.Parties.Any(p => p.Party == buyer && p.Role == "buyer"))
        {
            return null;
        }

        var entry = new CommitmentEntry { Id = CommitmentEntry.IdOf(buyer, deal.Id), Buyer = buyer };
        var schedule = Schedule.Of(TermsOf(deal));
        var flow = PartyFlows.Of(buyer, DealPositions.Of(deal));
        var why = schedule.Unscheduled ?? flow switch
        {
            null or { Value: null } => NoFlow,
            { Direction: Flow.In } => PaidNotPaying,
            { Direction: Flow.NotReported } => DirectionNotReported,
            { Attribution: Flow.ShareNotDisclosed } or { Value.Amount: null } => ShareNotDisclosed,
            _ => null,
        };
        if (why is not null)
        {
            entry.Unscheduled = new UnscheduledDeal(deal.Id, why, [.. schedule.Because, .. flow?.Because ?? []]);
            return entry;
        }

        var total = deal.Terms[DealTerms.ForValue("total")].Value!.Money!;
        var fraction = flow!.Attribution == Flow.WholeValue || total.Amount is not > 0 ? 1m : flow.Value!.Amount!.Value / total.Amount.Value;
        var years = schedule.Years.Select(y => y with { Amount = Scale(y.Amount, fraction) }).ToList();
        entry.Deal = new DealCommitment(deal.Id, CounterpartiesOf(flow), total, flow.Value!, flow.Attribution, schedule.StartYear!.Value,
            years, [.. schedule.Because.Concat(flow.Because).Distinct()]);
        return entry;
    }

    public const string NoFlow = "no money flow of the buyer's in this deal";
    public const string PaidNotPaying = "the buyer is paid in this deal, it does not pay";
    public const string DirectionNotReported = "who pays whom is not reported";
    public const string ShareNotDisclosed = "the buyer's share is not disclosed";

    /// <summary>
    /// Whom the buyer pays: one counterparty takes it all; several take their reported parts, and what is left, or all
    /// of it when no part is reported, goes to one entry naming them together ("amd+nvidia").
    /// </summary>
    private static List<CommitmentCounterparty> CounterpartiesOf(Flow flow)
    {
        var parts = flow.Counterparties;
        if (parts.Count <= 1)
        {
            return [new CommitmentCounterparty(parts.Count == 1 ? parts[0].Party : "(none)", 1m)];
        }

        var mine = flow.Value!.Amount!.Value;
        var known = mine <= 0 ? [] : parts.Where(p => p.Attribution == Flow.Share && p.Value?.Amount is not null)
            .Select(p => new CommitmentCounterparty(p.Party, Math.Min(1m, p.Value!.Amount!.Value / mine))).ToList();
        var rest = 1m - known.Sum(k => k.Fraction);
        var unknown = parts.Where(p => known.All(k => k.Counterparty != p.Party)).Select(p => p.Party).ToList();
        if (rest > 0 && unknown.Count > 0)
        {
            known.Add(new CommitmentCounterparty(string.Join("+", unknown), rest));
        }

        return known;
    }

    private static Money Scale(Money money, decimal fraction) => fraction == 1m
        ? money
        : money with
        {
            Amount = money.Amount is { } amount ? decimal.Round(amount * fraction, 2) : null,
            Max = money.Max is { } max ? decimal.Round(max * fraction, 2) : null,
        };

    /// <summary>The schedule terms of a deal: the current live value of each, from its summary.</summary>
    public static ScheduleTerms TermsOf(DealSummary deal)
    {
        Figure<Money>? MoneyOf(string valueTerm) =>
            deal.Terms.GetValueOrDefault(DealTerms.ForValue(valueTerm)) is { Value.Money: { } money, Source: { } source } ? new(money, source.FactId) : null;

        var duration = deal.Terms.GetValueOrDefault(DealTerms.Duration) is { Value: { Quantity: { } months } d, Source: { } ds }
            ? new Figure<(int, string)>(((int)Math.Min(months, int.MaxValue), d.Precision ?? "exact"), ds.FactId)
            : null;
        var start = deal.Terms.GetValueOrDefault(DealTerms.Start) is { Value.Period: { } period, Source: { } s } ? new Figure<Effective>(period, s.FactId) : null;
        return new ScheduleTerms(MoneyOf("total"), MoneyOf("first-year"), MoneyOf("annual"), duration, start);
    }

    /// <summary>Each counterparty's part per year and currency, summed under the precision rule.</summary>
    private static List<YearCommitment> Sum(IEnumerable<DealCommitment> deals) =>
        Parts(deals)
            .GroupBy(x => (x.Counterparty, x.Year.Year, x.Year.Amount.Currency))
            .OrderBy(g => g.Key.Counterparty, StringComparer.Ordinal).ThenBy(g => g.Key.Year).ThenBy(g => g.Key.Currency, StringComparer.Ordinal)
            .Select(g =>
            {
                var sum = Bounds.Sum(g.Key.Currency, g.Select(x => x.Year.Amount));
                return new YearCommitment(g.Key.Counterparty, g.Key.Year, g.Key.Currency, sum.Amount, sum.Low, sum.High, sum.Precision,
                    g.Select(x => x.Deal.Deal).Distinct().ToList(), g.SelectMany(x => x.Deal.Facts).Distinct().ToList(), sum.NotComputable);
            })
            .ToList();

    /// <summary>
    /// The margins of the counterparty-by-year table, summed from the same parts as its cells under the same precision
    /// rule: each counterparty over all years, each year over all counterparties, and all of it, per currency.
    /// </summary>
    public static CommitmentMargins Margins(CommitmentsByYear commitments)
    {
        var parts = Parts(commitments.Deals).ToList();
        List<CommitmentTotal> By(Func<(string Counterparty, DealCommitment Deal, ScheduledYear Year), (string? Counterparty, int? Year)> key) =>
            parts.GroupBy(x => (Key: key(x), x.Year.Amount.Currency))
                .OrderBy(g => g.Key.Key.Counterparty, StringComparer.Ordinal).ThenBy(g => g.Key.Key.Year).ThenBy(g => g.Key.Currency, StringComparer.Ordinal)
                .Select(g => new CommitmentTotal(g.Key.Key.Counterparty, g.Key.Key.Year, Bounds.Sum(g.Key.Currency, g.Select(x => x.Year.Amount)),
                    g.Select(x => x.Deal.Deal).Distinct().ToList()))
                .ToList();
        return new CommitmentMargins(By(x => (x.Counterparty, null)), By(x => (null, x.Year.Year)), By(_ => (null, null)));
    }

    /// <summary>Each year of each deal, for each counterparty paid in it, scaled to that counterparty's part.</summary>
    private static IEnumerable<(string Counterparty, DealCommitment Deal, ScheduledYear Year)> Parts(IEnumerable<DealCommitment> deals) =>
        deals.SelectMany(d => d.Schedule.SelectMany(y => d.Counterparties.Select(c =>
            (c.Counterparty, d, y with { Amount = Scale(y.Amount, c.Fraction) }))));
}

/// <summary>The margins of a buyer's counterparty-by-year table (<see cref="CommitmentsByYearProjection.Margins"/>).</summary>
public sealed record CommitmentMargins(IReadOnlyList<CommitmentTotal> PerCounterparty, IReadOnlyList<CommitmentTotal> PerYear,
    IReadOnlyList<CommitmentTotal> Overall);

/// <summary>A sum over the table's cells: one counterparty's (null year), one year's (null counterparty), or all (both null).</summary>
public sealed record CommitmentTotal(string? Counterparty, int? Year, Bounds Sum, IReadOnlyList<string> Deals);
