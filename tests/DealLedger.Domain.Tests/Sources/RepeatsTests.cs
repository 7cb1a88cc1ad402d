using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Tests.Sources;

public class RepeatsTests
{
    private sealed record Report(decimal Value, string Publisher, bool Live = true);

    private static IReadOnlyList<string> Classify(params Report[] chain) =>
        Repeats.OfChain(chain, r => r.Live, (a, b) => a.Value == b.Value, r => r.Publisher);

    [Fact]
    public void the_same_value_again_is_a_restatement_from_its_publisher_and_a_corroboration_from_another()
    {
        var kinds = Classify(new(300, "WSJ"), new(300, "WSJ"), new(300, "Reuters"), new(300, "Reuters"));

        Assert.Equal([Repeats.First, Repeats.Restatement, Repeats.Corroboration, Repeats.Restatement], kinds);
    }

    [Fact]
    public void a_changed_value_is_a_revision_and_starts_a_new_run_of_publishers()
    {
        var kinds = Classify(new(300, "WSJ"), new(330, "Reuters"), new(330, "WSJ"), new(300, "WSJ"));

        // WSJ reported 300, not 330: its 330 corroborates Reuters; going back to 300 is a revision again.
        Assert.Equal([Repeats.First, Repeats.Revision, Repeats.Corroboration, Repeats.Revision], kinds);
    }

    [Fact]
    public void reports_that_no_longer_count_are_compared_with_the_live_value_but_never_become_it()
    {
        var kinds = Classify(new(300, "WSJ", Live: false), new(300, "WSJ"), new(0.5m, "Blog", Live: false), new(300, "Blog"));

        Assert.Equal([Repeats.First, Repeats.First, Repeats.Revision, Repeats.Corroboration], kinds);
    }
}
