using System.Text.Json;
using DealLedger.Domain.Facts;
using DealLedger.Domain.Recording;

namespace DealLedger.Domain.Tests.Recording;

public class LedgerRulesTests
{
    private static ParsedFact Fact(string type, string data) =>
        FactParser.Parse(JsonDocument.Parse($$"""
            { "factId": "f1", "type": "{{type}}", "subject": "stargate-2025", "reportedOn": "2025-01-21",
              "source": { "publisher": "OpenAI", "title": "t", "kind": "company", "language": "en" }, "data": {{data}} }
            """).RootElement, new DateOnly(2026, 1, 1)).Fact!;

    private static readonly ParsedFact StatusChange = Fact("deal.status-changed", """{ "status": "stalled" }""");

    private static readonly ParsedFact DealReport = Fact("deal.reported",
        """{ "title": "Stargate", "kind": "joint-venture", "parties": [ { "party": "openai", "role": "partner" } ] }""");

    [Fact]
    public void a_fact_about_an_unknown_deal_is_refused_unless_it_reports_the_deal()
    {
        var error = Assert.Single(LedgerRules.Check(StatusChange, subject: null));
        Assert.Equal("subject", error.Field);
        Assert.Contains("deal.reported", error.Message);

        Assert.Empty(LedgerRules.Check(DealReport, subject: null));
    }

    [Fact]
    public void a_fact_on_a_stream_of_another_kind_is_refused()
    {
        var error = Assert.Single(LedgerRules.Check(StatusChange, new SubjectState(StreamKind.Estimate, 2)));
        Assert.Contains("estimate", error.Message);
    }

    [Fact]
    public void a_fact_on_a_known_deal_is_accepted()
    {
        Assert.Empty(LedgerRules.Check(StatusChange, new SubjectState(StreamKind.Deal, 3)));
    }

    [Fact]
    public void a_source_does_not_corroborate_its_own_fact()
    {
        var corroboration = Fact("fact.corroborated", """{ "factId": "earlier" }""");
        var own = new ReferencedFact("earlier", FactTypes.ByName["deal.value-reported"], "stargate-2025", "OpenAI", null, null);
        var others = own with { Publisher = "Reuters" };

        var error = Assert.Single(LedgerRules.CheckReference(corroboration, own));
        Assert.Equal("data.factId", error.Field);
        Assert.Contains("does not corroborate its own fact", error.Message);
        Assert.Empty(LedgerRules.CheckReference(corroboration, others));
    }
}
