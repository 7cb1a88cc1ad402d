using System.Net;
using System.Text.RegularExpressions;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Explorer;

/// <summary>
/// The "what changed between" page and the audit trail page over HTTP: the seed's cash-burn revision between two
/// dates, old and new; the trail's filters narrowing the rows, its pages following on; bad input answered clearly.
/// </summary>
public partial class AuditPageTests(ApiFixture api) : ApiTest(api)
{
    [Fact]
    public async Task changes_between_august_and_september_2025_include_the_cash_burn_revision_35B_to_115B()
    {
        await Api.ImportSeedAsync();
        await Api.CatchUpAsync();
        var client = Api.Client(withKey: false);

        var response = await client.GetAsync("/explore/changes?from=2025-08-01&to=2025-09-30");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        var api = await Api.GetJsonAsync("/changes?from=2025-08-01&to=2025-09-30");

        var burn = PartyPageTests.Row(page, "href=\"explore/estimates/openai-cash-burn-2025-2029\"");
        Assert.Contains("about $35B → about $115B", burn, StringComparison.Ordinal);
        Assert.Contains("2025-09-05", burn, StringComparison.Ordinal);
        Assert.Contains("href=\"explore/deals/oracle-openai-cloud-2025\"", page, StringComparison.Ordinal);
        Assert.Equal(api["changes"]!.AsArray().Count, RowCount(page));

        // A window before the revision does not show it; the form alone asks nothing.
        var july = WebUtility.HtmlDecode(await client.GetStringAsync("/explore/changes?from=2025-07-01&to=2025-07-31"));
        Assert.DoesNotContain("openai-cash-burn-2025-2029", july, StringComparison.Ordinal);
        Assert.Contains("oracle-openai-datacenters-2025", july, StringComparison.Ordinal);
        var form = await client.GetAsync("/explore/changes");
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Contains("<label for=\"from\">", await form.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        foreach (var query in new[] { "from=2025-09-30&to=2025-08-01", "from=2025-08-01", "from=yesterday&to=2025-09-30", "from=2025-02-30&to=2025-09-30" })
        {
            var bad = await client.GetAsync($"/explore/changes?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var text = WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync());
            Assert.Contains("role=\"alert\"", text, StringComparison.Ordinal);
            Assert.Contains("Give two dates from 1900-01-01 to 2200-12-31 (yyyy-MM-dd), 'from' on or before 'to'", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task a_window_with_more_changes_than_the_page_shows_says_how_many_and_shows_the_first_in_order()
    {
        var deals = Enumerable.Range(0, 260).Select(i => Envelopes.Deal($"wide-{i}", $"wide-deal-{i:000}", "2024-05-01").ToJsonString());
        (await Api.ImportAsync(string.Join('\n', deals))).EnsureSuccessStatusCode();
        await Api.CatchUpAsync();
        var total = (await Api.GetJsonAsync("/changes?from=2024-01-01&to=2024-12-31"))["changes"]!.AsArray().Count;
        Assert.True(total > 500, $"{total} changes");

        var page = WebUtility.HtmlDecode(await Api.Client(withKey: false).GetStringAsync("/explore/changes?from=2024-01-01&to=2024-12-31"));

        Assert.Contains($"<caption>{total} changes reported from 2024-01-01 to 2024-12-31, in reported order</caption>", page, StringComparison.Ordinal);
        Assert.Equal(500, RowCount(page));
        Assert.Contains($"The first 500 of {total} changes are shown: narrow the dates to see the others", page, StringComparison.Ordinal);

        // The home page as of a date in that window shows the last 20 of them, and says so.
        var home = PartyPageTests.Section(WebUtility.HtmlDecode(await Api.Client(withKey: false).GetStringAsync("/?asOf=2024-05-15")), "latest-heading");
        var month = (await Api.GetJsonAsync("/changes?from=2024-04-16&to=2024-05-15"))["changes"]!.AsArray();
        Assert.Contains($"the last 20 of {month.Count} changes, in reported order</caption>", home, StringComparison.Ordinal);
        Assert.Equal(20, RowCount(home));
        Assert.Contains($"href=\"explore/deals/{(string)month[^1]!["subject"]!}\"", home, StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_audit_trail_filters_narrow_the_rows_and_its_pages_follow_on()
    {
        await Api.ImportSeedAsync();
        await Api.CatchUpAsync();
        var client = Api.Client(withKey: false);
        var all = await Api.GetJsonAsync("/events?limit=500");
        var total = all["items"]!.AsArray().Count;

        var first = WebUtility.HtmlDecode(await client.GetStringAsync("/explore/audit?limit=20"));
        Assert.Equal(20, RowCount(first));
        Assert.Contains("<label for=\"type\">", first, StringComparison.Ordinal);
        Assert.Contains("href=\"explore/estimates/openai-cash-burn-2025-2029\"", WebUtility.HtmlDecode(await client.GetStringAsync("/explore/audit?limit=500")), StringComparison.Ordinal);
        var next = NextLink().Match(first);
        Assert.True(next.Success, "no next-page link on the first page");
        var second = WebUtility.HtmlDecode(await client.GetStringAsync(next.Groups[1].Value));
        Assert.Equal(total - 20, RowCount(second));
        Assert.True(Positions(second).Min() > Positions(first).Max());
        Assert.DoesNotMatch(NextLink(), second);
        Assert.Contains("End of the log", second, StringComparison.Ordinal);

        var revised = WebUtility.HtmlDecode(await client.GetStringAsync("/explore/audit?type=estimate.revised"));
        var row = PartyPageTests.Row(revised, "href=\"explore/estimates/openai-cash-burn-2025-2029\"");
        Assert.Equal(1, RowCount(revised));
        Assert.Contains("2025-09-05", row, StringComparison.Ordinal);
        Assert.Contains("The Information", row, StringComparison.Ordinal);
        Assert.Equal(0, RowCount(WebUtility.HtmlDecode(await client.GetStringAsync("/explore/audit?recordedTo=2000-01-01"))));

        foreach (var query in new[] { "limit=0", "limit=many", "recordedFrom=yesterday", "cursor=-3" })
        {
            var bad = await client.GetAsync($"/explore/audit?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var text = await bad.Content.ReadAsStringAsync();
            Assert.Contains("role=\"alert\"", text, StringComparison.Ordinal);
            Assert.Contains("per page 1 to 500", text, StringComparison.Ordinal);
        }

        var recorder = await client.GetAsync("/explore/audit?recordedBy=someone");
        Assert.Equal(HttpStatusCode.Unauthorized, recorder.StatusCode);
        Assert.Contains("<p role=\"alert\">Filtering by recorder needs an API key", await recorder.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>The rows of the page's first table body (0 when it has no table).</summary>
    private static int RowCount(string page) =>
        Body().Match(page) is { Success: true } body ? Regex.Count(body.Value, "<tr[ >]") : 0;

    private static IEnumerable<long> Positions(string page) =>
        PositionCell().Matches(page).Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex("<tbody>.*?</tbody>", RegexOptions.Singleline)]
    private static partial Regex Body();

    [GeneratedRegex("<th scope=\"row\">(\\d+)</th>")]
    private static partial Regex PositionCell();

    [GeneratedRegex("href=\"(explore/audit\\?[^\"]*cursor=[^\"]+)\" rel=\"next\"")]
    private static partial Regex NextLink();
}
