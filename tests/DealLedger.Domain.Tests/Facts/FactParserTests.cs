using System.Text.Json;
using System.Text.Json.Nodes;
using DealLedger.Domain.Deals;
using DealLedger.Domain.Estimates;
using DealLedger.Domain.Facts;
using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Tests.Facts;

public class FactParserTests
{
    private static readonly DateOnly Today = new(2025, 9, 12);

    private static JsonObject Valid() => JsonNode.Parse("""
        {
          "factId": "wsj-oracle-value",
          "type": "deal.value-reported",
          "subject": "oracle-openai-cloud-2025",
          "reportedOn": "2025-09-10",
          "effective": "2027/2031",
          "source": { "publisher": "The Wall Street Journal", "title": "Oracle contract", "kind": "press", "language": "en",
                      "url": "https://www.wsj.com/", "cites": [ { "publisher": "People familiar", "kind": "press" } ] },
          "data": { "term": "total", "value": { "amount": 300000000000, "currency": "USD", "precision": "exact" } }
        }
        """)!.AsObject();

    private static (ParsedFact? Fact, IReadOnlyList<FieldError> Errors) Parse(JsonNode node) =>
        FactParser.Parse(JsonDocument.Parse(node.ToJsonString()).RootElement, Today);

    [Fact]
    public void a_valid_envelope_becomes_its_event_with_source_and_times()
    {
        var (fact, errors) = Parse(Valid());

        Assert.Empty(errors);
        var value = Assert.IsType<DealValueReported>(fact!.Event);
        Assert.Equal("oracle-openai-cloud-2025", fact.Subject);
        Assert.Equal(new Money(300_000_000_000m, "USD", "exact"), value.Value);
        Assert.Equal(new DateOnly(2025, 9, 10), value.Fact.ReportedOn);
        Assert.Equal(new DateOnly(2031, 12, 31), value.Fact.Effective!.To);
        Assert.Equal("The Wall Street Journal", value.Fact.Source.Publisher);
        Assert.Equal("People familiar", Assert.Single(value.Fact.Source.Cites).Publisher);
    }

    public static TheoryData<string, Action<JsonObject>, string> BadInputs => new()
    {
        { "missing source", f => f.Remove("source"), "source" },
        { "source without publisher", f => f["source"]!.AsObject().Remove("publisher"), "source.publisher" },
        { "unknown source kind", f => f["source"]!["kind"] = "blog", "source.kind" },
        { "negative amount", f => f["data"]!["value"]!["amount"] = -1, "data.value.amount" },
        { "non-numeric amount", f => f["data"]!["value"]!["amount"] = "300bn", "data.value.amount" },
        { "unknown currency", f => f["data"]!["value"]!["currency"] = "XYZ", "data.value.currency" },
        { "future reported date", f => f["reportedOn"] = "2025-09-14", "reportedOn" },
        { "malformed reported date", f => f["reportedOn"] = "10/09/2025", "reportedOn" },
        { "malformed period", f => f["effective"] = "2031/2027", "effective" },
        { "unknown type", f => f["type"] = "deal.rumour", "type" },
        { "missing fact id", f => f.Remove("factId"), "factId" },
        { "slug with spaces", f => f["subject"] = "Oracle OpenAI", "subject" },
        { "unknown top-level field", f => f["reportedBy"] = "me", "reportedBy" },
        { "unknown data field", f => f["data"]!["ammount"] = 1, "data.ammount" },
        { "unknown term", f => f["data"]!["term"] = "yearly", "data.term" },
        { "range without max", f => f["data"]!["value"]!["precision"] = "range", "data.value.max" },
        { "undisclosed with an amount", f => f["data"]!["value"]!["precision"] = "undisclosed", "data.value.amount" },
        { "url not http", f => f["source"]!["url"] = "ftp://x", "source.url" },
        { "NUL character", f => f["source"]!["title"] = "a\u0000b", "source.title" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void bad_input_is_rejected_naming_the_offending_field(string because, Action<JsonObject> spoil, string field)
    {
        var envelope = Valid();
        spoil(envelope);

        var (fact, errors) = Parse(envelope);

        Assert.Null(fact);
        Assert.True(errors.Any(e => e.Field == field), $"{because}: expected an error on '{field}', got {string.Join("; ", errors)}");
    }

    [Fact]
    public void an_unpaired_surrogate_is_a_field_error_not_a_crash()
    {
        var json = Valid().ToJsonString().Replace("Oracle contract", "\\ud800", StringComparison.Ordinal);

        var (fact, errors) = FactParser.Parse(JsonDocument.Parse(json).RootElement, Today);

        Assert.Null(fact);
        Assert.Contains(errors, e => e.Field == "source.title");
    }

    [Fact]
    public void every_problem_of_a_fact_is_listed_at_once()
    {
        var envelope = Valid();
        envelope["reportedOn"] = "2030-01-01";
        envelope["data"]!["value"]!["currency"] = "EURO";
        envelope["source"]!.AsObject().Remove("title");

        var (_, errors) = Parse(envelope);

        Assert.Equal(["data.value.currency", "reportedOn", "source.title"], errors.Select(e => e.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void every_field_of_the_data_is_read_whatever_else_is_wrong()
    {
        // A retraction with a bad fact id used to skip its reason and report it as an unknown field.
        var envelope = JsonNode.Parse("""
            { "factId": "r1", "type": "fact.retracted", "subject": "oracle-openai-cloud-2025", "reportedOn": "2025-09-10",
              "source": { "publisher": "WSJ", "title": "Correction", "kind": "press", "language": "en" },
              "data": { "factId": "", "reason": "not in the report", "reasn": "typo" } }
            """)!;

        var (_, errors) = Parse(envelope);

        Assert.Equal(["data.factId: must not be empty", "data.reasn: is not a known field"], errors.Select(e => $"{e.Field}: {e.Message}"));
    }

    [Fact]
    public void an_estimate_revision_keeps_the_change_as_the_source_stated_it()
    {
        var envelope = JsonNode.Parse("""
            { "factId": "info-burn", "type": "estimate.revised", "subject": "openai-cash-burn-2025-2029", "reportedOn": "2025-09-05",
              "source": { "publisher": "The Information", "title": "Cash burn", "kind": "press", "language": "en" },
              "data": { "value": { "amount": 115000000000, "currency": "USD", "precision": "about" },
                        "statedChange": { "amount": 80000000000, "currency": "USD", "precision": "about" } } }
            """)!;

        var (fact, errors) = Parse(envelope);

        Assert.Empty(errors);
        var revised = Assert.IsType<EstimateRevised>(fact!.Event);
        Assert.Equal(80_000_000_000m, revised.StatedChange!.Amount);
    }

    [Fact]
    public void every_line_of_the_seed_dataset_is_a_valid_fact()
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "seed-article.ndjson"));
        var parsed = lines.Select(l => FactParser.Parse(JsonDocument.Parse(l).RootElement, Today)).ToList();

        Assert.All(parsed, p => Assert.Empty(p.Errors));
        var types = parsed.Select(p => p.Fact!.Type.Name).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "deal.reported", "deal.value-reported", "deal.duration-reported", "deal.start-reported", "deal.capacity-reported",
            "deal.milestone-reported", "deal.status-changed", "deal.exclusivity-lifted", "deal.relation-reported",
            "fact.disputed", "estimate.reported", "estimate.revised", "party.executive-hired",
        }, types);
    }
}
