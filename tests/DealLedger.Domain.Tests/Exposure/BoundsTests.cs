using System.Globalization;
using DealLedger.Domain.Exposure;
using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Tests.Exposure;

/// <summary>The precision rule, row by row as docs/read-models.md ("Adding figures") writes it.</summary>
public class BoundsTests
{
    /// <summary>
    /// Given parts written "amount:precision" ("10-20:range", ":undisclosed", "-" for a value not reported at all),
    /// when they are summed, then the sum has this amount, low, high, precision and undisclosed count ("" = null).
    /// </summary>
    [Theory]
    [InlineData("300:exact", "300", "300", "300", "exact", 0)]
    [InlineData("300:exact 10:exact", "310", "310", "310", "exact", 0)]
    [InlineData("300:exact 11:about", "311", "311", "311", "about", 0)]
    [InlineData("11:about", "11", "11", "11", "about", 0)]
    [InlineData("40:up-to", "", "0", "40", "range", 0)]
    [InlineData("300:exact 40:up-to", "", "300", "340", "range", 0)]
    [InlineData("400:at-least", "", "400", "", "at-least", 0)]
    [InlineData("300:exact 400:at-least", "", "700", "", "at-least", 0)]
    [InlineData("10-20:range", "", "10", "20", "range", 0)]
    [InlineData("300:exact 10-20:range", "", "310", "320", "range", 0)]
    [InlineData("40:up-to 400:at-least", "", "400", "", "at-least", 0)]
    [InlineData("300:exact :undisclosed", "", "300", "", "at-least", 1)]
    [InlineData(":undisclosed", "", "0", "", "at-least", 1)]
    [InlineData("300:exact -", "", "300", "", "at-least", 1)]
    [InlineData("40:up-to :undisclosed", "", "0", "", "at-least", 1)]
    [InlineData("", "0", "0", "0", "exact", 0)]
    public void each_precision_enters_the_sum_by_the_table(string parts, string amount, string low, string high, string precision, int undisclosed)
    {
        var sum = Bounds.Sum("USD", Parts(parts));

        Assert.Equal((Figure(amount), Figure(low), Figure(high), precision, undisclosed),
            (sum.Amount, sum.Low, sum.High, sum.Precision, sum.Undisclosed));
        Assert.Equal(Parts(parts).Count, sum.Parts);
        Assert.Null(sum.NotComputable);
    }

    [Fact]
    public void an_about_part_marks_a_range_approximate_and_exact_parts_alone_do_not()
    {
        Assert.True(Bounds.Sum("USD", Parts("11:about 40:up-to")).Approximate);
        Assert.Equal("range", Bounds.Sum("USD", Parts("11:about 40:up-to")).Precision);
        Assert.False(Bounds.Sum("USD", Parts("300:exact 40:up-to")).Approximate);
    }

    [Fact]
    public void a_range_without_an_upper_figure_is_bounded_by_its_amount()
    {
        var sum = Bounds.Sum("USD", [new Money(10, "USD", Money.Range)]);

        Assert.Equal((10m, 10m, "range"), (sum.Low!.Value, sum.High!.Value, sum.Precision));
    }

    [Fact]
    public void a_precision_the_rule_does_not_know_counts_as_undisclosed_never_as_its_amount()
    {
        var sum = Bounds.Sum("USD", [new Money(10, "USD", "roughly")]);

        Assert.Equal((null, 0m, null, "at-least", 1), (sum.Amount, sum.Low, sum.High, sum.Precision, sum.Undisclosed));
    }

    [Fact]
    public void a_sum_beyond_decimal_is_not_computable_and_says_why_without_throwing()
    {
        var sum = Bounds.Sum("USD", [new Money(decimal.MaxValue, "USD", Money.Exact), new Money(decimal.MaxValue, "USD", Money.Exact), new Money(null, "USD", Money.Undisclosed)]);

        Assert.Equal((null, null, null, Bounds.NotComputablePrecision), (sum.Amount, sum.Low, sum.High, sum.Precision));
        Assert.Contains("exceeds", sum.NotComputable);
        Assert.Equal((3, 1), (sum.Parts, sum.Undisclosed));
    }

    [Fact]
    public void an_upper_bound_beyond_decimal_is_not_computable_either()
    {
        var sum = Bounds.Sum("USD", [new Money(decimal.MaxValue, "USD", Money.UpTo), new Money(decimal.MaxValue, "USD", Money.UpTo)]);

        Assert.NotNull(sum.NotComputable);
        Assert.Null(sum.High);
    }

    [Fact]
    public void amounts_in_another_currency_are_not_added_but_reported()
    {
        var sum = Bounds.Sum("USD", [new Money(1, "USD", Money.Exact), new Money(1, "EUR", Money.Exact)]);

        Assert.Null(sum.Amount);
        Assert.Contains("mixes currencies", sum.NotComputable);
    }

    [Fact]
    public void values_not_reported_at_all_are_summed_without_a_currency_and_counted()
    {
        var sum = Bounds.Sum(null, [null, null]);

        Assert.Equal((null, 0m, null, "at-least", 2, 2), (sum.Amount, sum.Low, sum.High, sum.Precision, sum.Parts, sum.Undisclosed));
    }

    private static List<Money?> Parts(string parts) =>
        parts.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Part).ToList();

    private static Money? Part(string part)
    {
        if (part == "-")
        {
            return null;
        }

        var (figure, precision) = (part[..part.IndexOf(':', StringComparison.Ordinal)], part[(part.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        if (figure.Length == 0)
        {
            return new Money(null, "USD", precision);
        }

        var bounds = figure.Split('-');
        return new Money(Figure(bounds[0]), "USD", precision, bounds.Length > 1 ? Figure(bounds[1]) : null);
    }

    private static decimal? Figure(string text) => text.Length == 0 ? null : decimal.Parse(text, CultureInfo.InvariantCulture);
}
