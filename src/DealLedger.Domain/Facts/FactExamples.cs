using System.Text.Json.Nodes;

namespace DealLedger.Domain.Facts;

/// <summary>
/// One example fact of each type (<c>FactExamples.json</c>, beside this file): the OpenAPI document shows them, docs/facts.md
/// prints them, and the tests check that each is a valid fact for the parser and for the exported JSON Schema.
/// </summary>
public static class FactExamples
{
    private static readonly Lazy<JsonObject> Examples = new(() =>
    {
        using var stream = typeof(FactExamples).Assembly.GetManifestResourceStream("FactExamples.json")
            ?? throw new InvalidOperationException("FactExamples.json is not embedded in the Domain assembly");
        return JsonNode.Parse(stream)!.AsObject();
    });

    /// <summary>A fresh copy of the example of <paramref name="type"/>.</summary>
    public static JsonObject Of(FactType type) =>
        Examples.Value[type.Name]?.DeepClone().AsObject() ?? throw new InvalidOperationException($"FactExamples.json has no example of {type.Name}");
}
