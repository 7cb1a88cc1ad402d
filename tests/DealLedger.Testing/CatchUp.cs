using Marten;

namespace DealLedger.Testing;

/// <summary>
/// Waits for the async read models to catch up for as long as they keep advancing: a slow, loaded machine is
/// not a failure, a read model that stops moving is.
/// </summary>
public static class CatchUp
{
    public static async Task WaitAsync(IDocumentStore store, Func<TimeSpan, Task> waitForNonStale)
    {
        var last = -1L;
        while (true)
        {
            try
            {
                await waitForNonStale(TimeSpan.FromSeconds(30));
                return;
            }
            catch (TimeoutException)
            {
                var progress = (await store.Advanced.AllProjectionProgress()).Sum(p => p.Sequence);
                if (progress <= last)
                {
                    throw;
                }

                last = progress;
            }
        }
    }
}
