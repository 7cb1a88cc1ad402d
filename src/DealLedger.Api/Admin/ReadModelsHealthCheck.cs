using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DealLedger.Api.Admin;

/// <summary>
/// Unhealthy when a projection stopped on an event, or an async read model stopped advancing while events are
/// pending (a silent daemon stall); the description says which and why.
/// </summary>
public sealed class ReadModelsHealthCheck(ReadModelMonitor monitor, RebuildCoordinator rebuilds) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var states = await monitor.StatusAsync(rebuilds.Of, cancellationToken);
        var problems = states.Where(s => s.State is "stalled" or "failed")
            .Select(s => s.State == "failed"
                ? $"{s.Name} stopped on {s.Error}"
                : $"{s.Name} stalled at {s.Position} of {s.HighWaterMark} for {s.LagSeconds:0} s")
            .Concat(monitor.Failures.Where(f => states.All(s => s.Name != f.Key)).Select(f => $"{f.Key} stopped on {f.Value}"))
            .ToList();
        return problems.Count > 0 ? HealthCheckResult.Unhealthy(string.Join("; ", problems)) : HealthCheckResult.Healthy();
    }
}

/// <summary>Subscribes the monitor to the daemon's shard states once the host (and its daemon) has started.</summary>
public sealed class ReadModelWatch(IServiceProvider services, ReadModelMonitor monitor, IHostApplicationLifetime lifetime) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var coordinator = services.GetService<Marten.Events.Daemon.Coordination.IProjectionCoordinator>();
            _subscription = coordinator?.DaemonForMainDatabase().Tracker.Subscribe(monitor);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}
