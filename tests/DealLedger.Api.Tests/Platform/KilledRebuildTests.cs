using System.Diagnostics;
using DealLedger.Projections;
using DealLedger.Testing;
using Marten;

namespace DealLedger.Api.Tests.Platform;

/// <summary>
/// A rebuild killed with SIGKILL half-way leaves the documents built live untouched (it builds beside them), and run
/// again ends in the same documents.
/// </summary>
public class KilledRebuildTests(CliLedgerFixture ledger) : CliTest(ledger)
{
    private const string ReadModel = "PartyExposure";

    [Fact]
    public async Task a_rebuild_killed_mid_way_and_started_again_ends_in_the_same_documents()
    {
        var facts = LedgerGenerator.Generate(seed: 9, deals: 3_000, factsPerDeal: 10).Select(Envelopes.Parse).ToList();
        foreach (var chunk in facts.Chunk(10_000))
        {
            await Ledger.RecordAsync(chunk);
        }

        await Ledger.CatchUpAsync();
        var live = await HashAsync();
        var total = (await Ledger.Store.Advanced.FetchEventStoreStatistics()).EventSequenceNumber;

        using (var first = StartRebuild())
        {
            var killedAt = await WaitUntilMidwayAsync(first, total);
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
            Assert.InRange(killedAt, 1, total - 1);
        }

        Assert.Equal(live, await HashAsync());

        using var second = StartRebuild();
        await second.WaitForExitAsync();
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(live, await HashAsync());
    }

    /// <summary>The API's own CLI in a process of its own: <c>read-models rebuild PartyExposure</c>.</summary>
    private Process StartRebuild() => ApiCli.Start(Ledger.ConnectionString, Ledger.Schema, "read-models", "rebuild", ReadModel);

    /// <summary>Waits until the rebuild has applied some events but not all (in its own progression row), and returns how far it got.</summary>
    private async Task<long> WaitUntilMidwayAsync(Process rebuild, long total)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromMinutes(2) && !rebuild.HasExited)
        {
            var model = ReadModels.All.Single(m => m.Name == ReadModel);
            var progress = ReadModels.ProgressOf(await Ledger.Store.Advanced.AllProjectionProgress(), model, model.RebuildVersion);
            if (progress > 0 && progress < total)
            {
                return progress;
            }

            await Task.Delay(20);
        }

        throw new InvalidOperationException($"the rebuild never was mid-way (exited: {rebuild.HasExited})");
    }

    private Task<string> HashAsync() => Ledger.HashAsync(ReadModels.All.Single(m => m.Name == ReadModel));
}
