using System.Globalization;
using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Tests.Sources;

public class EffectiveTests
{
    [Theory]
    [InlineData("2025-09-10", "2025-09-10", "2025-09-10", false)]
    [InlineData("2025-09", "2025-09-01", "2025-09-30", false)]
    [InlineData("2027", "2027-01-01", "2027-12-31", false)]
    [InlineData("Q3 2026", "2026-07-01", "2026-09-30", false)]
    [InlineData("H1 2026", "2026-01-01", "2026-06-30", false)]
    [InlineData("summer 2026", "2026-06-01", "2026-08-31", true)]
    [InlineData("winter 2026", "2026-12-01", "2027-02-28", true)]
    [InlineData("early 2026", "2026-01-01", "2026-04-30", true)]
    [InlineData("about 2024-09", "2024-09-01", "2024-09-30", true)]
    [InlineData("~2027", "2027-01-01", "2027-12-31", true)]
    [InlineData("2019/2024", "2019-01-01", "2024-12-31", false)]
    [InlineData("2025-01-21/2029", "2025-01-21", "2029-12-31", false)]
    public void parses_every_documented_form_into_inclusive_bounds(string text, string from, string to, bool approximate)
    {
        Assert.True(Effective.TryParse(text, out var effective, out var error), error);
        Assert.Equal(DateOnly.Parse(from, CultureInfo.InvariantCulture), effective!.From);
        Assert.Equal(DateOnly.Parse(to, CultureInfo.InvariantCulture), effective.To);
        Assert.Equal(approximate, effective.Approximate);
        Assert.Equal(text, effective.Text);
    }

    [Theory]
    [InlineData("\u0662\u0660\u0662\u0665")]
    [InlineData("\uFF12\uFF10\uFF12\uFF15")]
    [InlineData("Q3 \u0662\u0660\u0662\u0666")]
    [InlineData("summer \uFF12\uFF10\uFF12\uFF16")]
    [InlineData("\u0662\u0660\u0662\u0665-\u0660\u0669")]
    [InlineData("\u0662\u0660\u0662\u0665-\u0660\u0669-\u0661\u0660")]
    [InlineData("2019/\u0662\u0660\u0662\u0664")]
    [InlineData("since \uFF12\uFF10\uFF11\uFF19")]
    [InlineData("~\u0967\u096F\u096F\u096F")]
    public void digits_of_other_scripts_are_refused_as_unrecognised(string text)
    {
        Assert.False(Effective.TryParse(text, out var effective, out var error));
        Assert.Null(effective);
        Assert.Contains("is not, within the ledger's years", error, StringComparison.Ordinal);
    }

    [Fact]
    public void open_ended_periods_keep_a_null_bound()
    {
        Assert.True(Effective.TryParse("since 2019", out var since, out _));
        Assert.Equal(new DateOnly(2019, 1, 1), since!.From);
        Assert.Null(since.To);

        Assert.True(Effective.TryParse("through 2029", out var through, out _));
        Assert.Null(through!.From);
        Assert.Equal(new DateOnly(2029, 12, 31), through.To);
    }

    [Theory]
    [InlineData("2025-13")]
    [InlineData("2025-02-30")]
    [InlineData("next year")]
    [InlineData("2024/2019")]
    [InlineData("../..")]
    [InlineData("2019/2020/2021")]
    [InlineData("Q5 2026")]
    [InlineData("")]
    public void rejects_malformed_or_impossible_periods_with_a_reason(string text)
    {
        Assert.False(Effective.TryParse(text, out var effective, out var error));
        Assert.Null(effective);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void covers_tells_whether_a_date_falls_in_the_period()
    {
        Assert.True(Effective.TryParse("since 2019", out var exclusivity, out _));
        Assert.False(exclusivity!.Covers(new DateOnly(2018, 12, 31)));
        Assert.True(exclusivity.Covers(new DateOnly(2023, 6, 1)));
    }
}
