using DealLedger.Domain.Facts;
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
/// Per buyer: each disclosed contract value spread evenly over the contract's years (the $300B Oracle
/// contract over five years from 2027 is $60B a year, 2027-2031), by counterparty and year, with the facts
/// each figure rests on. Deals without a disclosed value or a known start year are listed as unscheduled.
/// </summary>
public sealed class CommitmentsByYear
{
    public string Id { get; set; } = "";
    public List<YearCommitment> Years { get; set; } = [];
    public List<DealCommitment> Deals { get; set; } = [];
    public List<string> Unscheduled { get; set; } = [];
}

/// <summary>One counterparty's share in one year; <see cref="Amount"/> is null when the sum is not computable (see <see cref="NotComputable"/>).</summary>
public sealed record YearCommitment(string Counterparty, int Year, string Currency, decimal? Amount, IReadOnlyList<string> Deals,
    string? NotComputable = null);

/// <summary>One deal's schedule and the facts behind it (value, duration, start).</summary>
public sealed record DealCommitment(string Deal, IReadOnlyList<string> Counterparties, Money Total, int Years, int StartYear,
    IReadOnlyList<string> Facts);

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
            commitments.Unscheduled.Remove(deal.Id);
            if (!deal.Parties.Any(p => p.Party == commitments.Id && p.Role == "buyer"))
            {
                continue;
            }

            if (Schedule(deal, commitments.Id) is { } scheduled)
            {
                commitments.Deals.Add(scheduled);
            }
            else
            {
                commitments.Unscheduled.Add(deal.Id);
            }
        }

        commitments.Deals.Sort((a, b) => string.CompareOrdinal(a.Deal, b.Deal));
        commitments.Unscheduled.Sort(StringComparer.Ordinal);
        commitments.Years = Spread(commitments.Deals);
    }

    /// <summary>A deal's schedule: its current total value over its years from its start year, or null when either is unknown.</summary>
    public static DealCommitment? Schedule(DealSummary deal, string buyer)
    {
        var total = deal.Terms.GetValueOrDefault(DealTerms.ForValue("total"));
        var start = deal.Terms.GetValueOrDefault(DealTerms.Start);
        if (total?.Value?.Money is not { Amount: not null } money || start?.Value?.Period?.From is not { } from)
        {
            return null;
        }

        var duration = deal.Terms.GetValueOrDefault(DealTerms.Duration);
        if (duration?.Value?.Quantity > FactLimits.DurationMonths.Max)
        {
            // Only a fact recorded before the limits existed can be this long; spreading it would bloat the document.
            return null;
        }

        var years = duration?.Value?.Quantity is { } months ? Math.Max(1, (int)Math.Ceiling(months / 12m)) : 1;
        var facts = new[] { total.Source?.FactId, duration?.Source?.FactId, start.Source?.FactId }.OfType<string>().ToList();
        var counterparties = deal.Parties.Where(p => p.Party != buyer).Select(p => p.Party).Distinct().Order(StringComparer.Ordinal).ToList();
        return new DealCommitment(deal.Id, counterparties, money, years, from.Year, facts);
    }

    /// <summary>Even yearly shares per counterparty; the last year takes the rounding remainder so shares add up to the total.</summary>
    private static List<YearCommitment> Spread(IEnumerable<DealCommitment> deals)
    {
        var shares = new List<(string Counterparty, int Year, string Currency, decimal Amount, string Deal)>();
        foreach (var deal in deals)
        {
            var amount = deal.Total.Amount!.Value;
            var share = decimal.Round(amount / deal.Years, 2);
            for (var i = 0; i < deal.Years; i++)
            {
                var value = i == deal.Years - 1 ? amount - (share * (deal.Years - 1)) : share;
                foreach (var counterparty in deal.Counterparties.DefaultIfEmpty("(none)"))
                {
                    shares.Add((counterparty, deal.StartYear + i, deal.Total.Currency, value, deal.Deal));
                }
            }
        }

        return shares.GroupBy(s => (s.Counterparty, s.Year, s.Currency))
            .OrderBy(g => g.Key.Counterparty, StringComparer.Ordinal).ThenBy(g => g.Key.Year).ThenBy(g => g.Key.Currency, StringComparer.Ordinal)
            .Select(g =>
            {
                var total = Figures.Sum(g.Select(s => s.Amount));
                return new YearCommitment(g.Key.Counterparty, g.Key.Year, g.Key.Currency, total.Amount,
                    g.Select(s => s.Deal).Distinct().ToList(), total.NotComputable);
            })
            .ToList();
    }
}
