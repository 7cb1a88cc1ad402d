using DealLedger.Api.Facts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace DealLedger.Api;

/// <summary>
/// The write endpoints read their raw body themselves (to name every bad field and enforce size limits), so
/// Wolverine cannot infer a request body for OpenAPI; this fills it in from each endpoint's [Consumes].
/// </summary>
public static class OpenApiRequestBodies
{
    public static void Add(OpenApiOptions options) =>
        options.AddOperationTransformer(async (operation, context, ct) =>
        {
            var consumes = context.Description.ActionDescriptor.EndpointMetadata.OfType<ConsumesAttribute>().FirstOrDefault();
            if (consumes is null || operation.RequestBody is not null)
            {
                return;
            }

            var bodyType = consumes.ContentTypes.Contains(ImportFactsEndpoint.NdJson) ? typeof(string) : typeof(FactEnvelope);
            var schema = await context.GetOrCreateSchemaAsync(bodyType, null, ct);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = bodyType == typeof(string)
                    ? "One fact envelope (as for POST /facts) per line."
                    : "A fact envelope; see docs/facts.md for every type's data.",
                Content = consumes.ContentTypes.ToDictionary(t => t, _ => new OpenApiMediaType { Schema = schema }),
            };
        });
}
