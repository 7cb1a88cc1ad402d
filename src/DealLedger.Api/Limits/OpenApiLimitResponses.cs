using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace DealLedger.Api.Limits;

/// <summary>Every operation may be refused by a limit; the OpenAPI document says so once for all of them.</summary>
public static class OpenApiLimitResponses
{
    public static void Add(OpenApiOptions options) =>
        options.AddOperationTransformer((operation, _, _) =>
        {
            operation.Responses ??= new OpenApiResponses();
            operation.Responses.TryAdd("429", new OpenApiResponse
            {
                Description = "Past this client's request limit (per API key, or per address without a key); see Retry-After.",
            });
            operation.Responses.TryAdd("503", new OpenApiResponse
            {
                Description = "The database is busy or unavailable, or too many expensive requests are running; see Retry-After. " +
                    "Without Retry-After (problem type tag:dealledger,2026:problems/query-too-long), the query ran past the database's " +
                    "time limit and will again: narrow it.",
            });
            return Task.CompletedTask;
        });
}
