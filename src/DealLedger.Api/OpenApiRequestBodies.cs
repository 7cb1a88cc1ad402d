using System.Text.Json.Nodes;
using DealLedger.Api.Facts;
using DealLedger.Domain.Facts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace DealLedger.Api;

/// <summary>
/// The write endpoints read their raw body themselves (to name every bad field and enforce size limits), so nothing can
/// infer their request bodies. This adds the fact contract's schemas, exported from the shapes the parser reads
/// (<see cref="FactSchema"/>: <c>FactEnvelope</c>, a <c>oneOf</c> discriminated by <c>type</c> over one schema per fact
/// type, each with its own <c>data</c> schema), and points each endpoint's [Consumes] at <c>FactEnvelope</c>.
/// </summary>
public static class OpenApiRequestBodies
{
    private const string RefPrefix = "#/components/schemas/";

    public static void Add(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
            foreach (var (name, schema) in FactSchema.Components(RefPrefix))
            {
                // A response schema of the same name would be silently replaced and describe the wrong thing.
                if (!document.Components.Schemas.TryAdd(name, ToOpenApi(schema, document)))
                {
                    throw new InvalidOperationException($"The fact schema '{name}' clashes with another schema of the OpenAPI document.");
                }
            }

            return Task.CompletedTask;
        });

        options.AddOperationTransformer((operation, context, _) =>
        {
            var consumes = context.Description.ActionDescriptor.EndpointMetadata.OfType<ConsumesAttribute>().FirstOrDefault();
            if (consumes is null || operation.RequestBody is not null)
            {
                return Task.CompletedTask;
            }

            var import = consumes.ContentTypes.Contains(ImportFactsEndpoint.NdJson);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = import
                    ? "Facts as NDJSON: one FactEnvelope per line, each as the body of POST /facts (the schema describes one line)."
                    : "A fact: its type says which fields its data has (docs/facts.md lists them, with these examples).",
                Content = consumes.ContentTypes.ToDictionary(t => t, _ => new OpenApiMediaType
                {
                    Schema = new OpenApiSchemaReference(FactSchema.EnvelopeName, context.Document),
                    Examples = import ? null : FactTypes.All.ToDictionary(t => t.Name, t => (IOpenApiExample)new OpenApiExample
                    {
                        Summary = t.Name,
                        Value = FactExamples.Of(t),
                    }),
                }),
            };
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// The JSON Schema keywords the fact schema uses, as OpenAPI.NET's model (OpenAPI 3.1 schemas are JSON Schema 2020-12).
    /// A keyword without a case here fails loudly, so the exporter cannot gain one that the document silently drops.
    /// </summary>
    private static IOpenApiSchema ToOpenApi(JsonObject json, OpenApiDocument document)
    {
        if (json["$ref"] is { } reference)
        {
            return new OpenApiSchemaReference(((string)reference!)[RefPrefix.Length..], document) { Description = (string?)json["description"] };
        }

        var schema = new OpenApiSchema();
        foreach (var (keyword, value) in json)
        {
            switch (keyword)
            {
                case "type":
                    schema.Type = Enum.Parse<JsonSchemaType>((string)value!, ignoreCase: true);
                    break;
                case "format":
                    schema.Format = (string?)value;
                    break;
                case "description":
                    schema.Description = (string?)value;
                    break;
                case "pattern":
                    schema.Pattern = (string?)value;
                    break;
                case "minLength":
                    schema.MinLength = (int)value!;
                    break;
                case "maxLength":
                    schema.MaxLength = (int)value!;
                    break;
                case "minItems":
                    schema.MinItems = (int)value!;
                    break;
                case "maxItems":
                    schema.MaxItems = (int)value!;
                    break;
                case "minimum":
                    schema.Minimum = value!.ToJsonString();
                    break;
                case "maximum":
                    schema.Maximum = value!.ToJsonString();
                    break;
                case "multipleOf":
                    schema.MultipleOf = (decimal)value!;
                    break;
                case "enum":
                    schema.Enum = [.. value!.AsArray().Select(v => v!.DeepClone())];
                    break;
                case "default":
                    schema.Default = value!.DeepClone();
                    break;
                case "examples":
                    schema.Examples = [.. value!.AsArray().Select(v => v!.DeepClone())];
                    break;
                case "required":
                    schema.Required = new HashSet<string>(value!.AsArray().Select(v => (string)v!), StringComparer.Ordinal);
                    break;
                case "properties":
                    schema.Properties = value!.AsObject().ToDictionary(p => p.Key, p => ToOpenApi(p.Value!.AsObject(), document), StringComparer.Ordinal);
                    break;
                case "additionalProperties":
                    schema.AdditionalPropertiesAllowed = (bool)value!;
                    break;
                case "items":
                    schema.Items = ToOpenApi(value!.AsObject(), document);
                    break;
                case "oneOf":
                    schema.OneOf = [.. value!.AsArray().Select(v => ToOpenApi(v!.AsObject(), document))];
                    break;
                case "discriminator":
                    schema.Discriminator = new OpenApiDiscriminator
                    {
                        PropertyName = (string?)value!["propertyName"],
                        Mapping = value["mapping"]!.AsObject().ToDictionary(
                            m => m.Key, m => new OpenApiSchemaReference(((string)m.Value!)[RefPrefix.Length..], document), StringComparer.Ordinal),
                    };
                    break;
                default:
                    throw new InvalidOperationException($"The fact schema's keyword '{keyword}' has no OpenAPI form here.");
            }
        }

        return schema;
    }
}
