using DealLedger.Domain.Audit;
using DealLedger.Domain.Facts;
using DealLedger.Domain.Sources;
using DealLedger.Testing;

namespace DealLedger.Domain.Tests.Audit;

/// <summary>What became known between two reported dates: the window, the term and estimate comparisons, and facts about facts.</summary>
public class ChangeDetectionTests
{
    private const string Deal = "oracle-openai-cloud-2025";

    private static readonly ReportedWindow September = new(new DateOnly(2025, 9, 1), new DateOnly(2025, 9, 30));

    private static IFact Reported(string factId, string reportedOn) => Envelopes.Parse(Envelopes.Deal(factId, Deal, reportedOn)).Event;

    private static IFact Value(string factId, string reportedOn, decimal amount) => Envelopes.Parse(Envelopes.Value(factId, Deal, reportedOn, amount)).Event;

    private static IFact About(string factId, string type, string target, string reportedOn = "2025-09-15") =>
        Envelopes.Parse(Envelopes.Envelope(factId, type, Deal, reportedOn, type == "fact.disputed" ? new { factId = target, reason = "r" } : new { factId = target })).Event;

    private static bool Same(Money a, Money b) => a == b;

    private static readonly Money Before = new(300_000_000_000m, "USD", Money.Exact);

    private static readonly Money After = new(310_000_000_000m, "USD", Money.Exact);

    [Fact]
    public void the_window_splits_facts_into_known_before_it_known_at_its_end_and_reported_within_it()
    {
        var august = Value("v1", "2025-08-31", 1m);
        var first = Value("v2", "2025-09-01", 1m);
        var last = Value("v3", "2025-09-30", 1m);
        var october = Value("v4", "2025-10-01", 1m);

        Assert.Equal([true, false, false, false], new[] { august, first, last, october }.Select(September.IsBefore));
        Assert.Equal([true, true, true, false], new[] { august, first, last, october }.Select(September.IsKnownAtEnd));
        Assert.Equal([false, true, true, false], new[] { august, first, last, october }.Select(September.Contains));
    }

    [Fact]
    public void a_subject_first_reported_in_the_window_is_a_reported_change()
    {
        var report = Reported("d1", "2025-09-10");

        Assert.Same(report, September.FirstReport([report, Value("v1", "2025-09-11", 1m)]));
        Assert.Null(September.FirstReport([Reported("d0", "2025-08-01"), report]));
        Assert.Null(September.FirstReport([Reported("d2", "2025-10-01")]));
    }

    [Fact]
    public void a_term_with_no_value_before_is_new_and_one_with_another_value_is_revised()
    {
        Assert.Equal(ChangeKinds.NewTerm, ChangeDetection.OfTerm(null, After, afterHasSource: true, isStatus: false, Same));
        Assert.Equal(ChangeKinds.Revised, ChangeDetection.OfTerm(Before, After, afterHasSource: true, isStatus: false, Same));
        Assert.Equal(ChangeKinds.StatusChanged, ChangeDetection.OfTerm(Before, After, afterHasSource: true, isStatus: true, Same));
    }

    [Fact]
    public void a_term_whose_value_is_the_same_is_no_change_whatever_else_was_reported()
    {
        Assert.Null(ChangeDetection.OfTerm(Before, Before with { }, afterHasSource: true, isStatus: false, Same));
    }

    [Fact]
    public void a_term_that_lost_its_value_is_withdrawn_and_one_that_never_had_a_sourced_one_is_no_change()
    {
        Assert.Equal(ChangeKinds.Withdrawn, ChangeDetection.OfTerm(Before, null, afterHasSource: false, isStatus: false, Same));
        Assert.Null(ChangeDetection.OfTerm<Money>(null, null, afterHasSource: false, isStatus: false, Same));
    }

    [Fact]
    public void an_estimate_changes_when_its_current_value_comes_from_another_fact()
    {
        Assert.Equal(ChangeKinds.NewTerm, ChangeDetection.OfEstimate(null, "e1", sameValue: false));
        Assert.Equal(ChangeKinds.Revised, ChangeDetection.OfEstimate("e1", "e2", sameValue: false));
        Assert.Null(ChangeDetection.OfEstimate("e1", "e1", sameValue: true));
        Assert.Null(ChangeDetection.OfEstimate("e1", null, sameValue: false));

        // The same value reported again, by its publisher or another, is a repeat: nothing changed.
        Assert.Null(ChangeDetection.OfEstimate("e1", "e2", sameValue: true));
    }

    [Fact]
    public void facts_about_facts_relations_milestones_parties_and_corrections_are_changes_by_themselves()
    {
        var correction = Envelopes.Value("c1", Deal, "2025-09-12", 2m);
        correction["corrects"] = "v1";
        var cases = new (IFact Fact, string? Change)[]
        {
            (About("k1", "fact.corroborated", "v1"), ChangeKinds.Corroborated),
            (About("x1", "fact.disputed", "v1"), ChangeKinds.Disputed),
            (About("r1", "fact.retracted", "v1"), ChangeKinds.Retracted),
            (Envelopes.Parse(correction).Event, ChangeKinds.Corrected),
            (Envelopes.Parse(Envelopes.Envelope("rel1", "deal.relation-reported", Deal, "2025-09-12", new { relation = "part-of", target = "stargate" })).Event,
                ChangeKinds.Relation),
            (Envelopes.Parse(Envelopes.Envelope("m1", "deal.milestone-reported", Deal, "2025-09-12", new { milestone = "m", description = "d" })).Event,
                ChangeKinds.Milestone),
            (Envelopes.Parse(Envelopes.Envelope("j1", "deal.party-joined", Deal, "2025-09-12", new { party = "softbank", role = "partner" })).Event,
                ChangeKinds.PartyJoined),
            (Envelopes.Parse(Envelopes.Envelope("h1", "party.executive-hired", "openai", "2025-09-12", new { person = "P", role = "CEO" })).Event,
                ChangeKinds.Reported),
            (Value("v2", "2025-09-12", 1m), null),
            (Reported("d1", "2025-09-12"), null),
        };

        Assert.All(cases, c => Assert.Equal(c.Change, ChangeDetection.OfFact(c.Fact)));
    }

    [Fact]
    public void a_subject_is_a_deal_when_any_of_its_facts_is_a_deals_and_an_estimate_when_any_is_an_estimates()
    {
        var estimate = Envelopes.Parse(Envelopes.Estimate("e1", "openai-cash-burn", "2025-09-01", 1m, first: true)).Event;

        Assert.Equal(StreamKind.Deal, ChangeDetection.KindOf([About("k1", "fact.corroborated", "v1"), Value("v1", "2025-09-01", 1m)]));
        Assert.Equal(StreamKind.Estimate, ChangeDetection.KindOf([estimate, About("k1", "fact.corroborated", "e1")]));
        Assert.Null(ChangeDetection.KindOf([About("k1", "fact.corroborated", "v1")]));
    }
}
