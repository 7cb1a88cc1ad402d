using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace DealLedger.Api.Reads;

/// <summary>Every read takes a minimum position and every read and write answers its position; the document says so.</summary>
public static class OpenApiReadPositions
{
    public static void Add(OpenApiOptions options) =>
        options.AddOperationTransformer((operation, context, _) =>
        {
            var method = context.Description.HttpMethod;
            var isRead = string.Equals(method, "GET", StringComparison.OrdinalIgnoreCase);
            var path = context.Description.RelativePath ?? "";
            var isWrite = string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase) && path.StartsWith("facts", StringComparison.Ordinal);
            if (!isRead && !isWrite)
            {
                return Task.CompletedTask;
            }

            if (isRead)
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = ReadPosition.MinimumQuery,
                    In = ParameterLocation.Query,
                    Description = "Answer on a basis that includes at least this log position (a write's or an earlier read's " +
                        $"{ReadPosition.Header}). A node not told of it yet waits briefly, then reads through to the database. " +
                        "Unlike position, it does not pin the answer in time.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "0" },
                });
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = ReadPosition.MinimumHeader,
                    In = ParameterLocation.Header,
                    Description = $"As {ReadPosition.MinimumQuery}, as a header (the higher of the two applies).",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "0" },
                });
            }

            foreach (var (status, response) in operation.Responses ?? [])
            {
                if (!status.StartsWith('2') || response is not OpenApiResponse concrete)
                {
                    continue;
                }

                concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                concrete.Headers.TryAdd(ReadPosition.Header, new OpenApiHeader
                {
                    Description = isRead
                        ? "The log position of the answer's basis."
                        : "The log position this write reached; pass it as minPosition to read it on any node.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" },
                });
            }

            return Task.CompletedTask;
        });
}
