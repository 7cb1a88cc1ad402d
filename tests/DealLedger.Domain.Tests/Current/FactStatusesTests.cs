using DealLedger.Domain.Current;
using DealLedger.Domain.Deals;
using DealLedger.Domain.Relations;
using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Tests.Current;

/// <summary>Given the statuses a subject holds, when a fact arrives, then these statuses changed.</summary>
public class FactStatusesTests
{
    private static FactInfo Info(string factId, string publisher, string? corrects = null) =>
        new(factId, new DateOnly(2025, 9, 10), null, new Source(publisher, "title", null, "press", "en", []), corrects);

    private static DealValueReported Value(string factId, string publisher, decimal amount, string? corrects = null) =>
        new(Info(factId, publisher, corrects), "total", new Money(amount, "USD", Money.Exact), null);

    private readonly SortedDictionary<string, FactStatus> _statuses = new(StringComparer.Ordinal);

    private IReadOnlyList<string> When(IFact fact) => FactStatuses.Apply(_statuses, fact);

    /// <summary>A fold that shares statuses with a kept summary copies exactly these before applying (copy on write).</summary>
    [Fact]
    public void the_targets_of_a_fact_are_the_statuses_it_changes()
    {
        IFact[] facts =
        [
            Value("plain", "WSJ", 1m),
            Value("wsj-fix", "WSJ", 30m, corrects: "wsj"),
            new FactRetracted(Info("withdrawn", "Some Blog"), "blog", "no source"),
            new FactCorroborated(Info("agree", "FT"), "wsj"),
            new FactDisputed(Info("disagree", "Reuters"), "wsj", "wrong"),
            new FactCorroborated(Info("agree-fix", "FT", corrects: "agree"), "ft"),
        ];
        foreach (var fact in facts)
        {
            Assert.Equal(When(fact).Order(StringComparer.Ordinal), FactStatuses.TargetsOf(fact).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void a_copied_status_changes_without_changing_the_original()
    {
        When(new FactCorroborated(Info("agree", "FT"), "wsj"));
        var original = _statuses["wsj"];
        var copy = FactStatuses.Copy(original);
        _statuses["wsj"] = copy;
        When(new FactDisputed(Info("disagree", "Reuters"), "wsj", "wrong"));

        Assert.Empty(original.DisputedBy);
        Assert.Equal(["Reuters"], copy.DisputedBy);
        Assert.Equal(["FT"], copy.CorroboratedBy);
    }

    [Fact]
    public void a_correction_marks_the_fact_it_corrects_and_names_itself()
    {
        var changed = When(Value("wsj-fix", "WSJ", 30m, corrects: "wsj"));

        Assert.Equal(["wsj"], changed);
        Assert.Equal(FactStatus.Corrected, _statuses["wsj"].State);
        Assert.Equal("wsj-fix", _statuses["wsj"].CorrectedBy);
        Assert.False(_statuses.ContainsKey("wsj-fix"));
    }

    [Fact]
    public void a_retraction_marks_the_fact_it_withdraws()
    {
        var changed = When(new FactRetracted(Info("withdrawn", "Some Blog"), "blog", "no source"));

        Assert.Equal(["blog"], changed);
        Assert.Equal(FactStatus.Retracted, _statuses["blog"].State);
        Assert.Equal("withdrawn", _statuses["blog"].RetractedBy);
    }

    [Fact]
    public void a_dispute_names_its_publisher_and_leaves_the_fact_live()
    {
        var changed = When(new FactDisputed(Info("dispute", "FT"), "claim", "no such site"));

        Assert.Equal(["claim"], changed);
        Assert.Equal(FactStatus.Live, _statuses["claim"].State);
        Assert.Equal(["FT"], _statuses["claim"].DisputedBy);
        Assert.Empty(_statuses["claim"].CorroboratedBy);
    }

    [Fact]
    public void corroborations_add_their_publishers_in_order_and_leave_the_fact_live()
    {
        When(new FactCorroborated(Info("reuters", "Reuters"), "wsj"));
        var changed = When(new FactCorroborated(Info("bloomberg", "Bloomberg"), "wsj"));

        Assert.Equal(["wsj"], changed);
        Assert.Equal(FactStatus.Live, _statuses["wsj"].State);
        Assert.Equal(["Reuters", "Bloomberg"], _statuses["wsj"].CorroboratedBy);
    }

    [Fact]
    public void a_retraction_keeps_what_was_said_about_the_fact_before()
    {
        When(new FactCorroborated(Info("reuters", "Reuters"), "blog"));
        When(new FactDisputed(Info("ft", "FT"), "blog", "doubtful"));
        When(new FactRetracted(Info("withdrawn", "Some Blog"), "blog", null));

        var status = _statuses["blog"];
        Assert.Equal(FactStatus.Retracted, status.State);
        Assert.Equal(["Reuters"], status.CorroboratedBy);
        Assert.Equal(["FT"], status.DisputedBy);
    }

    [Fact]
    public void a_fact_that_says_nothing_about_another_changes_nothing()
    {
        var changed = When(Value("wsj", "WSJ", 300m));

        Assert.Empty(changed);
        Assert.Empty(_statuses);
    }

    [Fact]
    public void a_corrected_fact_about_a_fact_changes_both()
    {
        var changed = When(new FactDisputed(Info("ft-2", "FT", corrects: "ft-1"), "claim", "reworded"));

        Assert.Equal(["ft-1", "claim"], changed);
        Assert.Equal(FactStatus.Corrected, _statuses["ft-1"].State);
        Assert.Equal(["FT"], _statuses["claim"].DisputedBy);
    }
}
