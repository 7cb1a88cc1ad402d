using System.Text;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Facts;

/// <summary><c>import FILE</c>: a file of any size from the command line, checked whole, recorded in batches, safe to run again.</summary>
public sealed class ImportCommandTests(CliLedgerFixture ledger) : CliTest(ledger), IDisposable
{
    private readonly List<string> _files = [];

    [Fact]
    public async Task import_records_a_file_in_batches_and_running_it_again_records_nothing_new()
    {
        var file = await WriteAsync(Encoding.UTF8.GetString(SeedData.Bytes()));
        var facts = SeedData.Facts().Count;

        var first = await ImportAsync(file, "--batch", "7");
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains($"{facts} facts, {facts} recorded, 0 already present, recorder cli:", first.Output, StringComparison.Ordinal);
        Assert.Equal(facts, await EventCountAsync());

        var again = await ImportAsync(file);
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Contains($"{facts} facts, 0 recorded, {facts} already present", again.Output, StringComparison.Ordinal);
        Assert.Equal(facts, await EventCountAsync());
    }

    [Fact]
    public async Task one_bad_line_anywhere_and_nothing_is_written()
    {
        var lines = Encoding.UTF8.GetString(SeedData.Bytes()).TrimEnd('\n').Split('\n').ToList();
        lines.Insert(lines.Count - 1, """{"factId": "bad-line", "type": "deal.value-reported"}""");
        var file = await WriteAsync(string.Join('\n', lines));

        var result = await ImportAsync(file, "--batch", "5");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("1 line(s) cannot be recorded; nothing was written.", result.Output, StringComparison.Ordinal);
        Assert.Contains($"line {lines.Count - 1} (bad-line)", result.Output, StringComparison.Ordinal);
        Assert.Equal(0, await EventCountAsync());
    }

    [Fact]
    public async Task a_refused_batch_stops_the_import_with_the_batches_before_it_recorded()
    {
        var seed = Encoding.UTF8.GetString(SeedData.Bytes()).TrimEnd('\n').Split('\n');
        await ImportAsync(await WriteAsync(seed[0]));

        // The second batch re-sends the first seed fact with other content: a conflict on its fact id.
        var changed = seed[0].Replace("\"title\": \"", "\"title\": \"Changed: ", StringComparison.Ordinal);
        Assert.NotEqual(seed[0], changed);
        var file = await WriteAsync(string.Join('\n', seed[1], seed[2], changed));

        var result = await ImportAsync(file, "--batch", "2");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Stopped", result.Output, StringComparison.Ordinal);
        Assert.Contains("2 facts recorded and 0 already present before the stop", result.Output, StringComparison.Ordinal);
        Assert.Equal(3, await EventCountAsync());
    }

    private Task<(int ExitCode, string Output)> ImportAsync(string file, params string[] more) =>
        ApiCli.RunAsync(Ledger.ConnectionString, Ledger.Schema, ["import", file, .. more]);

    private async Task<string> WriteAsync(string ndjson)
    {
        var path = Path.Combine(Path.GetTempPath(), $"dealledger-import-{Guid.NewGuid():N}.ndjson");
        _files.Add(path);
        await File.WriteAllTextAsync(path, ndjson + "\n");
        return path;
    }

    public void Dispose() => _files.ForEach(File.Delete);

    private async Task<long> EventCountAsync() => (await Ledger.Store.Advanced.FetchEventStoreStatistics()).EventCount;
}
