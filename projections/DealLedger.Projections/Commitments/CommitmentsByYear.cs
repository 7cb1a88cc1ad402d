using DealLedger.Domain.Commitments;
using DealLedger.Domain.Exposure;
using DealLedger.Domain.Sources;
using DealLedger.Projections.Deals;
using JasperFx.Events;
using JasperFx.Events.Aggregation;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;

namespace DealLedger.Projections.Commitments;

/// <summary>
/// Per buyer: each deal's headline value placed over its years by the reported schedule terms (start, duration,
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

/// <summary>One deal's schedule: its headline total, each year's part and which term placed it, and the facts behind it.</summary>
public sealed record DealCommitment(string Deal, IReadOnlyList<string> Counterparties, Money Total, int StartYear,
    IReadOnlyList<ScheduledYear> Schedule, IReadOnlyList<string> Facts);

/// <summary>A deal of the buyer that cannot be placed over years, and why (no value, no start, no duration...).</summary>
public sealed record UnscheduledDeal(string Deal, string Reason, IReadOnlyList<string> Facts);

/// <summary>
/// Async, multi-stream, keyed by buyer; like <c>PartyExposure</c> it refreshes each of the buyer's deals
/// from the deal's inline summary, so it equals the deals' final state once caught up, live or rebuilt.
/// </summary>
public sealed partial class CommitmentsByYearProjection : MultiStreamProjection<CommitmentsByYear, string>
{
    public CommitmentsByYearProjection()
    {
        CustomGrouping(new DealPartiesGrouper(role: "buyer"));
    }

    public override async ValueTask<(CommitmentsByYear?, ActionType)> DetermineActionAsync(IQuerySession session, CommitmentsByYear? snapshot,
        string identity, IIdentitySetter<CommitmentsByYear, string> identitySetter, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var commitments = snapshot ?? new CommitmentsByYear { Id = identity };
        var dealIds = events.Where(e => DealPartiesGrouper.IsDealFact(e.Data)).Select(e => e.StreamKey!).Distinct().ToArray();
        if (dealIds.Length == 0)
        {
            return (snapshot, ActionType.Nothing);
        }

        Refresh(commitments, await session.LoadManyAsync<DealSummary>(cancellation, dealIds));
        return (commitments, ActionType.Store);
    }

    /// <summary>A buyer's commitments built from deal summaries (those of the buyer's deals), as the projection builds them.</summary>
    public static CommitmentsByYear Build(string buyer, IEnumerable<DealSummary> deals)
    {
        var commitments = new CommitmentsByYear { Id = buyer };
        Refresh(commitments, deals);
        return commitments;
    }

    private static void Refresh(CommitmentsByYear commitments, IEnumerable<DealSummary> deals)
    {
        foreach (var deal in deals)
        {
            commitments.Deals.RemoveAll(d => d.Deal == deal.Id);
            commitments.Unscheduled.RemoveAll(d => d.Deal == deal.Id);
            if (!deal.Parties.Any(p => p.Party == commitments.Id && p.Role == "buyer"))
            {
                continue;
            }

            var schedule = Schedule.Of(TermsOf(deal));
            if (schedule.Unscheduled is { } reason)
            {
                commitments.Unscheduled.Add(new UnscheduledDeal(deal.Id, reason, schedule.Because));
                continue;
            }

            var counterparties = deal.Parties.Where(p => p.Party != commitments.Id).Select(p => p.Party).Distinct().Order(StringComparer.Ordinal).ToList();
            var total = deal.Terms[DealTerms.ForValue("total")].Value!.Money!;
            commitments.Deals.Add(new DealCommitment(deal.Id, counterparties, total, schedule.StartYear!.Value, schedule.Years, schedule.Because));
        }

        commitments.Deals.Sort((a, b) => string.CompareOrdinal(a.Deal, b.Deal));
        commitments.Unscheduled.Sort((a, b) => string.CompareOrdinal(a.Deal, b.Deal));
        commitments.Years = Sum(commitments.Deals);
    }

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
        deals.SelectMany(d => d.Schedule.SelectMany(y => d.Counterparties.DefaultIfEmpty("(none)").Select(c => (Counterparty: c, Deal: d, Year: y))))
            .GroupBy(x => (x.Counterparty, x.Year.Year, x.Year.Amount.Currency))
            .OrderBy(g => g.Key.Counterparty, StringComparer.Ordinal).ThenBy(g => g.Key.Year).ThenBy(g => g.Key.Currency, StringComparer.Ordinal)
            .Select(g =>
            {
                var sum = Bounds.Sum(g.Key.Currency, g.Select(x => x.Year.Amount));
                return new YearCommitment(g.Key.Counterparty, g.Key.Year, g.Key.Currency, sum.Amount, sum.Low, sum.High, sum.Precision,
                    g.Select(x => x.Deal.Deal).Distinct().ToList(), g.SelectMany(x => x.Deal.Facts).Distinct().ToList(), sum.NotComputable);
            })
            .ToList();
}
