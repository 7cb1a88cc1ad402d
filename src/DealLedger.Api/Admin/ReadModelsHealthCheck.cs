using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DealLedger.Api.Admin;

/// <summary>Unhealthy when an async read model stopped advancing while events are pending (a silent daemon stall).</summary>
public sealed class ReadModelsHealthCheck(ReadModelMonitor monitor, RebuildCoordinator rebuilds) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var states = await monitor.StatusAsync(rebuilds.Of, cancellationToken);
        var stalled = states.Where(s => s.State == "stalled").ToList();
        if (stalled.Count > 0)
        {
            return HealthCheckResult.Unhealthy(string.Join("; ", stalled.Select(s =>
                $"{s.Name} stalled at {s.Position} of {s.HighWaterMark} for {s.LagSeconds:0} s")));
        }

        var failed = states.Where(s => s.Error is not null).ToList();
        return failed.Count > 0
            ? HealthCheckResult.Degraded(string.Join("; ", failed.Select(s => $"{s.Name}: last rebuild failed")))
            : HealthCheckResult.Healthy();
    }
}
