using DealLedger.Projections;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Platform;

/// <summary>The operators' commands, under both names: <c>projections list|status|rebuild</c> and <c>read-models ...</c>.</summary>
public class ReadModelsCliTests(CliLedgerFixture ledger) : CliTest(ledger)
{
    [Fact]
    public async Task projections_list_status_and_rebuild_are_the_catalogue_aware_commands()
    {
        await Ledger.RecordAsync(SeedData.Facts());
        await Ledger.CatchUpAsync();

        var list = await RunAsync("projections", "list");
        Assert.All(ReadModels.All, m => Assert.Contains(m.Name, list, StringComparison.Ordinal));
        Assert.Contains("kept", list, StringComparison.Ordinal);

        var status = await RunAsync("projections", "status");
        // Whole cells even without a terminal: the output of a script or a log is readable.
        Assert.Contains("high-water mark", status, StringComparison.Ordinal);
        Assert.All(ReadModels.All, m => Assert.Contains(m.Name, status, StringComparison.Ordinal));
        Assert.Contains("caught-up", status, StringComparison.Ordinal);
        Assert.Equal(status.Split('\n').Length, (await RunAsync("read-models", "status")).Split('\n').Length);

        var total = (await Ledger.Store.Advanced.FetchEventStoreStatistics()).EventSequenceNumber;
        var rebuild = await RunAsync("projections", "rebuild", "Timeline");
        Assert.Contains($"rebuilt Timeline: {total} events in ", rebuild, StringComparison.Ordinal);
    }

    [Fact]
    public async Task rebuild_of_an_empty_ledger_ends_at_once_and_says_so()
    {
        var start = ApiCli.StartInfo(Ledger.ConnectionString, Ledger.Schema, ["projections", "rebuild"]);
        var (exitCode, output) = await ApiCli.RunAsync(start, [], TimeSpan.FromMinutes(1));

        Assert.True(exitCode == 0, output);
        Assert.Contains("The log holds no events yet: nothing to replay", output, StringComparison.Ordinal);
        Assert.All(ReadModels.All, m => Assert.Contains($"rebuilt {m.Name}: 0 events in ", output, StringComparison.Ordinal));
    }

    private async Task<string> RunAsync(params string[] arguments)
    {
        var (exitCode, output) = await ApiCli.RunAsync(Ledger.ConnectionString, Ledger.Schema, arguments);
        Assert.True(exitCode == 0, output);
        return output;
    }
}
