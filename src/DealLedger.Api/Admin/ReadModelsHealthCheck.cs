using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DealLedger.Api.Admin;

/// <summary>
/// Unhealthy when a projection stopped on an event, or an async read model stopped advancing while events are
/// pending (a silent daemon stall); the description says which and why. Degraded (still ready) while the async read
/// models wait on a missing event sequence number, saying which and since when.
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
        if (problems.Count > 0)
        {
            return HealthCheckResult.Unhealthy(string.Join("; ", problems));
        }

        if (states.FirstOrDefault(s => s.WaitingOnSequence is not null) is { WaitingOnSequence: { } sequence, WaitingSince: { } since })
        {
            return HealthCheckResult.Degraded(
                $"async read models wait on event sequence number {sequence}, missing since {since:O}: a transaction holding it is still open, or rolled back",
                data: new Dictionary<string, object> { ["waitingOnSequence"] = sequence, ["waitingSince"] = since });
        }

        return HealthCheckResult.Healthy();
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
