using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace DealLedger.Api;

/// <summary>
/// An example answer for each operation's success responses: real answers of this API on the seed's facts, recorded by
/// a test (<c>ResponseExampleTests</c>, with the request's path and query parameters, with DEALLEDGER_WRITE_DOCS=1) into OpenApiResponseExamples.json (embedded), each
/// list cut to its first two items. Another test checks every example against its operation's response schema.
/// </summary>
public static class OpenApiResponseExamples
{
    public const string FileName = "OpenApiResponseExamples.json";

    /// <summary>operationId -> status code -> the answer's JSON.</summary>
    public static JsonObject Load()
    {
        using var stream = typeof(OpenApiResponseExamples).Assembly.GetManifestResourceStream($"DealLedger.Api.{FileName}")
            ?? throw new InvalidOperationException($"{FileName} is not embedded in the API's assembly");
        return JsonNode.Parse(stream)!.AsObject();
    }

    public static void Add(OpenApiOptions options)
    {
        // Every read outside /admin answers the basis it was read on beside the document it reads (the temporal reads
        // add it to the stored JSON): the schema of a single item's answer says so (optional there, as the same schema
        // describes list items, which have none).
        options.AddDocumentTransformer((document, _, _) =>
        {
            var schemas = document.Components?.Schemas;
            if (schemas is null || !schemas.ContainsKey(nameof(Temporal.Basis)))
            {
                return Task.CompletedTask;
            }

            foreach (var (path, item) in document.Paths)
            {
                if (path.StartsWith("/admin", StringComparison.Ordinal) || item.Operations is null ||
                    !item.Operations.TryGetValue(HttpMethod.Get, out var get) || get.Responses is null ||
                    !get.Responses.TryGetValue("200", out var ok) || ok.Content is null ||
                    !ok.Content.TryGetValue("application/json", out var media) ||
                    media.Schema is not OpenApiSchemaReference { Reference.Id: { } id } ||
                    !schemas.TryGetValue(id, out var target) || target is not OpenApiSchema { Properties: { } properties } ||
                    properties.ContainsKey("basis"))
                {
                    continue;
                }

                properties["basis"] = new OpenApiSchemaReference(nameof(Temporal.Basis), document)
                {
                    Description = $"The basis the answer was read on (in the answer of {path}; list items have none).",
                };
            }

            return Task.CompletedTask;
        });

        var examples = Load();
        options.AddOperationTransformer((operation, _, _) =>
        {
            if (operation.OperationId is not { } id || examples[id] is not JsonObject byStatus || operation.Responses is null)
            {
                return Task.CompletedTask;
            }

            // The example request's parameters (path and query), when the operation declares them itself.
            if (byStatus["parameters"] is JsonObject parameters)
            {
                foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
                {
                    if (parameter.Name is { } name && parameters[name] is { } value)
                    {
                        parameter.Example = value.DeepClone();
                    }
                }
            }

            foreach (var (status, example) in byStatus)
            {
                if (operation.Responses.TryGetValue(status, out var response) && response.Content is { } content &&
                    content.TryGetValue("application/json", out var media) && media is OpenApiMediaType json)
                {
                    json.Example = example!.DeepClone();
                }
            }

            return Task.CompletedTask;
        });
    }
}
