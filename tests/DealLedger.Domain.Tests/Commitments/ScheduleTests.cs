using DealLedger.Domain.Commitments;
using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Tests.Commitments;

/// <summary>The commitments rule: how a deal's reported schedule terms place its value over years, or why they cannot.</summary>
public class ScheduleTests
{
    private const decimal B = 1_000_000_000m;

    [Fact]
    public void given_a_first_year_value_the_first_year_is_it_and_the_rest_is_spread_over_the_other_years()
    {
        var schedule = Schedule.Of(Terms(total: Usd(300 * B), firstYear: Usd(30 * B, Money.About), months: 60, start: "2027"));

        Assert.Null(schedule.Unscheduled);
        Assert.Equal([2027, 2028, 2029, 2030, 2031], schedule.Years.Select(y => y.Year));
        Assert.Equal([30 * B, 67.5m * B, 67.5m * B, 67.5m * B, 67.5m * B], schedule.Years.Select(y => y.Amount.Amount));
        Assert.All(schedule.Years, y => Assert.Equal(Money.About, y.Amount.Precision));
        Assert.Equal(["first-year", "remainder", "remainder", "remainder", "remainder"], schedule.Years.Select(y => y.Basis));
        Assert.Equal(["total", "first", "duration", "start"], schedule.Because);
    }

    [Fact]
    public void given_only_total_duration_and_start_the_total_is_spread_evenly_and_adds_up_exactly()
    {
        var schedule = Schedule.Of(Terms(total: Usd(100), months: 36, start: "2026-07"));

        Assert.Equal([33.33m, 33.33m, 33.34m], schedule.Years.Select(y => y.Amount.Amount));
        Assert.Equal(100, schedule.Years.Sum(y => y.Amount.Amount));
        Assert.All(schedule.Years, y => Assert.Equal(Money.Exact, y.Amount.Precision));
    }

    [Fact]
    public void given_an_annual_value_each_year_is_it_and_the_last_takes_what_remains_even_without_a_duration()
    {
        var schedule = Schedule.Of(Terms(total: Usd(250 * B), annual: Usd(60 * B), start: "2026"));

        Assert.Equal([2026, 2027, 2028, 2029, 2030], schedule.Years.Select(y => y.Year));
        Assert.Equal([60 * B, 60 * B, 60 * B, 60 * B, 10 * B], schedule.Years.Select(y => y.Amount.Amount));
        Assert.Equal("remainder", schedule.Years[^1].Basis);
    }

    [Fact]
    public void an_annual_value_that_the_total_cannot_hold_is_not_placed()
    {
        var schedule = Schedule.Of(Terms(total: Usd(100), annual: Usd(60), months: 36, start: "2026"));

        Assert.Equal(Schedule.Inconsistent, schedule.Unscheduled);
    }

    [Theory]
    [InlineData(false, true, true, Schedule.NoValue)]
    [InlineData(true, false, true, Schedule.NoStart)]
    [InlineData(true, true, false, Schedule.NoDuration)]
    public void a_deal_that_cannot_be_placed_says_why(bool hasTotal, bool hasStart, bool hasDuration, string why)
    {
        var schedule = Schedule.Of(Terms(total: hasTotal ? Usd(10 * B) : null, months: hasDuration ? 24 : null, start: hasStart ? "2026" : null));

        Assert.Equal(why, schedule.Unscheduled);
        Assert.Empty(schedule.Years);
    }

    [Fact]
    public void an_undisclosed_total_is_unscheduled_with_its_reason()
    {
        var schedule = Schedule.Of(Terms(total: new Money(null, "USD", Money.Undisclosed), months: 12, start: "2026"));

        Assert.Equal(Schedule.ValueUndisclosed, schedule.Unscheduled);
    }

    [Fact]
    public void a_range_total_spreads_both_ends_and_stays_a_range()
    {
        var schedule = Schedule.Of(Terms(total: new Money(100, "USD", Money.Range, 200), months: 24, start: "2026"));

        Assert.Equal([(50m, 100m), (50m, 100m)], schedule.Years.Select(y => (y.Amount.Amount!.Value, y.Amount.Max!.Value)));
        Assert.All(schedule.Years, y => Assert.Equal(Money.Range, y.Amount.Precision));
    }

    [Fact]
    public void figures_beyond_decimal_from_an_old_ledger_are_unscheduled_not_thrown()
    {
        var schedule = Schedule.Of(Terms(total: Usd(decimal.MaxValue), annual: Usd(decimal.MaxValue / 2), months: 1200, start: "2026"));

        Assert.NotNull(schedule.Unscheduled);
    }

    [Fact]
    public void a_zero_total_with_an_annual_value_and_no_duration_is_one_year_of_zero_not_a_division_by_zero()
    {
        var schedule = Schedule.Of(Terms(total: Usd(0), annual: Usd(5), start: "2026"));

        Assert.Null(schedule.Unscheduled);
        Assert.Equal([(2026, 0m)], schedule.Years.Select(y => (y.Year, y.Amount.Amount!.Value)));
    }

    [Fact]
    public void a_first_year_above_the_total_is_not_placed()
    {
        Assert.Equal(Schedule.Inconsistent, Schedule.Of(Terms(total: Usd(10), firstYear: Usd(20), months: 24, start: "2026")).Unscheduled);
    }

    [Fact]
    public void a_first_year_given_as_a_bound_does_not_place_a_year_and_the_total_is_spread()
    {
        var schedule = Schedule.Of(Terms(total: Usd(100), firstYear: Usd(30, Money.UpTo), months: 24, start: "2026"));

        Assert.Equal([50m, 50m], schedule.Years.Select(y => y.Amount.Amount));
        Assert.All(schedule.Years, y => Assert.Equal("even", y.Basis));
    }

    [Fact]
    public void an_even_spread_never_leaves_a_negative_last_year()
    {
        var schedule = Schedule.Of(Terms(total: Usd(0.05m), months: 84, start: "2026"));

        Assert.All(schedule.Years, y => Assert.True(y.Amount.Amount >= 0));
        Assert.Equal(0.05m, schedule.Years.Sum(y => y.Amount.Amount));
    }

    [Fact]
    public void a_range_total_at_the_limits_is_spread_without_overflow()
    {
        var limit = DealLedger.Domain.Facts.FactLimits.Amount.Max;
        var schedule = Schedule.Of(Terms(total: new Money(limit / 2, "USD", Money.Range, limit), months: 24, start: "2026"));

        Assert.Null(schedule.Unscheduled);
        Assert.Equal(limit, schedule.Years.Sum(y => y.Amount.Max));
    }

    private static Money Usd(decimal amount, string precision = Money.Exact) => new(amount, "USD", precision);

    private static ScheduleTerms Terms(Money? total = null, Money? firstYear = null, Money? annual = null, int? months = null, string? start = null) =>
        new(total is null ? null : new(total, "total"),
            firstYear is null ? null : new(firstYear, "first"),
            annual is null ? null : new(annual, "annual"),
            months is null ? null : new((months.Value, "exact"), "duration"),
            start is null ? null : new(Period(start), "start"));

    private static Effective Period(string words) => Effective.TryParse(words, out var period, out _) ? period! : throw new ArgumentException(words);
}
