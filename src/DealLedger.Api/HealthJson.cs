using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DealLedger.Api;

/// <summary>The health answer as JSON: the overall status and each check's status and description.</summary>
public static class HealthJson
{
    public static Task WriteAsync(HttpContext context, HealthReport report) =>
        context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description }),
        });
}
