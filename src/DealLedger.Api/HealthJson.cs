using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DealLedger.Api;

/// <summary>
/// The health answer as JSON. Anyone sees the overall status; only an admin key sees each check's description,
/// error and data, which name hosts, exception types and read models.
/// </summary>
public static class HealthJson
{
    /// <summary>The tag of the checks a node must pass to take traffic (<c>/health/ready</c>).</summary>
    public const string Ready = "ready";

    public static Task WriteAsync(HttpContext context, HealthReport report) =>
        context.User.IsInRole(Policies.Admin)
            ? context.Response.WriteAsJsonAsync(new
            {
                status = report.Status.ToString(),
                checks = report.Entries.Select(e => new
                {
                    name = e.Key,
                    status = e.Value.Status.ToString(),
                    description = e.Value.Description,
                    error = e.Value.Exception is { } x ? $"{x.GetType().FullName}: {x.Message}" : null,
                    data = e.Value.Data.Count == 0 ? null : e.Value.Data,
                    durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                }),
            })
            : context.Response.WriteAsJsonAsync(new { status = report.Status.ToString() });
}
