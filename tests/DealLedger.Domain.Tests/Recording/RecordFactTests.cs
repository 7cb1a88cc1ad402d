using System.Text.Json.Nodes;
using DealLedger.Domain.Facts;
using DealLedger.Domain.Recording;
using DealLedger.Testing;
using static DealLedger.Domain.Tests.Recording.Ledger;

namespace DealLedger.Domain.Tests.Recording;

/// <summary>Given what the ledger holds, when one fact is recorded, then its append or why not.</summary>
public class RecordFactTests
{
    private static RecordDecision When(LedgerView given, ParsedFact fact, long? expectedVersion = null) =>
        RecordFact.Decide(given, new RecordFact(fact, expectedVersion));

    private static FieldError Refused(RecordDecision decision) =>
        Assert.Single(Assert.IsType<RecordDecision.Rejected>(decision).Errors);

    [Fact]
    public void a_deal_report_starts_the_deal_stream()
    {
        var decision = When(LedgerView.Empty, DealReported());

        var append = Assert.IsType<RecordDecision.Append>(decision).Stream;
        Assert.Equal(new StreamAppend(Deal, StreamKind.Deal, true, 1, append.Facts), append);
        Assert.Equal("d1", Assert.Single(append.Facts).Fact.FactId);
    }

    [Fact]
    public void a_fact_on_a_known_deal_is_appended_at_the_next_version()
    {
        var decision = When(Holding(DealReported(), Value("v1", 300m)), Value("v2", 310m));

        var append = Assert.IsType<RecordDecision.Append>(decision).Stream;
        Assert.False(append.Starts);
        Assert.Equal(3, append.Version);
    }

    [Fact]
    public void a_fact_about_an_unknown_subject_is_refused_naming_the_fact_that_starts_it()
    {
        var error = Refused(When(LedgerView.Empty, Value("v1", 300m)));

        Assert.Equal("subject", error.Field);
        Assert.Contains("record a 'deal.reported' fact for it first", error.Message);
    }

    [Fact]
    public void a_fact_on_a_stream_of_another_kind_is_refused()
    {
        var error = Refused(When(Holding(Estimate("e1", "openai-cash-burn")), Value("v1", 300m, subject: "openai-cash-burn")));

        Assert.Equal("subject", error.Field);
        Assert.Contains("is a estimate, but 'deal.value-reported' is a deal fact", error.Message);
    }

    [Fact]
    public void a_source_corrects_only_its_own_facts()
    {
        var error = Refused(When(Holding(DealReported(), Value("v1", 300m, publisher: "WSJ")), Correction("c1", "v1", 310m, publisher: "Reuters")));

        Assert.Equal("corrects", error.Field);
        Assert.Contains("a source corrects only its own facts", error.Message);
    }

    [Fact]
    public void a_correction_has_the_corrected_facts_type()
    {
        var given = Holding(DealReported(), Value("v1", 300m));
        var correction = Correcting(Envelopes.Envelope("c1", "deal.status-changed", Deal, "2025-02-02", new { status = "stalled" }), corrects: "v1");

        var error = Refused(When(given, correction));

        Assert.Equal("corrects", error.Field);
        Assert.Contains("a correction has the corrected fact's type", error.Message);
    }

    [Fact]
    public void a_fact_corrected_once_is_not_corrected_again()
    {
        var error = Refused(When(Holding(DealReported(), Value("v1", 300m), Correction("c1", "v1", 310m)), Correction("c2", "v1", 320m)));

        Assert.Equal("corrects", error.Field);
        Assert.Contains("already corrected by 'c1'", error.Message);
    }

    [Fact]
    public void a_correction_by_its_own_publisher_is_appended()
    {
        var decision = When(Holding(DealReported(), Value("v1", 300m)), Correction("c1", "v1", 310m));

        Assert.IsType<RecordDecision.Append>(decision);
    }

    [Theory]
    [InlineData("fact.corroborated")]
    [InlineData("fact.disputed")]
    [InlineData("fact.retracted")]
    public void a_retracted_fact_cannot_be_referred_to(string type)
    {
        var given = Holding(DealReported(), Value("v1", 300m), About("r1", "fact.retracted", "v1", publisher: "Test Wire"));

        var error = Refused(When(given, About("x1", type, "v1")));

        Assert.Equal("data.factId", error.Field);
        Assert.Contains("was retracted by 'r1'", error.Message);
    }

    [Fact]
    public void a_source_does_not_corroborate_its_own_fact()
    {
        var given = Holding(DealReported(), Value("v1", 300m, publisher: "WSJ"));

        var error = Refused(When(given, About("k1", "fact.corroborated", "v1", publisher: "WSJ")));

        Assert.Equal("data.factId", error.Field);
        Assert.Contains("does not corroborate its own fact", error.Message);
        Assert.IsType<RecordDecision.Append>(When(given, About("k1", "fact.corroborated", "v1", publisher: "Reuters")));
    }

    [Fact]
    public void a_fact_about_a_fact_refers_to_a_fact_of_its_own_subject()
    {
        var given = Holding(DealReported(), DealReported("o1", subject: "other-deal"), Value("w1", 1m, subject: "other-deal"));

        var error = Refused(When(given, About("x1", "fact.disputed", "w1")));

        Assert.Equal("data.factId", error.Field);
        Assert.Contains("is not a fact recorded about 'stargate-2025'", error.Message);
    }

    [Fact]
    public void a_fact_about_a_fact_refers_to_the_fact_it_is_about_not_to_another_fact_about_it()
    {
        var given = Holding(DealReported(), Value("v1", 300m), About("k1", "fact.corroborated", "v1"));

        var error = Refused(When(given, About("x1", "fact.disputed", "k1")));

        Assert.Contains("is a 'fact.corroborated' fact; refer to the fact it is about", error.Message);
    }

    [Theory]
    [InlineData("stargate-2025", "a deal cannot relate to itself")]
    [InlineData("no-such-deal", "'no-such-deal' is not a known deal")]
    [InlineData("openai-cash-burn", "'openai-cash-burn' is not a known deal")]
    public void a_relation_names_another_known_deal(string target, string message)
    {
        var given = Holding(DealReported(), Estimate("e1", "openai-cash-burn"));

        var error = Refused(When(given, Relation("rel1", target)));

        Assert.Equal("data.target", error.Field);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void a_relation_to_a_known_deal_is_appended()
    {
        Assert.IsType<RecordDecision.Append>(When(Holding(DealReported(), DealReported("o1", subject: "other-deal")), Relation("rel1", "other-deal")));
    }

    [Fact]
    public void a_deal_has_at_most_the_limit_of_parties_over_all_its_facts()
    {
        var max = (int)FactLimits.PartiesPerDeal.Max;
        var full = Holding(DealReported()) with
        {
            Parties = new Dictionary<string, IReadOnlySet<string>>
            {
                [Deal] = Enumerable.Range(0, max).Select(i => $"p-{i}").ToHashSet(StringComparer.Ordinal),
            },
        };

        var error = Refused(When(full, PartyJoined("j1", "one-more")));

        Assert.Equal("data.party", error.Field);
        Assert.Contains($"has {max} parties and this fact would add 1", error.Message);
        Assert.IsType<RecordDecision.Append>(When(full, PartyJoined("j1", "p-0")));
    }

    [Fact]
    public void the_same_fact_sent_again_is_a_resend_of_the_recorded_one()
    {
        var given = Holding(DealReported(), Value("v1", 300m));

        var decision = When(given, Value("v1", 300m));

        var resent = Assert.IsType<RecordDecision.AlreadyRecorded>(decision).Fact;
        Assert.Equal(("v1", "deal.value-reported", Deal, 2L, EventId(1)), (resent.FactId, resent.Type, resent.Subject, resent.Version, resent.EventId));
    }

    [Theory]
    [InlineData(310, Deal)]
    [InlineData(300, "other-deal")]
    public void the_same_fact_id_with_other_content_or_on_another_subject_is_a_conflict(decimal amount, string subject)
    {
        var given = Holding(DealReported(), DealReported("o1", subject: "other-deal"), Value("v1", 300m));

        var decision = When(given, Value("v1", amount, subject: subject));

        Assert.Contains("fact 'v1' is already recorded with different content", Assert.IsType<RecordDecision.Conflict>(decision).Detail);
    }

    [Fact]
    public void a_fact_id_whose_event_the_log_did_not_return_is_a_conflict_not_a_resend()
    {
        var given = Holding(DealReported(), Value("v1", 300m));
        given = given with { Stored = new Dictionary<string, StoredFact> { ["v1"] = given.Stored["v1"] with { Content = null } } };

        Assert.IsType<RecordDecision.Conflict>(When(given, Value("v1", 300m)));
    }

    [Fact]
    public void an_expected_version_other_than_the_subjects_is_stale_and_the_current_one_is_appended()
    {
        var given = Holding(DealReported(), Value("v1", 300m));

        Assert.Equal(2, Assert.IsType<RecordDecision.Stale>(When(given, Value("v2", 310m), expectedVersion: 1)).CurrentVersion);
        Assert.Equal(3, Assert.IsType<RecordDecision.Append>(When(given, Value("v2", 310m), expectedVersion: 2)).Stream.Version);
        Assert.Equal(0, Assert.IsType<RecordDecision.Stale>(When(LedgerView.Empty, DealReported(), expectedVersion: 1)).CurrentVersion);
    }

    [Fact]
    public void a_resend_and_a_broken_rule_are_answered_before_a_stale_expected_version()
    {
        var given = Holding(DealReported(), Value("v1", 300m));

        Assert.IsType<RecordDecision.AlreadyRecorded>(When(given, Value("v1", 300m), expectedVersion: 1));
        Assert.IsType<RecordDecision.Rejected>(When(given, Relation("rel1", "no-such-deal"), expectedVersion: 1));
    }

    private static ParsedFact Correcting(JsonObject envelope, string corrects)
    {
        envelope["corrects"] = corrects;
        return Envelopes.Parse(envelope);
    }
}
