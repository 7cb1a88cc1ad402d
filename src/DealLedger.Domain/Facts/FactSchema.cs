using System.Text.Json.Nodes;

namespace DealLedger.Domain.Facts;

/// <summary>
/// The fact contract as JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1), exported from the same shapes the
/// parser reads: <c>FactEnvelope</c> is a <c>oneOf</c> of one envelope per type (<c>DealReportedFact</c>...),
/// discriminated by <c>type</c>, each with its own <c>data</c> schema (<c>DealReportedData</c>...) and an example.
/// The shapes inside them are named Fact... (FactMoney, FactSource, FactVestingStep...): the OpenAPI document's response
/// schemas are named after the Domain's records (Money, Source, VestingStep), which describe stored facts, not requests.
/// What JSON Schema cannot say (the rules across fields, trimming, control characters, calendar dates) is in the
/// descriptions, and the parser checks it.
/// </summary>
public static class FactSchema
{
    public const string EnvelopeName = "FactEnvelope";

    private const string Dialect = "https://json-schema.org/draft/2020-12/schema";

    public static string FactName(FactType type) => type.SchemaName + "Fact";

    /// <summary>
    /// Every named schema of the fact contract, in a stable order (envelope, one envelope per type, each type's data,
    /// the shapes they share), with references written as <paramref name="refPrefix"/> + name: <c>#/$defs/</c> in a
    /// JSON Schema document, <c>#/components/schemas/</c> in OpenAPI.
    /// </summary>
    public static OrderedDictionary<string, JsonObject> Components(string refPrefix)
    {
        var schemas = new OrderedDictionary<string, JsonObject>(StringComparer.Ordinal)
        {
            [EnvelopeName] = new()
            {
                ["description"] = "A reported fact: the body of POST /facts and each line of an import. Its type says which fields its data has.",
                ["oneOf"] = new JsonArray([.. FactTypes.All.Select(t => Ref(refPrefix, FactName(t)))]),
                ["discriminator"] = new JsonObject
                {
                    ["propertyName"] = "type",
                    ["mapping"] = new JsonObject([.. FactTypes.All.Select(t => KeyValuePair.Create(t.Name, (JsonNode?)(refPrefix + FactName(t))))]),
                },
            },
        };
        foreach (var type in FactTypes.All)
        {
            schemas[FactName(type)] = Fact(type, refPrefix);
        }

        foreach (var type in FactTypes.All)
        {
            Add(schemas, type.Data, refPrefix);
        }

        Add(schemas, FactShapes.Source, refPrefix);
        return schemas;
    }

    /// <summary>A self-contained JSON Schema document of a fact envelope.</summary>
    public static JsonObject Document() => new()
    {
        ["$schema"] = Dialect,
        ["$ref"] = "#/$defs/" + EnvelopeName,
        ["$defs"] = new JsonObject([.. Components("#/$defs/").Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value))]),
    };

    private static JsonObject Fact(FactType type, string refPrefix)
    {
        var fields = FactShapes.Envelope.Fields.Where(f => f.Name != "corrects" || !type.IsAboutAnotherFact).ToList();
        var properties = new JsonObject();
        foreach (var field in fields)
        {
            properties[field.Name] = field.Name switch
            {
                // The default lets a generated client fill in the type of the envelope class it builds.
                "type" => new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(type.Name), ["default"] = type.Name, ["description"] = field.Description },
                "data" => Ref(refPrefix, type.Data.Name, field.Description),
                _ => Property(field, refPrefix),
            };
        }

        return new JsonObject
        {
            ["type"] = "object",
            ["description"] = type.Description,
            ["required"] = new JsonArray([.. fields.Where(f => f.IsRequired).Select(f => (JsonNode)f.Name)]),
            ["properties"] = properties,
            ["additionalProperties"] = false,
            ["examples"] = new JsonArray(FactExamples.Of(type)),
        };
    }

    private static void Add(OrderedDictionary<string, JsonObject> schemas, Shape shape, string refPrefix)
    {
        if (schemas.ContainsKey(shape.Name))
        {
            return;
        }

        var schema = new JsonObject
        {
            ["type"] = "object",
            ["description"] = shape.Rules.Count == 0
                ? shape.Description
                : $"{shape.Description} Rules: {string.Join("; ", shape.Rules.Select(r => r.Says))}.",
        };
        if (shape.Fields.Any(f => f.IsRequired))
        {
            schema["required"] = new JsonArray([.. shape.Fields.Where(f => f.IsRequired).Select(f => (JsonNode)f.Name)]);
        }

        schema["properties"] = new JsonObject([.. shape.Fields.Select(f => KeyValuePair.Create(f.Name, (JsonNode?)Property(f, refPrefix)))]);
        schema["additionalProperties"] = false;
        schemas[shape.Name] = schema;
        foreach (var field in shape.Fields.Where(f => f.Of is not null))
        {
            Add(schemas, field.Of!(), refPrefix);
        }
    }

    private static JsonObject Property(Field field, string refPrefix)
    {
        var limit = field.Limit;
        var schema = field.Kind switch
        {
            FieldKind.Text => Text(field, limit!),
            FieldKind.Slug => Text(field, limit!, pattern: JsonFields.SlugRegex),
            FieldKind.FactId => Text(field, limit!, pattern: JsonFields.FactIdRegex),
            FieldKind.Language => Text(field, limit!, pattern: JsonFields.LanguageRegex),
            FieldKind.Url => Text(field, limit!, pattern: "^[Hh][Tt][Tt][Pp][Ss]?://", format: "uri"),
            FieldKind.Currency => new JsonObject { ["type"] = "string", ["pattern"] = "^[A-Z]{3}$" },
            FieldKind.Word => new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. field.Words!.Select(w => (JsonNode)w)]) },
            FieldKind.Number => Number(limit!),
            FieldKind.Date => new JsonObject { ["type"] = "string", ["format"] = "date" },
            FieldKind.Period => new JsonObject
            {
                ["type"] = "string",
                ["maxLength"] = (int)limit!.Max,
                ["examples"] = new JsonArray("2025-09-10", "2025-09", "2027", "Q3 2026", "H1 2026", "summer 2026", "~2027", "2025-01-21/2029", "since 2019"),
            },
            FieldKind.Nested when field.Of is null => new JsonObject { ["type"] = "object" },
            FieldKind.Nested => Ref(refPrefix, field.Of().Name),
            FieldKind.List or FieldKind.Citations => List(field, limit!, refPrefix),
            _ => throw new InvalidOperationException($"no schema for {field.Kind}"),
        };
        if (field.Default is { } word)
        {
            schema["default"] = word;
        }

        schema["description"] = field.Description;
        return schema;
    }

    private static JsonObject Text(Field field, FieldLimit limit, string? pattern = null, string? format = null)
    {
        var schema = new JsonObject { ["type"] = "string" };
        if (format is not null)
        {
            schema["format"] = format;
        }

        if (field.IsRequired)
        {
            schema["minLength"] = 1;
        }

        schema["maxLength"] = (int)limit.Max;
        if (pattern is not null)
        {
            schema["pattern"] = pattern;
        }

        return schema;
    }

    /// <summary>A whole number is an integer (int32 or int64 by its maximum); any other is a decimal with at most its decimal places.</summary>
    private static JsonObject Number(FieldLimit limit)
    {
        var schema = limit.MaxDecimals == 0
            ? new JsonObject { ["type"] = "integer", ["format"] = limit.Max <= int.MaxValue ? "int32" : "int64" }
            : new JsonObject { ["type"] = "number", ["format"] = "decimal" };
        schema["minimum"] = limit.Min;
        schema["maximum"] = limit.Max;
        if (limit.MaxDecimals is int decimals and > 0)
        {
            schema["multipleOf"] = new decimal(1, 0, 0, false, (byte)decimals);
        }

        return schema;
    }

    private static JsonObject List(Field field, FieldLimit count, string refPrefix)
    {
        var schema = new JsonObject { ["type"] = "array", ["items"] = Ref(refPrefix, field.Of!().Name) };
        if (count.Min > 0)
        {
            schema["minItems"] = (int)count.Min;
        }

        schema["maxItems"] = (int)count.Max;
        return schema;
    }

    private static JsonObject Ref(string refPrefix, string name, string? description = null)
    {
        var schema = new JsonObject { ["$ref"] = refPrefix + name };
        if (description is not null)
        {
            schema["description"] = description;
        }

        return schema;
    }
}
