using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Tests.Sources;

public class FiguresTests
{
    [Fact]
    public void delta_and_ratio_of_two_revisions()
    {
        var change = Figures.Between(35_000_000_000m, 115_000_000_000m);

        Assert.Equal(new Change(80_000_000_000m, 3.2857m, null), change);
    }

    [Fact]
    public void a_ratio_beyond_decimal_is_not_computable_and_says_why_while_the_delta_stays()
    {
        var change = Figures.Between(0.0000000001m, 79_228_000_000_000_000_000_000_000_000m);

        Assert.Equal(79_227_999_999_999_999_999_999_999_999.9999999999m, change.Delta!.Value, 0);
        Assert.Null(change.Ratio);
        Assert.Contains("ratio exceeds", change.NotComputable);
    }

    [Fact]
    public void a_difference_beyond_decimal_is_not_computable()
    {
        var change = Figures.Between(-decimal.MaxValue, decimal.MaxValue);

        Assert.Null(change.Delta);
        Assert.Contains("difference exceeds", change.NotComputable);
    }

    [Fact]
    public void no_ratio_to_zero()
    {
        var change = Figures.Between(0m, 5m);

        Assert.Equal(5m, change.Delta);
        Assert.Null(change.Ratio);
        Assert.NotNull(change.NotComputable);
    }

    [Fact]
    public void a_sum_beyond_decimal_is_not_computable_and_says_why()
    {
        Assert.Equal(new Total(3m, null), Figures.Sum([1m, 2m]));
        var total = Figures.Sum([decimal.MaxValue, decimal.MaxValue]);
        Assert.Null(total.Amount);
        Assert.Contains("sum exceeds", total.NotComputable);
    }
}
