using System.Text.Json;
using System.Text.Json.Nodes;
using DealLedger.Domain.Facts;
using DealLedger.Testing;
using Json.Schema;

namespace DealLedger.Api.Tests.Platform;

/// <summary>
/// The OpenAPI document's request bodies are the fact contract as the parser reads it: one schema per fact type, a
/// oneOf discriminated by type, each type's data its own schema with every field, and an example per type that the
/// document's own schemas and the parser both accept.
/// </summary>
public class OpenApiFactSchemaTests(ApiFixture api) : ApiTest(api)
{
    private const string Components = "#/components/schemas/";

    [Fact]
    public async Task both_write_endpoints_take_the_fact_envelope_a_oneOf_of_one_schema_per_type_discriminated_by_type()
    {
        var document = await Api.GetJsonAsync("/openapi/v1.json");
        var schemas = document["components"]!["schemas"]!.AsObject();

        Assert.Equal(Components + FactSchema.EnvelopeName, Body(document, "/facts", "application/json")["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal(Components + FactSchema.EnvelopeName, Body(document, "/facts/import", "application/x-ndjson")["schema"]!["$ref"]!.GetValue<string>());

        var envelope = schemas[FactSchema.EnvelopeName]!;
        Assert.Equal(FactTypes.All.Select(t => Components + FactSchema.FactName(t)), envelope["oneOf"]!.AsArray().Select(r => (string?)r!["$ref"]));
        Assert.Equal("type", (string?)envelope["discriminator"]!["propertyName"]);
        Assert.Equal(FactTypes.All.Select(t => (t.Name, Components + FactSchema.FactName(t))),
            envelope["discriminator"]!["mapping"]!.AsObject().Select(m => (m.Key, (string)m.Value!)));

        var examples = Body(document, "/facts", "application/json")["examples"]!.AsObject();
        foreach (var type in FactTypes.All)
        {
            var fact = schemas[FactSchema.FactName(type)]!;
            Assert.Equal([type.Name], fact["properties"]!["type"]!["enum"]!.AsArray().Select(n => (string?)n));
            Assert.Equal(type.Name, (string?)fact["properties"]!["type"]!["default"]);
            Assert.Equal(Components + type.Data.Name, (string?)fact["properties"]!["data"]!["$ref"]);
            Assert.True(JsonNode.DeepEquals(FactExamples.Of(type), fact["examples"]![0]), $"{type.Name}'s schema example is not its docs example");
            Assert.True(JsonNode.DeepEquals(FactExamples.Of(type), examples[type.Name]!["value"]), $"POST /facts has no example of {type.Name}");

            var data = schemas[type.Data.Name]!;
            Assert.Equal(type.Data.Fields.Select(f => f.Name), data["properties"]!.AsObject().Select(p => p.Key));
            Assert.Equal(type.Data.Fields.Where(f => f.IsRequired).Select(f => f.Name), data["required"]?.AsArray().Select(n => (string)n!) ?? []);
            Assert.False((bool)data["additionalProperties"]!);
            Assert.All(data["properties"]!.AsObject(), p => Assert.NotNull(p.Value!["description"]));
        }
    }

    [Fact]
    public async Task each_types_example_is_valid_for_the_documents_schema_and_the_parser_and_a_spoiled_one_is_not()
    {
        var document = await Api.GetJsonAsync("/openapi/v1.json");
        var schema = JsonSchema.FromText(new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$ref"] = "#/$defs/" + FactSchema.EnvelopeName,
            ["$defs"] = JsonNode.Parse(document["components"]!["schemas"]!.ToJsonString().Replace(Components, "#/$defs/", StringComparison.Ordinal)),
        }.ToJsonString());

        foreach (var type in FactTypes.All)
        {
            var example = FactExamples.Of(type);
            var results = schema.Evaluate(JsonDocument.Parse(example.ToJsonString()).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.True(results.IsValid, $"{type.Name}: " + string.Join("; ", (results.Details ?? [])
                .Where(d => d.Errors is { Count: > 0 }).Select(d => $"{d.InstanceLocation}: {string.Join(", ", d.Errors!.Values)}").Take(5)));
            Assert.Empty(FactParser.Parse(JsonDocument.Parse(example.ToJsonString()).RootElement, DateOnly.MaxValue).Errors);

            example["data"]!.AsObject()["notAField"] = 1;
            Assert.False(schema.Evaluate(JsonDocument.Parse(example.ToJsonString()).RootElement).IsValid, $"{type.Name} with an unknown data field");
        }
    }

    private static JsonNode Body(JsonNode document, string path, string contentType) =>
        document["paths"]![path]!["post"]!["requestBody"]!["content"]![contentType]!;
}
