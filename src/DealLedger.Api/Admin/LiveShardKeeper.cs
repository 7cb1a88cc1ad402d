using JasperFx;
using JasperFx.Events.Daemon;

namespace DealLedger.Api.Admin;

/// <summary>
/// Starts again a live shard of this node's daemon that stopped because its progression row moved underneath it,
/// which is what a rebuild swapped in by another process (the CLI) does. JasperFx stops a shard on that rather than
/// pausing it, and the coordinator restarts only paused shards, so without this the read model would stay behind
/// until the node restarts. The shard resumes from the moved progression, where the swapped-in documents stand.
/// A daemon paused as a whole (<c>IProjectionCoordinator.PauseAsync</c>, for maintenance) is left alone.
/// </summary>
public sealed class LiveShardKeeper(IServiceProvider services, IConfiguration configuration, ILogger<LiveShardKeeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.GetService<Marten.Events.Daemon.Coordination.IProjectionCoordinator>() is not { } coordinator ||
            configuration.GetValue("Projections:DaemonMode", DaemonMode.Solo) == DaemonMode.Disabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(configuration.GetValue("Projections:RestartCheckSeconds", 1.0)));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var daemon = coordinator.DaemonForMainDatabase();
                if (!daemon.IsRunning)
                {
                    continue;
                }

                var moved = daemon.CurrentAgents()
                    .Where(a => a is { Status: AgentStatus.Stopped, Failure.Category: ShardFailureCategory.ProgressionOutOfOrder })
                    .ToList();
                foreach (var agent in moved)
                {
                    logger.LogWarning("{Shard} stopped because its progression was moved by another process (a rebuild swapped in); starting it again from there",
                        agent.Name.Identity);
                    await daemon.StartAgentAsync(agent.Name, stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not restart the stopped projection shards");
            }
        }
    }
}
