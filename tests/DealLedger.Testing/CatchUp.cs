using JasperFx.Events.Daemon;
using Marten;

namespace DealLedger.Testing;

/// <summary>
/// Waits on the async read models for as long as they keep advancing: a slow, loaded machine is not a failure, a
/// read model that stops moving is. Progress is the sum of Marten's progression rows, so a wait fails only after
/// <see cref="Stall"/> without any of them moving, never after a fixed total.
/// </summary>
public static class CatchUp
{
    /// <summary>How long the read models may go without advancing before a wait fails.</summary>
    public static readonly TimeSpan Stall = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    /// <summary>Waits until <paramref name="waitForNonStale"/> succeeds (a store's or a host's non-stale wait), while progress continues.</summary>
    public static async Task WaitAsync(IDocumentStore store, Func<TimeSpan, Task> waitForNonStale)
    {
        var last = await ProgressAsync(store);
        while (true)
        {
            try
            {
                await waitForNonStale(Stall);
                return;
            }
            catch (TimeoutException)
            {
                var progress = await ProgressAsync(store);
                if (progress <= last)
                {
                    throw new TimeoutException($"the read models did not advance for {Stall.TotalSeconds:0} s (progress {progress})");
                }

                last = progress;
            }
        }
    }

    /// <summary>
    /// Rebuilds a read model with the daemon, for as long as the rebuild keeps advancing; cancels it and fails once
    /// no progression row has moved for <see cref="Stall"/>.
    /// </summary>
    public static async Task RebuildAsync(IProjectionDaemon daemon, IDocumentStore store, string readModel)
    {
        using var stalled = new CancellationTokenSource();

        // The daemon's own timeout is not the limit: the watch below is.
        var rebuild = daemon.RebuildProjectionAsync(readModel, TimeSpan.FromHours(6), stalled.Token);
        var last = await ProgressAsync(store);
        var since = DateTime.UtcNow;
        while (await Task.WhenAny(rebuild, Task.Delay(Poll)) != rebuild)
        {
            var progress = await ProgressAsync(store);
            if (progress != last)
            {
                (last, since) = (progress, DateTime.UtcNow);
            }
            else if (DateTime.UtcNow - since > Stall)
            {
                await stalled.CancelAsync();
                await rebuild.ContinueWith(_ => { }, TaskScheduler.Default);
                throw new TimeoutException($"the rebuild of {readModel} did not advance for {Stall.TotalSeconds:0} s (progress {progress})");
            }
        }

        await rebuild;
    }

    private static async Task<long> ProgressAsync(IDocumentStore store) =>
        (await store.Advanced.AllProjectionProgress()).Sum(p => p.Sequence);
}
