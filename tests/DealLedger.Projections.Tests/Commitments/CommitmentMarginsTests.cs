using DealLedger.Domain.Commitments;
using DealLedger.Domain.Sources;
using DealLedger.Projections.Commitments;

namespace DealLedger.Projections.Tests.Commitments;

/// <summary>
/// The margins of a buyer's counterparty-by-year table (the explorer's party page shows them): summed from the same
/// parts as the cells, under the same precision rule, so an open-ended year leaves its totals open, never zero.
/// </summary>
public class CommitmentMarginsTests
{
    private const decimal B = 1_000_000_000m;

    [Fact]
    public void each_counterparty_each_year_and_the_whole_are_summed_with_precision_kept()
    {
        var commitments = new CommitmentsByYear
        {
            Id = "acme",
            Deals =
            [
                Deal("cloud", [("cloudco", 1m)], (2027, Usd(10 * B)), (2028, Usd(20 * B))),

                // Two vendors with an undisclosed split are one counterparty; an at-least year has no upper bound.
                Deal("chips", [("amd+nvidia", 1m)], (2027, Usd(4 * B, Money.About)), (2028, Usd(6 * B, Money.AtLeast))),
            ],
        };

        var margins = CommitmentsByYearProjection.Margins(commitments);

        Assert.Equal([("amd+nvidia", "at-least", 10 * B), ("cloudco", "exact", 30 * B)],
            margins.PerCounterparty.Select(t => (t.Counterparty!, t.Sum.Precision, t.Sum.Low!.Value)));
        Assert.Equal([(2027, "about", (decimal?)14 * B), (2028, "at-least", null)], margins.PerYear.Select(t => (t.Year!.Value, t.Sum.Precision, t.Sum.Amount)));
        var overall = Assert.Single(margins.Overall);
        Assert.Equal(("at-least", 40 * B, (decimal?)null), (overall.Sum.Precision, overall.Sum.Low!.Value, overall.Sum.High));
        Assert.Equal(["chips", "cloud"], overall.Deals.Order());
    }

    private static Money Usd(decimal amount, string precision = Money.Exact) => new(amount, "USD", precision);

    private static DealCommitment Deal(string id, (string Counterparty, decimal Fraction)[] to, params (int Year, Money Amount)[] years) =>
        new(id, to.Select(c => new CommitmentCounterparty(c.Counterparty, c.Fraction)).ToList(), Usd(years.Sum(y => y.Amount.Amount!.Value)),
            Usd(years.Sum(y => y.Amount.Amount!.Value)), "whole", years[0].Year,
            years.Select(y => new ScheduledYear(y.Year, y.Amount, Schedule.EvenBasis)).ToList(), [$"{id}-fact"]);
}
