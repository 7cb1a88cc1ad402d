using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DealLedger.Api.Explorer;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Explorer;

/// <summary>
/// The party page over HTTP: OpenAI's deals and its exposure per counterparty and year, every figure the one
/// <c>GET /parties/{slug}</c> and <c>GET /commitments/{buyer}</c> answer, and the as-of control taking facts away.
/// </summary>
public partial class PartyPageTests(ApiFixture api) : ApiTest(api)
{
    private const string OracleCloud = "oracle-openai-cloud-2025";

    [Fact]
    public async Task openai_shows_the_oracle_300B_commitment_over_its_years_with_the_apis_totals_and_links_to_its_deals()
    {
        await Api.ImportSeedAsync();
        await Api.CatchUpAsync();
        var client = Api.Client(withKey: false);

        var response = await client.GetAsync("/explore/parties/openai");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        var exposure = await Api.GetJsonAsync("/parties/openai");
        var commitments = await Api.GetJsonAsync("/commitments/openai");

        Assert.Contains("<h1>OpenAI</h1>", page, StringComparison.Ordinal);
        foreach (var deal in exposure["deals"]!.AsArray())
        {
            Assert.Contains($"href=\"explore/deals/{(string?)deal!["deal"]}\"", page, StringComparison.Ordinal);
        }

        Assert.Contains($"href=\"explore/deals/{OracleCloud}\"", page, StringComparison.Ordinal);
        Assert.Contains("href=\"explore/estimates/openai-cash-burn-2025-2029\"", page, StringComparison.Ordinal);

        // The counterparty-by-year table: Oracle's row holds the API's figure for each year, 2027 to 2031 (60 months from 2027).
        var years = Section(page, "years-heading");
        var oracleYears = commitments["years"]!.AsArray().Where(y => (string?)y!["counterparty"] == "oracle").ToList();
        Assert.Equal([2027, 2028, 2029, 2030, 2031], oracleYears.Select(y => (int)y!["year"]!));
        var oracleRow = Row(years, "explore/parties/oracle");
        Assert.Equal(oracleYears.Select(y => Sum(y!, undisclosed: 0)), Cells(oracleRow).SkipLast(1));
        Assert.Equal(["about $30B", "about $67.5B", "about $67.5B", "about $67.5B", "about $67.5B", "about $300B"], Cells(oracleRow));
        Assert.Contains("<svg role=\"img\"", years, StringComparison.Ordinal);
        Assert.Contains("<title>2027: about $30B", years, StringComparison.Ordinal);

        // The exposure table: Oracle's row and the totals are the API's figures, undisclosed parts said as such.
        var table = Section(page, "exposure-heading");
        var oracle = Counterparty(exposure, "oracle");
        Assert.Equal(Figures(oracle["out"]!), Cells(Row(table, "explore/parties/oracle"))[1]);
        Assert.Contains("purchase-commitment: $300B", Row(table, "explore/parties/oracle"), StringComparison.Ordinal);
        var totals = Cells(Between(table, "<tfoot>", "</tfoot>"));
        Assert.Equal(
            [Figures(exposure["totals"]!["out"]!), Figures(exposure["totals"]!["in"]!), Figures(exposure["totals"]!["notReported"]!)],
            totals.Skip(1));
        Assert.Contains("purchase-commitment: at least $310B + 1 amount undisclosed", totals[1], StringComparison.Ordinal);
        Assert.Contains("contribution: 1 amount undisclosed", totals[1], StringComparison.Ordinal);
        Assert.Contains("pays a share not disclosed", Row(Section(page, "deals-heading"), "explore/deals/stargate-2025\""), StringComparison.Ordinal);
        Assert.DoesNotContain("$0", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task as_of_a_date_before_the_oracle_contract_was_reported_the_page_no_longer_shows_it()
    {
        await Api.ImportSeedAsync();
        await Api.CatchUpAsync();
        var client = Api.Client(withKey: false);

        // The Wall Street Journal reported the contract on 2025-09-10.
        var page = WebUtility.HtmlDecode(await client.GetStringAsync("/explore/parties/openai?asOf=2025-09-09"));
        var exposure = await Api.GetJsonAsync("/parties/openai?asOf=2025-09-09");

        Assert.Contains("facts reported by 2025-09-09", page, StringComparison.Ordinal);
        Assert.DoesNotContain(OracleCloud, page, StringComparison.Ordinal);
        Assert.DoesNotContain("$300B", page, StringComparison.Ordinal);
        Assert.DoesNotContain(exposure["deals"]!.AsArray(), d => (string?)d!["deal"] == OracleCloud);
        Assert.Contains("href=\"explore/deals/oracle-openai-datacenters-2025?asOf=2025-09-09\"", page, StringComparison.Ordinal);
        var totals = Cells(Between(Section(page, "exposure-heading"), "<tfoot>", "</tfoot>"));
        Assert.Equal(Figures(exposure["totals"]!["out"]!), totals[1]);

        Assert.Contains("href=\"explore/estimates/openai-cash-burn-2025-2029?asOf=2025-09-09\"", page, StringComparison.Ordinal);

        // The cash-burn estimate was first reported on 2025-04-01.
        var march = WebUtility.HtmlDecode(await client.GetStringAsync("/explore/parties/openai?asOf=2025-03-31"));
        Assert.DoesNotContain("openai-cash-burn-2025-2029", march, StringComparison.Ordinal);

        var now = WebUtility.HtmlDecode(await client.GetStringAsync("/explore/parties/openai"));
        Assert.Contains(OracleCloud, now, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_party_in_more_deals_than_a_page_shows_lists_the_first_and_links_to_all_of_them_in_the_deal_list()
    {
        var deals = Enumerable.Range(0, 104).Select(i => Envelopes.Deal($"many-{i}", $"many-deal-{i:000}", "2024-05-01", "Test Wire",
            ("prolific", "buyer"), ("oracle", "vendor")).ToJsonString());
        (await Api.ImportAsync(string.Join('\n', deals))).EnsureSuccessStatusCode();
        var client = Api.Client(withKey: false);

        var page = Section(await client.GetStringAsync("/explore/parties/prolific?asOf=2025-01-01"), "deals-heading");

        Assert.Contains("prolific&#x27;s deals and its role in each: the first 100 of 104, by slug", page, StringComparison.Ordinal);
        Assert.Equal(100, Regex.Count(page, "<th scope=\"row\"><a href=\"explore/deals/many-deal-"));
        Assert.Contains("explore/deals/many-deal-099?asOf=2025-01-01", page, StringComparison.Ordinal);
        Assert.DoesNotContain("explore/deals/many-deal-100", page, StringComparison.Ordinal);
        Assert.Contains("<a href=\"?party=prolific&amp;asOf=2025-01-01\">All 104 deals of prolific in the deal list</a>", page, StringComparison.Ordinal);
        Assert.Equal(20, Regex.Count(Section(await client.GetStringAsync("/?party=prolific&asOf=2025-01-01"), "deals-heading"), "href=\"explore/deals/many-deal-"));
    }

    [Fact]
    public async Task a_bad_date_is_answered_400_an_unknown_party_is_the_404_page_and_one_known_later_is_said_so()
    {
        await Api.ImportSeedAsync();
        await Api.CatchUpAsync();
        var client = Api.Client(withKey: false);

        foreach (var date in new[] { "yesterday", "2025-02-30", "9999-12-31" })
        {
            var bad = await client.GetAsync($"/explore/parties/openai?asOf={date}");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var text = WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync());
            Assert.Contains("role=\"alert\"", text, StringComparison.Ordinal);
            Assert.Contains("1900-01-01 to 2200-12-31", text, StringComparison.Ordinal);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/explore/parties/no-such-party");
        request.Headers.Accept.ParseAdd("text/html");
        var unknown = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("<h1>Nothing here</h1>", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Known later, not on the basis (the first fact naming OpenAI was reported on 2019-07-22): the page says so.
        var early = await client.GetAsync("/explore/parties/openai?asOf=2019-01-01");
        Assert.Equal(HttpStatusCode.OK, early.StatusCode);
        Assert.Contains("Nothing about 'openai' is known as reported by 2019-01-01", WebUtility.HtmlDecode(await early.Content.ReadAsStringAsync()),
            StringComparison.Ordinal);
    }

    /// <summary>A figure list worded as the page words it, from the API's JSON.</summary>
    private static string Figures(JsonNode figures) =>
        string.Join("; ", figures.AsArray().Select(f => $"{(string?)f!["kind"]}: {Sum(f, (int)f["undisclosed"]!)}"));

    private static string Sum(JsonNode f, int undisclosed) =>
        AmountText.Sum((string?)f["currency"], (decimal?)f["amount"], (decimal?)f["low"], (decimal?)f["high"], (string)f["precision"]!, undisclosed,
            (string?)f["notComputable"]);

    private static JsonNode Counterparty(JsonNode exposure, string party) =>
        exposure["counterparties"]!.AsArray().Single(c => (string?)c!["party"] == party)!;

    internal static string Section(string page, string heading) => Between(page, $"id=\"{heading}\"", "</section>");

    internal static string Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"'{start}' not found");
        var to = text.IndexOf(end, from, StringComparison.Ordinal);
        return text[from..(to < 0 ? text.Length : to)];
    }

    /// <summary>The table row holding <paramref name="marker"/>.</summary>
    internal static string Row(string html, string marker)
    {
        var at = html.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{marker}' not found");
        var start = html.LastIndexOf("<tr", at, StringComparison.Ordinal);
        return html[start..html.IndexOf("</tr>", at, StringComparison.Ordinal)];
    }

    /// <summary>The text of each data cell (td) of a row, trimmed.</summary>
    internal static List<string> Cells(string row) =>
        CellPattern().Matches(row).Select(m => Regex.Replace(m.Groups[1].Value, "<[^>]+>", "").Trim()).ToList();

    [GeneratedRegex("<td[^>]*>(.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex CellPattern();
}
