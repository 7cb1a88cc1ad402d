using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CsCheck;
using DealLedger.Domain.Facts;
using DealLedger.Testing;
using Json.Schema;

namespace DealLedger.Domain.Tests.Facts;

/// <summary>
/// The JSON Schema exported from the fact shapes says what the parser checks: every example and every edge fact the
/// parser accepts is valid, what JSON Schema can say the parser refuses it refuses too, and every field of every type is in it.
/// </summary>
public partial class FactSchemaTests
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    private static readonly JsonSchema Schema = JsonSchema.FromText(FactSchema.Document().ToJsonString());

    public static TheoryData<string> TypeNames => [.. FactTypes.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(TypeNames))]
    public void each_types_example_is_valid_for_the_parser_and_the_json_schema(string name)
    {
        var example = FactExamples.Of(FactTypes.ByName[name]);

        var (fact, errors) = Parse(example);

        Assert.True(errors.Count == 0, string.Join("; ", errors));
        Assert.Equal(name, fact!.Type.Name);
        Assert.Equal(name, (string?)example["type"]);
        AssertValid(example);
    }

    [Fact]
    public void every_example_in_docs_facts_md_is_valid_for_the_json_schema()
    {
        var markdown = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "facts.md"));
        var examples = JsonBlock().Matches(markdown).Select(m => JsonNode.Parse(m.Groups[1].Value)!.AsObject()).ToList();

        Assert.Equal(FactTypes.All.Count, examples.Count);
        Assert.All(examples, AssertValid);
    }

    [Fact]
    public void every_edge_fact_the_parser_accepts_the_json_schema_accepts()
    {
        EdgeFacts.Scenarios("edge").Sample(scenario =>
        {
            foreach (var envelope in scenario.Facts)
            {
                Assert.Empty(Parse(envelope).Errors);
                AssertValid(envelope);
            }
        }, iter: 20);
    }

    public static TheoryData<string, Func<JsonObject>> Refused => new()
    {
        { "unknown data field", () => With("deal.value-reported", e => e["data"]!["ammount"] = 1) },
        { "unknown envelope field", () => With("deal.value-reported", e => e["reportedBy"] = "me") },
        { "unknown type", () => With("deal.value-reported", e => e["type"] = "deal.rumour") },
        { "data of another type", () => With("deal.start-reported", e => e["type"] = "deal.duration-reported") },
        { "missing required data field", () => With("deal.reported", e => e["data"]!.AsObject().Remove("kind")) },
        { "word outside the vocabulary", () => With("deal.reported", e => e["data"]!["kind"] = "merger") },
        { "negative amount", () => With("deal.value-reported", e => e["data"]!["value"]!["amount"] = -1) },
        { "amount with 5 decimals", () => With("deal.value-reported", e => e["data"]!["value"]!["amount"] = 1.00001m) },
        { "amount beyond the limit", () => With("deal.value-reported", e => e["data"]!["value"]!["amount"] = 1e16m) },
        { "months not whole", () => With("deal.duration-reported", e => e["data"]!["months"] = 12.5m) },
        { "too many parties", () => With("deal.reported", e => e["data"]!["parties"] = new JsonArray([.. Enumerable.Range(0, 51).Select(i => (JsonNode)new JsonObject { ["party"] = $"p-{i}", ["role"] = "partner" })])) },
        { "slug with spaces", () => With("deal.value-reported", e => e["subject"] = "Oracle OpenAI") },
        { "title too long", () => With("deal.reported", e => e["data"]!["title"] = new string('t', 301)) },
        { "malformed fact id", () => With("deal.value-reported", e => e["factId"] = "-starts-with-a-hyphen") },
        { "url not http", () => With("deal.value-reported", e => e["source"]!["url"] = "ftp://example.com/") },
        { "correction by a fact about another fact", () => With("fact.retracted", e => e["corrects"] = "seed-oracle-contract-value") },
        { "cited source with an unknown field", () => With("deal.value-reported", e => e["source"]!["cites"] = new JsonArray(new JsonObject { ["publisher"] = "A", ["kind"] = "press", ["x"] = 1 })) },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void what_json_schema_can_say_it_refuses_as_the_parser_does(string because, Func<JsonObject> spoiled)
    {
        var envelope = spoiled();

        Assert.True(Parse(envelope).Errors.Count > 0, $"{because}: the parser accepts it");
        Assert.False(Evaluate(envelope).IsValid, $"{because}: the schema accepts it");
    }

    [Fact]
    public void the_envelope_is_one_of_a_schema_per_type_discriminated_by_type()
    {
        var components = FactSchema.Components("#/$defs/");
        var envelope = components[FactSchema.EnvelopeName];

        Assert.Equal(FactTypes.All.Select(t => "#/$defs/" + FactSchema.FactName(t)), envelope["oneOf"]!.AsArray().Select(r => (string?)r!["$ref"]));
        Assert.Equal("type", (string?)envelope["discriminator"]!["propertyName"]);
        var mapping = envelope["discriminator"]!["mapping"]!.AsObject();
        Assert.Equal(FactTypes.All.Select(t => (t.Name, "#/$defs/" + FactSchema.FactName(t))), mapping.Select(m => (m.Key, (string)m.Value!)));
        foreach (var type in FactTypes.All)
        {
            var fact = components[FactSchema.FactName(type)];
            Assert.Equal([type.Name], fact["properties"]!["type"]!["enum"]!.AsArray().Select(n => (string?)n));
            Assert.Equal(type.Name, (string?)fact["properties"]!["type"]!["default"]);
            Assert.Equal("#/$defs/" + type.Data.Name, (string?)fact["properties"]!["data"]!["$ref"]);
            Assert.Equal(type.IsAboutAnotherFact, !fact["properties"]!.AsObject().ContainsKey("corrects"));
        }
    }

    [Fact]
    public void every_field_of_every_type_is_in_its_schema_with_its_limits()
    {
        var components = FactSchema.Components("#/$defs/");
        foreach (var shape in FactTypes.All.Select(t => t.Data).Append(FactShapes.Money).Append(FactShapes.Source).Append(FactShapes.CitedSource))
        {
            var schema = components[shape.Name];
            var properties = schema["properties"]!.AsObject();
            Assert.Equal(shape.Fields.Select(f => f.Name), properties.Select(p => p.Key));
            Assert.Equal(shape.Fields.Where(f => f.IsRequired).Select(f => f.Name), schema["required"]?.AsArray().Select(n => (string)n!) ?? []);
            Assert.False((bool)schema["additionalProperties"]!);
            Assert.All(shape.Rules, rule => Assert.Contains(rule.Says, (string)schema["description"]!, StringComparison.Ordinal));
            foreach (var field in shape.Fields)
            {
                var property = properties[field.Name]!;
                var where = $"{shape.Name}.{field.Name}";
                Assert.True(property["description"] is not null, $"{where} has no description");
                switch (field.Kind)
                {
                    case FieldKind.Word:
                        Assert.Equal(field.Words!.Order(StringComparer.Ordinal), property["enum"]!.AsArray().Select(n => (string)n!).Order(StringComparer.Ordinal));
                        Assert.Equal(field.Default, (string?)property["default"]);
                        break;
                    case FieldKind.Number:
                        Assert.Equal(field.Limit!.Min, (decimal)property["minimum"]!);
                        Assert.Equal(field.Limit.Max, (decimal)property["maximum"]!);
                        Assert.Equal(field.Limit.MaxDecimals == 0 ? "integer" : "number", (string?)property["type"]);
                        break;
                    case FieldKind.Text or FieldKind.Slug or FieldKind.Period:
                        Assert.Equal((int)field.Limit!.Max, (int)property["maxLength"]!);
                        break;
                    case FieldKind.List or FieldKind.Citations:
                        Assert.Equal((int)field.Limit!.Max, (int)property["maxItems"]!);
                        Assert.Equal("#/$defs/" + field.Of!().Name, (string?)property["items"]!["$ref"]);
                        break;
                    case FieldKind.Nested:
                        Assert.Equal("#/$defs/" + field.Of!().Name, (string?)property["$ref"]);
                        break;
                }
            }
        }
    }

    private static JsonObject With(string type, Action<JsonObject> spoil)
    {
        var envelope = FactExamples.Of(FactTypes.ByName[type]);
        spoil(envelope);
        return envelope;
    }

    private static (ParsedFact? Fact, IReadOnlyList<FieldError> Errors) Parse(JsonObject envelope) =>
        FactParser.Parse(JsonDocument.Parse(envelope.ToJsonString()).RootElement, Today);

    private static EvaluationResults Evaluate(JsonObject envelope, OutputFormat output = OutputFormat.Flag) =>
        Schema.Evaluate(JsonDocument.Parse(envelope.ToJsonString()).RootElement, new EvaluationOptions { OutputFormat = output });

    private static void AssertValid(JsonObject envelope)
    {
        if (Evaluate(envelope).IsValid)
        {
            return;
        }

        var results = Evaluate(envelope, OutputFormat.List);
        Assert.True(results.IsValid, $"{envelope["type"]} {envelope["factId"]}: " + string.Join("; ", (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .Select(d => $"{d.InstanceLocation} ({d.EvaluationPath}): {string.Join(", ", d.Errors!.Values)}")
            .Take(10)));
    }

    [GeneratedRegex("```json\\n(.*?)\\n```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
