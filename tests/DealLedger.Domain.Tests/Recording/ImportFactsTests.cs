using DealLedger.Domain.Facts;
using DealLedger.Domain.Recording;
using static DealLedger.Domain.Tests.Recording.Ledger;

namespace DealLedger.Domain.Tests.Recording;

/// <summary>Given what the ledger holds, when a file of facts is imported, then its appends or every bad line.</summary>
public class ImportFactsTests
{
    private static ImportDecision When(LedgerView given, params ParsedFact[] lines) =>
        ImportFacts.Decide(given, new ImportFacts(lines.Select((f, i) => (i + 1, f)).ToList(), []));

    private static IReadOnlyList<LineErrors> Refused(ImportDecision decision) => Assert.IsType<ImportDecision.Rejected>(decision).Lines;

    [Fact]
    public void facts_may_start_a_deal_refer_to_facts_and_relate_to_deals_earlier_in_the_same_file()
    {
        var decision = When(LedgerView.Empty,
            DealReported(publisher: "WSJ"),
            Value("v1", 300m, publisher: "WSJ"),
            About("k1", "fact.corroborated", "v1", publisher: "Reuters"),
            DealReported("o1", subject: "other-deal"),
            Relation("rel1", "other-deal"),
            Correction("c1", "v1", 310m, publisher: "WSJ"));

        var append = Assert.IsType<ImportDecision.Append>(decision);
        Assert.Equal((6, 6, 0), (append.Facts, append.Recorded, append.AlreadyPresent));
        Assert.Equal([(Deal, true, 5L), ("other-deal", true, 1L)], append.Streams.Select(s => (s.Subject, s.Starts, s.Version)));
        Assert.Equal(["d1", "v1", "k1", "rel1", "c1"], append.Streams[0].Facts.Select(f => f.Fact.FactId));
    }

    [Fact]
    public void order_within_the_file_matters_a_fact_before_the_one_it_needs_is_refused()
    {
        var lines = Refused(When(LedgerView.Empty,
            Value("v1", 300m),
            DealReported(),
            About("k1", "fact.corroborated", "v2"),
            Value("v2", 310m)));

        Assert.Equal([(1, "subject"), (3, "data.factId")], lines.Select(l => (l.Line, Assert.Single(l.Errors).Field)));
    }

    [Fact]
    public void the_rules_on_earlier_facts_see_what_earlier_lines_of_the_file_did_to_them()
    {
        var given = Holding(DealReported(), Value("v1", 300m), Value("v2", 310m));

        var lines = Refused(When(given,
            About("r1", "fact.retracted", "v1", publisher: "Test Wire"),
            About("k1", "fact.corroborated", "v1"),
            Correction("c1", "v2", 320m),
            Correction("c2", "v2", 330m)));

        Assert.Equal(2, lines.Count);
        Assert.Contains("was retracted by 'r1'", Assert.Single(lines[0].Errors).Message);
        Assert.Equal(2, lines[0].Line);
        Assert.Contains("already corrected by 'c1'", Assert.Single(lines[1].Errors).Message);
        Assert.Equal(4, lines[1].Line);
    }

    [Fact]
    public void one_bad_line_rejects_the_whole_file_and_every_bad_line_is_listed_in_line_order()
    {
        var unparsed = new LineErrors(2, null, [new FieldError("$", "malformed JSON")]);
        var facts = new List<(int, ParsedFact)>
        {
            (1, DealReported()),
            (3, Value("v1", 300m, subject: "no-such-deal")),
            (4, Value("v2", 310m)),
            (5, Relation("rel1", "no-such-deal")),
        };

        var lines = Refused(ImportFacts.Decide(LedgerView.Empty, new ImportFacts(facts, [unparsed])));

        Assert.Equal([(2, "$"), (3, "subject"), (5, "data.target")], lines.Select(l => (l.Line, Assert.Single(l.Errors).Field)));
        Assert.Equal([null, "v1", "rel1"], lines.Select(l => l.FactId));
    }

    [Fact]
    public void facts_already_in_the_ledger_or_earlier_in_the_file_are_counted_not_appended_again()
    {
        var given = Holding(DealReported(), Value("v1", 300m));

        var decision = When(given, DealReported(), Value("v1", 300m), Value("v2", 310m), Value("v2", 310m));

        var append = Assert.IsType<ImportDecision.Append>(decision);
        Assert.Equal((4, 1, 3), (append.Facts, append.Recorded, append.AlreadyPresent));
        var stream = Assert.Single(append.Streams);
        Assert.Equal((false, 3L), (stream.Starts, stream.Version));
    }

    [Fact]
    public void a_file_of_facts_all_already_recorded_appends_nothing()
    {
        var given = Holding(DealReported(), Value("v1", 300m));

        var append = Assert.IsType<ImportDecision.Append>(When(given, DealReported(), Value("v1", 300m)));

        Assert.Empty(append.Streams);
        Assert.Equal(2, append.AlreadyPresent);
    }

    [Fact]
    public void the_same_fact_id_with_other_content_in_the_ledger_or_earlier_in_the_file_is_refused()
    {
        var given = Holding(DealReported(), Value("v1", 300m));

        var lines = Refused(When(given, Value("v1", 301m), Value("v2", 310m), Value("v2", 311m)));

        Assert.Equal([1, 3], lines.Select(l => l.Line));
        Assert.Contains("already recorded with different content", lines[0].Errors[0].Message);
        Assert.Equal("'v2' appears earlier in this file with other content", lines[1].Errors[0].Message);
    }

    [Fact]
    public void parties_of_a_deal_are_counted_over_the_ledger_and_the_whole_file()
    {
        var max = (int)FactLimits.PartiesPerDeal.Max;
        var given = Holding(DealReported());
        var joins = Enumerable.Range(0, max - 1).Select(i => PartyJoined($"j{i}", $"p-{i}")).ToArray();

        var accepted = When(given, joins[..(max - 2)]);
        var refused = Refused(When(given, joins));

        Assert.IsType<ImportDecision.Append>(accepted);
        var line = Assert.Single(refused);
        Assert.Equal(max - 1, line.Line);
        Assert.Equal("data.party", Assert.Single(line.Errors).Field);
    }

    [Fact]
    public void a_fact_may_refer_to_a_party_that_an_earlier_line_joined_to_the_deal_and_to_no_other()
    {
        var paid = Testing.Envelopes.Parse(Testing.Envelopes.Envelope("v1", "deal.value-reported", Deal, "2025-02-06",
            new { term = "total", value = new { amount = 1m, currency = "USD" }, payer = "softbank", payee = "openai" }));

        var refused = Refused(When(Holding(DealReported()), paid));
        var accepted = When(Holding(DealReported()), PartyJoined("j1", "softbank"), paid);

        Assert.Equal("data.payer", Assert.Single(Assert.Single(refused).Errors).Field);
        Assert.IsType<ImportDecision.Append>(accepted);
    }
}
