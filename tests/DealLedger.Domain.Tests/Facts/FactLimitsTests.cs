using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CsCheck;
using DealLedger.Domain.Facts;
using DealLedger.Domain.Recording;
using DealLedger.Testing;

namespace DealLedger.Domain.Tests.Facts;

public partial class FactLimitsTests
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    [Fact]
    public void facts_at_the_edges_of_every_range_are_accepted()
    {
        EdgeFacts.Scenarios("edge").Sample(scenario =>
        {
            var parties = new HashSet<string>(StringComparer.Ordinal);
            foreach (var envelope in scenario.Facts)
            {
                var (fact, errors) = Parse(envelope);
                Assert.True(errors.Count == 0, $"{envelope["type"]}: {string.Join("; ", errors)}");
                Assert.Empty(LedgerRules.CheckParties(fact!, parties));
                parties.UnionWith(LedgerRules.PartiesNamed(fact!.Event));
            }
        }, iter: 200);
    }

    public static TheoryData<string, Action<JsonObject>> OutOfRange => new()
    {
        { "data.parties", f => f["data"]!["parties"] = new JsonArray([.. Enumerable.Range(0, 4000).Select(i => (JsonNode)new JsonObject { ["party"] = $"p-{i}", ["role"] = "partner" })]) },
        { "data.parties", f => f["data"]!["parties"] = new JsonArray() },
        { "data.title", f => f["data"]!["title"] = new string('t', 301) },
        { "source.cites", f => f["source"]!["cites"] = new JsonArray([.. Enumerable.Range(0, 11).Select(i => (JsonNode)new JsonObject { ["publisher"] = $"P{i}", ["kind"] = "press" })]) },
        { "source.cites[0].cites[0].cites[0].cites", f => f["source"]!["cites"] = Chain(6) },
        { "effective", f => f["effective"] = "9999-12" },
        { "effective", f => f["effective"] = "9999-12-31" },
        { "effective", f => f["effective"] = "1899-12" },
        { "effective", f => f["effective"] = "2201" },
        { "reportedOn", f => f["reportedOn"] = "0001-01-01" },
        { "reportedOn", f => f["reportedOn"] = "1899-12-31" },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void a_deal_report_out_of_range_names_the_field(string field, Action<JsonObject> spoil)
    {
        var envelope = Envelopes.Deal("d1", "some-deal", "2025-09-10");
        spoil(envelope);

        var (fact, errors) = Parse(envelope);

        Assert.Null(fact);
        Assert.Contains(errors, e => e.Field == field);
    }

    public static TheoryData<string, string, object> OutOfRangeData => new()
    {
        { "deal.value-reported", "data.value.amount", new { term = "total", value = new { amount = 79228162514264337593543950335m, currency = "USD" } } },
        { "deal.value-reported", "data.value.amount", new { term = "total", value = new { amount = 1_000_000_000_000_000.0001m, currency = "USD" } } },
        { "deal.value-reported", "data.value.amount", new { term = "total", value = new { amount = 0.0000000001m, currency = "USD" } } },
        { "deal.value-reported", "data.value.max", new { term = "total", value = new { amount = 1m, max = 1e16m, currency = "USD", precision = "range" } } },
        { "deal.duration-reported", "data.months", new { months = 1_200_000 } },
        { "deal.duration-reported", "data.months", new { months = 12.5m } },
        { "deal.duration-reported", "data.months", new { months = 0 } },
        { "deal.capacity-reported", "data.gigawatts", new { gigawatts = 0m } },
        { "deal.capacity-reported", "data.gigawatts", new { gigawatts = 10_001m } },
        { "deal.start-reported", "data.start", new { start = "9999-12-31" } },
        { "deal.milestone-reported", "data.expected", new { milestone = "m", description = "d", expected = "summer 9999" } },
        { "estimate.revised", "data.statedChange.amount", new { value = new { amount = 1m, currency = "USD" }, statedChange = new { amount = -1e16m, currency = "USD" } } },
        { "estimate.revised", "data.value.amount", new { value = new { amount = 7.9228e28m, currency = "USD" } } },
    };

    [Theory]
    [MemberData(nameof(OutOfRangeData))]
    public void a_value_out_of_range_names_the_field_and_its_range(string type, string field, object data)
    {
        var envelope = Envelopes.Envelope("f1", type, "some-subject", "2025-09-10", data);

        var (fact, errors) = Parse(envelope);

        Assert.Null(fact);
        var error = Assert.Single(errors, e => e.Field == field);
        Assert.Matches("between|within|ledger's years", error.Message);
    }

    [Fact]
    public void json_numbers_beyond_decimal_are_out_of_range_not_a_crash()
    {
        var json = """{"factId":"f","type":"deal.duration-reported","subject":"s","reportedOn":"2025-01-01","source":{"publisher":"P","title":"T","kind":"press","language":"en"},"data":{"months":1e400}}""";

        var (fact, errors) = FactParser.Parse(JsonDocument.Parse(json).RootElement, Today);

        Assert.Null(fact);
        Assert.Contains(errors, e => e.Field == "data.months");
    }

    [Fact]
    public void a_deal_has_at_most_the_limit_of_parties_over_all_its_facts()
    {
        var max = (int)FactLimits.PartiesPerDeal.Max;
        var current = Enumerable.Range(0, max - 1).Select(i => $"p-{i}").ToHashSet(StringComparer.Ordinal);
        var one = Envelopes.Parse(Envelopes.Envelope("j1", "deal.party-joined", "big-deal", "2025-01-01", new { party = "last", role = "partner" }));
        var two = Envelopes.Parse(Envelopes.Deal("r2", "big-deal", "2025-01-01", "Wire", ("new-a", "partner"), ("new-b", "partner"), ("p-0", "buyer")));

        Assert.Empty(LedgerRules.CheckParties(one, current));
        var error = Assert.Single(LedgerRules.CheckParties(two, current));
        Assert.Equal("data.parties", error.Field);
        Assert.Contains($"at most {max}", error.Message);
    }

    [Fact]
    public void no_hostile_value_in_any_field_makes_the_parser_throw()
    {
        var hostile = Gen.OneOf<JsonNode?>(
            null, "", "\u0000", "\ud800", new string('x', 100_000), "9999-12", "-0", "1e400", "../..", "since 9999",
            JsonValue.Create(decimal.MaxValue), JsonValue.Create(decimal.MinValue), JsonValue.Create(double.Epsilon), JsonValue.Create(-1),
            JsonValue.Create(long.MaxValue), JsonValue.Create(true), new JsonArray(), new JsonObject(), Deep(50));
        var fields = new[]
        {
            "factId", "type", "subject", "reportedOn", "effective", "corrects", "source", "source.publisher", "source.cites", "source.url",
            "data", "data.title", "data.kind", "data.parties", "data.status", "data.description",
        };
        Gen.Select(Gen.OneOf(fields), hostile).Sample((field, value) =>
        {
            var envelope = Envelopes.Deal("d1", "some-deal", "2025-09-10");
            var path = field.Split('.');
            var parent = path.Length == 1 ? envelope : envelope[path[0]]!.AsObject();
            parent[path[^1]] = value?.DeepClone();

            var (fact, errors) = Parse(envelope);

            Assert.True(fact is not null || errors.Count > 0);
        }, iter: 500);
    }

    [Fact]
    public void operations_doc_lists_every_limit_with_its_bounds()
    {
        var markdown = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "operations.md"));
        var rows = LimitRow().Matches(markdown).ToDictionary(m => m.Groups["name"].Value, m => m.Value);

        Assert.All(FactLimits.All, limit =>
        {
            Assert.True(rows.TryGetValue(limit.Name, out var row), $"docs/operations.md has no row for the limit '{limit.Name}'");
            Assert.Contains($"| {Format(limit, limit.Min)} | {Format(limit, limit.Max)} |", row);
        });
    }

    private static string Format(FieldLimit limit, decimal value) =>
        value.ToString(limit == FactLimits.Year ? "0" : "#,0.####", System.Globalization.CultureInfo.InvariantCulture);

    private static (ParsedFact? Fact, IReadOnlyList<FieldError> Errors) Parse(JsonObject envelope) =>
        FactParser.Parse(JsonDocument.Parse(envelope.ToJsonString()).RootElement, Today);

    private static JsonArray Chain(int depth)
    {
        var root = new JsonObject { ["publisher"] = "C0", ["kind"] = "press" };
        var level = root;
        for (var i = 1; i < depth; i++)
        {
            var next = new JsonObject { ["publisher"] = $"C{i}", ["kind"] = "press" };
            level["cites"] = new JsonArray(next);
            level = next;
        }

        return new JsonArray(root);
    }

    private static JsonNode Deep(int depth)
    {
        JsonNode node = new JsonObject();
        for (var i = 0; i < depth; i++)
        {
            node = new JsonObject { ["a"] = node };
        }

        return node;
    }

    [GeneratedRegex(@"^\| `(?<name>[a-z-]+)` \|.*$", RegexOptions.Multiline)]
    private static partial Regex LimitRow();
}
