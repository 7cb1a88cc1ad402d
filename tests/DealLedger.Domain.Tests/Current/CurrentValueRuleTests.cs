using DealLedger.Domain.Current;
using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Tests.Current;

public class CurrentValueRuleTests
{
    private static readonly DateTimeOffset Recorded = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static int _recorded;

    /// <summary>A report; each one is recorded a second after the one before, so building them in a list is log order.</summary>
    private static FactRef Report(string factId, string reportedOn, string kind = "press", Effective? effective = null) =>
        new(factId, DateOnly.Parse(reportedOn, System.Globalization.CultureInfo.InvariantCulture), effective,
            new Source(factId + " publisher", "title", null, kind, "en", []), Recorded.AddSeconds(Interlocked.Increment(ref _recorded)));

    private static string? Current(params FactRef[] inRecordedOrder) => CurrentValueRule.Pick(inRecordedOrder, r => r)?.FactId;

    private static Effective Period(string text) =>
        Effective.TryParse(text, out var effective, out var error) ? effective! : throw new ArgumentException(error, nameof(text));

    [Fact]
    public void the_latest_reported_wins_whatever_the_order_it_was_recorded_in()
    {
        Assert.Equal("later", Current(Report("later", "2025-09-10"), Report("back-filled", "2024-01-05")));
        Assert.Equal("later", Current(Report("back-filled", "2024-01-05"), Report("later", "2025-09-10")));
    }

    [Fact]
    public void on_the_same_reported_day_a_filing_beats_a_company_statement_the_press_and_an_analyst()
    {
        Assert.Equal("filing", Current(Report("filing", "2025-09-10", "filing"), Report("company", "2025-09-10", "company"),
            Report("press", "2025-09-10", "press"), Report("analyst", "2025-09-10", "analyst")));
        Assert.Equal("company", Current(Report("company", "2025-09-10", "company"), Report("press", "2025-09-10", "press"),
            Report("analyst", "2025-09-10", "analyst")));
        Assert.Equal("press", Current(Report("analyst", "2025-09-10", "analyst"), Report("press", "2025-09-10", "press"),
            Report("analyst-again", "2025-09-10", "analyst")));
    }

    [Fact]
    public void rank_only_breaks_ties_of_the_reported_day()
    {
        Assert.Equal("analyst", Current(Report("filing", "2025-09-10", "filing"), Report("analyst", "2025-09-11", "analyst")));
    }

    [Fact]
    public void on_the_same_day_and_rank_the_later_recorded_wins()
    {
        Assert.Equal("second", Current(Report("first", "2025-09-10"), Report("second", "2025-09-10")));
        Assert.Null(Current());
    }

    [Fact]
    public void supersedes_is_the_same_rule_for_two_reports_in_log_order()
    {
        FactRef[] reports =
        [
            Report("a", "2025-09-10", "press"), Report("b", "2025-09-10", "filing"), Report("c", "2025-09-10", "press"),
            Report("d", "2025-09-11", "analyst"), Report("e", "2025-09-09", "filing"),
        ];
        foreach (var earlier in reports)
        {
            foreach (var later in reports.Where(r => r.RecordedAt > earlier.RecordedAt))
            {
                Assert.Equal(Current(earlier, later) == later.FactId, later.Supersedes(earlier));
            }
        }

        Assert.True(reports[0].Supersedes(null));
    }

    [Fact]
    public void retracted_and_corrected_reports_are_not_live()
    {
        var statuses = new Dictionary<string, FactStatus>
        {
            ["retracted"] = new() { State = FactStatus.Retracted, RetractedBy = "r" },
            ["corrected"] = new() { State = FactStatus.Corrected, CorrectedBy = "c" },
            ["disputed"] = new() { DisputedBy = ["FT"] },
            ["corroborated"] = new() { CorroboratedBy = ["Reuters"] },
        };

        Assert.False(CurrentValueRule.IsLive(statuses, "retracted"));
        Assert.False(CurrentValueRule.IsLive(statuses, "corrected"));
        Assert.True(CurrentValueRule.IsLive(statuses, "disputed"));
        Assert.True(CurrentValueRule.IsLive(statuses, "corroborated"));
        Assert.True(CurrentValueRule.IsLive(statuses, "never-mentioned"));
    }

    [Fact]
    public void a_retracted_latest_report_falls_back_to_the_best_live_one()
    {
        var statuses = new Dictionary<string, FactStatus> { ["rumour"] = new() { State = FactStatus.Retracted } };
        var live = new[] { Report("early", "2025-04-01"), Report("late", "2025-09-05"), Report("rumour", "2025-10-01") }
            .Where(r => CurrentValueRule.IsLive(statuses, r.FactId));

        Assert.Equal("late", CurrentValueRule.Pick(live, r => r)?.FactId);
    }

    [Theory]
    [InlineData("2027", "2028", false)]
    [InlineData("2027", "2027-06", true)]
    [InlineData("2025/2027", "2027/2029", true)]
    [InlineData("2025/2026", "2027/2029", false)]
    [InlineData("since 2027", "2030", true)]
    [InlineData("since 2027", "2026", false)]
    [InlineData("through 2026", "2019", true)]
    [InlineData("through 2026", "2027", false)]
    [InlineData("since 2027", "through 2026", false)]
    [InlineData("since 2026", "through 2026", true)]
    public void effective_periods_overlap_when_they_share_a_day_and_open_ends_reach_as_far_as_they_go(string a, string b, bool overlap)
    {
        Assert.Equal(overlap, CurrentValueRule.Overlap(Period(a), Period(b)));
        Assert.Equal(overlap, CurrentValueRule.Overlap(Period(b), Period(a)));
    }

    [Fact]
    public void an_unknown_period_overlaps_everything()
    {
        Assert.True(CurrentValueRule.Overlap(null, Period("2027")));
        Assert.True(CurrentValueRule.Overlap(Period("through 2019"), null));
        Assert.True(CurrentValueRule.Overlap(null, null));
    }
}
