using System.Text;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Adversarial;

/// <summary>The <c>import</c> command reads a file as strictly as <c>POST /facts/import</c> reads a body.</summary>
public sealed class CliInputTests(CliLedgerFixture ledger) : CliTest(ledger), IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"dealledger-import-{Guid.NewGuid():N}.ndjson");

    [Fact]
    public async Task the_import_command_refuses_a_file_with_a_line_that_is_not_utf8_naming_the_line_and_writes_nothing()
    {
        var good = Encoding.UTF8.GetBytes(Envelopes.Deal("d1", "deal-a", "2025-01-01").ToJsonString() + "\n");
        var envelope = Envelopes.Deal("d2", "deal-b", "2025-01-01", "Wire \u0001");
        envelope["source"]!["title"] = "A title";
        var bad = Encoding.UTF8.GetBytes(envelope.ToJsonString() + "\n");
        var control = Encoding.UTF8.GetBytes("\\u0001");
        var at = bad.AsSpan().IndexOf(control);
        await File.WriteAllBytesAsync(_file, [.. good, .. bad[..at], 0xFF, .. bad[(at + control.Length)..]]);

        var (exitCode, output) = await ApiCli.RunAsync(Ledger.ConnectionString, Ledger.Schema, ["import", _file]);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("1 line(s) cannot be recorded; nothing was written.", output, StringComparison.Ordinal);
        Assert.Contains("line 2 (d2): source.publisher: is not valid UTF-8 text", output, StringComparison.Ordinal);
        Assert.Equal(0, (await Ledger.Store.Advanced.FetchEventStoreStatistics()).EventCount);
    }

    public void Dispose() => File.Delete(_file);
}
