using System.Text.Json.Serialization.Metadata;
using DealLedger.Projections.Deals;

namespace DealLedger.Api;

/// <summary>
/// JSON for HTTP answers. A deal summary keeps every report of every term (so a retraction can fall back to
/// the best remaining value), but a summary answer shows the current values: the reports are served by
/// <c>/deals/{slug}/terms/{term}/revisions</c>. Without this, a deal of 10,000 facts would answer megabytes.
/// </summary>
public static class ResponseJson
{
    public static void Configure(Microsoft.AspNetCore.Http.Json.JsonOptions options) =>
        options.SerializerOptions.TypeInfoResolver = new DefaultJsonTypeInfoResolver
        {
            Modifiers =
            {
                type =>
                {
                    if (type.Type == typeof(DealTerm) && type.Properties.FirstOrDefault(p => p.Name == "reports") is { } reports)
                    {
                        type.Properties.Remove(reports);
                    }

                    // Stored only, to check the whole summary kept in memory (DealSummaries); never an answer's.
                    if (type.Type == typeof(DealSummary) && type.Properties.FirstOrDefault(p => p.Name == "lastEventId") is { } lastEvent)
                    {
                        type.Properties.Remove(lastEvent);
                    }
                },
            },
        };
}
