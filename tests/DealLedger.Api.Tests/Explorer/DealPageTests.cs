using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DealLedger.Api.Explorer;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Explorer;

/// <summary>
/// The deal page and the home page's deal list, latest facts and read models, as HTML over HTTP, on the seed: its real
/// figures on the right page, as-of dates changing them, links that lead somewhere, bad input answered on the page.
/// </summary>
public partial class DealPageTests(ApiFixture api) : ApiTest(api)
{
    private const string Oracle = "oracle-openai-cloud-2025";
    private const string Stargate = "stargate-2025";
    private const string Texas = "oracle-openai-texas-datacenter";

    [Fact]
    public async Task the_oracle_contract_shows_300B_from_the_wsj_and_is_unknown_before_it_was_reported()
    {
        await Api.ImportSeedAsync();
        var client = Api.Client(withKey: false);

        var response = await client.GetAsync($"/explore/deals/{Oracle}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("<h1>OpenAI cloud contract with Oracle</h1>", page, StringComparison.Ordinal);
        var total = Row(page, "total-value");
        Assert.Contains("$300B", total, StringComparison.Ordinal);
        Assert.Contains("exact", total, StringComparison.Ordinal);
        Assert.Contains("The Wall Street Journal", total, StringComparison.Ordinal);
        Assert.Contains("2025-09-10", total, StringComparison.Ordinal);
        var firstYear = Row(page, "first-year-value");
        Assert.Contains("$30B", firstYear, StringComparison.Ordinal);
        Assert.Contains("about", firstYear, StringComparison.Ordinal);
        Assert.Contains("citing The Wall Street Journal", firstYear, StringComparison.Ordinal);
        Assert.Contains("60 months", Row(page, "duration"), StringComparison.Ordinal);
        Assert.Contains("Basis: every fact recorded", page, StringComparison.Ordinal);

        // The first-year figure came a day after the WSJ's report.
        var dayOne = await client.GetStringAsync($"/explore/deals/{Oracle}?asOf=2025-09-10");
        Assert.Contains("$300B", Row(dayOne, "total-value"), StringComparison.Ordinal);
        Assert.DoesNotContain("first-year-value", dayOne, StringComparison.Ordinal);
        Assert.Contains("facts reported by 2025-09-10", dayOne, StringComparison.Ordinal);

        var before = await client.GetAsync($"/explore/deals/{Oracle}?asOf=2025-09-01");
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        var beforePage = await before.Content.ReadAsStringAsync();
        Assert.Contains("No fact about this deal is known as reported by 2025-09-01", beforePage, StringComparison.Ordinal);
        Assert.DoesNotContain("$300B", beforePage, StringComparison.Ordinal);
        Assert.Contains($"href=\"explore/deals/{Oracle}\"", beforePage, StringComparison.Ordinal);

        foreach (var date in new[] { "yesterday", "9999-12-31", "2025-02-30" })
        {
            var bad = await client.GetAsync($"/explore/deals/{Oracle}?asOf={date}");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("role=\"alert\"", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task stargate_status_history_shows_it_announced_then_stalled_and_only_announced_before_september()
    {
        await Api.ImportSeedAsync();
        var client = Api.Client(withKey: false);

        var page = await client.GetStringAsync($"/explore/deals/{Stargate}");
        var timeline = Section(page, "status-heading");
        var announced = timeline.IndexOf(">announced<", StringComparison.Ordinal);
        var stalled = timeline.IndexOf(">stalled<", StringComparison.Ordinal);
        Assert.True(announced >= 0 && stalled > announced, timeline);
        Assert.Matches(@">announced</strong>[\s\S]*?effective 2025-01,[\s\S]*?reported 2025-01-21 by OpenAI", timeline);
        Assert.Matches(@">stalled</strong>[\s\S]*?reported 2025-09-11 by Seed article", timeline);
        Assert.Contains("$500B", Row(page, "total-value"), StringComparison.Ordinal);

        var june = await client.GetStringAsync($"/explore/deals/{Stargate}?asOf=2025-06-01");
        Assert.Contains(">announced<", Section(june, "status-heading"), StringComparison.Ordinal);
        Assert.DoesNotContain(">stalled<", june, StringComparison.Ordinal);
    }

    [Fact]
    public async Task parties_and_relations_link_to_their_pages_and_a_disputed_relation_is_marked()
    {
        await Api.ImportSeedAsync();
        var client = Api.Client(withKey: false);

        var page = await client.GetStringAsync($"/explore/deals/{Oracle}");
        var parties = Section(page, "parties-heading");
        Assert.Matches(@"href=""explore/parties/openai"">openai</a></td>\s*<td>buyer</td>", parties);
        Assert.Matches(@"href=""explore/parties/oracle"">oracle</a></td>\s*<td>vendor</td>", parties);

        var relations = Section(page, "relations-heading");
        Assert.Contains("builds-on", relations, StringComparison.Ordinal);
        Assert.Contains("partly-substitutes", relations, StringComparison.Ordinal);
        var targets = Links(relations, "explore/deals/");
        Assert.Equal(["explore/deals/oracle-openai-datacenters-2025", $"explore/deals/{Stargate}"], targets.Order(StringComparer.Ordinal));
        foreach (var target in targets)
        {
            var related = await client.GetAsync("/" + target);
            Assert.Equal(HttpStatusCode.OK, related.StatusCode);
        }

        Assert.Contains("<h1>New Oracle data centers for OpenAI</h1>", await client.GetStringAsync("/explore/deals/oracle-openai-datacenters-2025"),
            StringComparison.Ordinal);
        Assert.DoesNotContain("Disputed", page, StringComparison.Ordinal);

        // The article disputes OpenAI's claim that the Texas site is part of Stargate: said in words, not only in colour.
        var texas = await client.GetStringAsync($"/explore/deals/{Texas}");
        Assert.Matches(@"<tr class=""disputed"">\s*<td>\s*part-of\s*<span class=""mark disputed"">Disputed</span>", Section(texas, "relations-heading"));
        Assert.Contains("<strong>Disputed:</strong>", texas, StringComparison.Ordinal);
        Assert.Matches(@"Disputed</span> the reported relation &quot;part-of stargate-2025&quot;\s*by", Section(texas, "disputes-heading"));

        // Seen from Stargate: both deals that relate to it, with the same marks, linked back; none before they were reported.
        var stargate = Section(await client.GetStringAsync($"/explore/deals/{Stargate}"), "relations-heading");
        Assert.Contains("How other deals relate to this one", stargate, StringComparison.Ordinal);
        Assert.Matches(@"<tr>\s*<td><a href=""explore/deals/oracle-openai-cloud-2025"">[^<]+</a></td>\s*<td>partly-substitutes\s*</td>", stargate);
        Assert.Matches(@"<tr class=""disputed"">\s*<td><a href=""explore/deals/oracle-openai-texas-datacenter"">[^<]+</a></td>\s*<td>part-of\s*<span class=""mark disputed"">Disputed</span>", stargate);
        // They are also the deal list's deals related to Stargate (the home page's filter, tested there), one link away.
        Assert.Contains($"<a href=\"?relatedTo={Stargate}\">These deals in the deal list</a>", stargate, StringComparison.Ordinal);
        var august = Section(await client.GetStringAsync($"/explore/deals/{Stargate}?asOf=2025-09-10"), "relations-heading");
        Assert.Contains("No relation to or from another deal has been reported.", august, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_numeric_terms_revisions_are_charted_with_the_same_rows_as_the_api_and_a_revision_shows_its_delta()
    {
        await Api.ImportSeedAsync();
        var client = Api.Client(withKey: false);

        var page = await client.GetStringAsync($"/explore/deals/{Oracle}");
        var revisions = Section(page, "revisions-heading");
        Assert.Contains($"<title id=\"revisions-0-title\">{Oracle} duration: value by reported date</title>", revisions, StringComparison.Ordinal);
        Assert.Contains($"{Oracle} total-value: value by reported date</title>", revisions, StringComparison.Ordinal);
        Assert.Contains("2025-09-10: $300B (The Wall Street Journal)", revisions, StringComparison.Ordinal);
        // The start (2027) and the status are no figures: no chart of them.
        Assert.DoesNotContain($"{Oracle} start:", revisions, StringComparison.Ordinal);
        Assert.DoesNotContain($"{Oracle} status:", revisions, StringComparison.Ordinal);

        (await Api.PostFactAsync(Envelopes.Value("test-oracle-revised", Oracle, "2025-10-01", 320_000_000_000m, publisher: "Test Wire"))).EnsureSuccessStatusCode();

        var revised = WebUtility.HtmlDecode(Section(await client.GetStringAsync($"/explore/deals/{Oracle}"), "revisions-heading"));
        var chart = revised[revised.IndexOf("total-value: value by reported date", StringComparison.Ordinal)..];
        Assert.Equal(2, Regex.Count(chart[..chart.IndexOf("</svg>", StringComparison.Ordinal)], "<circle "));
        Assert.Contains("2025-10-01: $320B (Test Wire)", chart, StringComparison.Ordinal);
        Assert.Matches(@"<td class=""date"">2025-10-01</td>\s*<td>\s*\$320B <span class=""precision"">exact</span>\s*</td>\s*<td>\+\$20B</td>", chart);

        // The page's rows are the API's rows.
        var api = await Api.GetJsonAsync($"/deals/{Oracle}/terms/total-value/revisions");
        var amounts = api["revisions"]!.AsArray().Select(r => Explore.Amount(r!["amount"]!.GetValue<decimal>(), "USD")).ToList();
        Assert.Equal(["$300B", "$320B"], amounts);
        Assert.Equal(20_000_000_000m, api["revisions"]![1]!["delta"]!.GetValue<decimal>());

        var september = Section(await client.GetStringAsync($"/explore/deals/{Oracle}?asOf=2025-09-15"), "revisions-heading");
        Assert.DoesNotContain("$320B", september, StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_unknown_deal_is_the_explorers_404_page_and_an_estimate_slug_is_no_deal()
    {
        await Api.ImportSeedAsync();
        var client = Api.Client(withKey: false);

        foreach (var path in new[] { "/explore/deals/no-such-deal", "/explore/deals/no-such-deal?asOf=2025-09-01", "/explore/deals/openai-cash-burn-2025-2029" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
            var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("<h1>Nothing here</h1>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task the_home_deal_list_filters_and_pages_like_the_api_and_its_links_resolve()
    {
        await Api.ImportSeedAsync();
        var client = Api.Client(withKey: false);

        var all = Links(Section(await client.GetStringAsync("/"), "deals-heading"), "explore/deals/");
        Assert.Equal(9, all.Count);
        foreach (var link in all)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/" + link)).StatusCode);
        }

        Assert.Equal([$"explore/deals/{Stargate}"], Links(Section(await client.GetStringAsync("/?status=stalled"), "deals-heading"), "explore/deals/"));
        Assert.Equal(["explore/deals/openai-funding-round-2025", $"explore/deals/{Stargate}"],
            Links(Section(await client.GetStringAsync("/?party=softbank&sort=slug"), "deals-heading"), "explore/deals/"));
        Assert.Equal(await ApiSlugsAsync("/deals?kind=cloud-contract"),
            Links(Section(await client.GetStringAsync("/?kind=cloud-contract"), "deals-heading"), "explore/deals/"));
        Assert.Equal(["explore/deals/oracle-openai-cloud-2025", "explore/deals/oracle-openai-texas-datacenter"],
            Links(Section(await client.GetStringAsync($"/?relatedTo={Stargate}"), "deals-heading"), "explore/deals/"));

        // As reported by 2025-02-01: Azure's exclusivity (2019) and Stargate (January) were known, the Oracle contract was not.
        var february = Section(await client.GetStringAsync("/?asOf=2025-02-01"), "deals-heading");
        Assert.Equal(["explore/deals/microsoft-openai-azure-exclusivity-2019?asOf=2025-02-01", $"explore/deals/{Stargate}?asOf=2025-02-01"],
            Links(february, "explore/deals/"));
        // Filtered on that basis too: Stargate was still announced in June, not yet stalled.
        Assert.Equal(["explore/deals/openai-funding-round-2025?asOf=2025-06-01", $"explore/deals/{Stargate}?asOf=2025-06-01"],
            Links(Section(await client.GetStringAsync("/?status=announced&asOf=2025-06-01"), "deals-heading"), "explore/deals/"));

        // A page at a time, following the next links to the end: every deal once, in the API's order.
        var seen = new List<string>();
        string? next = "/?limit=4";
        var pages = 0;
        while (next is not null)
        {
            var list = Section(await client.GetStringAsync(next), "deals-heading");
            seen.AddRange(Links(list, "explore/deals/"));
            var more = Regex.Match(list, @"<a href=""(\?[^""]+)"" rel=""next"">");
            next = more.Success ? "/" + WebUtility.HtmlDecode(more.Groups[1].Value) : null;
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(await ApiSlugsAsync("/deals?limit=50"), seen);

        foreach (var bad in new[] { "/?asOf=2025-02-30", "/?limit=0", "/?sort=size", "/?cursor=nonsense", "/?kind=cloud_contract", "/?status=paused" })
        {
            var response = await client.GetAsync(bad);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("role=\"alert\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task the_home_page_shows_the_latest_facts_linked_to_their_subjects_and_each_read_models_state()
    {
        await Api.ImportSeedAsync();
        await Api.CatchUpAsync();
        var client = Api.Client(withKey: false);

        var home = await client.GetStringAsync("/");
        var latest = Section(home, "latest-heading");
        Assert.Contains("The 20 most recently recorded facts, newest first", latest, StringComparison.Ordinal);
        Assert.Equal(20, Regex.Count(latest, "<tr>") - 1);
        // The audit trail's last 20 facts, newest first; a dispute (a fact about a fact) links to the deal it is about.
        var trail = (await Api.GetJsonAsync("/events?limit=500"))["items"]!.AsArray()
            .Select(e => (Type: e!["type"]!.GetValue<string>(), Subject: e["subject"]!.GetValue<string>())).Reverse().Take(20).ToList();
        var rows = Regex.Matches(latest, @"<tr><td>[^<]*</td>\s*<td>([a-z.-]+)</td>\s*<td>\s*<a href=""explore/(deals|estimates|parties)/([^""]+)"">")
            .Select(m => (Type: m.Groups[1].Value, Subject: m.Groups[3].Value)).ToList();
        Assert.Equal(trail, rows);
        Assert.Matches(@"<td>fact.disputed</td>\s*<td>\s*<a href=""explore/deals/oracle-openai-texas-datacenter"">", latest);
        Assert.Contains("href=\"explore/estimates/openai-cash-burn-2025-2029\"", latest, StringComparison.Ordinal);
        Assert.DoesNotContain(">seed-party-openai<", latest, StringComparison.Ordinal);

        var health = Section(home, "health-heading");
        Assert.Contains("href=\"explore/admin\"", health, StringComparison.Ordinal);
        var names = Regex.Matches(health, @"<tr class=""state-([a-z-]+)"">\s*<td>([A-Za-z]+) ").Select(m => (State: m.Groups[1].Value, Name: m.Groups[2].Value)).ToList();
        Assert.Contains(names, n => n.Name == "DealSummary" && n.State == "inline");
        Assert.Contains(names, n => n.State == "caught-up");
        Assert.All(names, n => Assert.True(n.State is "inline" or "caught-up", n.Name + " is " + n.State));
    }

    [Fact]
    public async Task the_home_page_as_of_a_date_shows_each_estimate_and_what_became_known_as_that_date_saw_them()
    {
        await Api.ImportSeedAsync();
        await Api.CatchUpAsync();
        var client = Api.Client(withKey: false);

        // Before the revision of 2025-09-05 the cash burn stood at $35B; the estimate's link keeps the date.
        var august = WebUtility.HtmlDecode(await client.GetStringAsync("/?asOf=2025-08-01"));
        Assert.Contains("Showing the ledger as reported by 2025-08-01", august, StringComparison.Ordinal);
        var estimates = Section(august, "estimates-heading");
        Assert.Contains("value as reported by 2025-08-01", estimates, StringComparison.Ordinal);
        Assert.Matches(@"href=""explore/estimates/openai-cash-burn-2025-2029\?asOf=2025-08-01"">[^<]+</a></td>\s*<td>\$35B</td>\s*<td>1</td>", estimates);
        Assert.DoesNotContain("$115B", estimates, StringComparison.Ordinal);

        // The 30 days up to 2025-09-10 saw the revision (old and new value) and the Oracle contract; the recorded-order list is not shown.
        var september = WebUtility.HtmlDecode(await client.GetStringAsync("/?asOf=2025-09-10"));
        Assert.Matches(@"openai-cash-burn-2025-2029\?asOf=2025-09-10"">[^<]+</a></td>\s*<td>\$115B</td>\s*<td>2</td>", Section(september, "estimates-heading"));
        var recent = Section(september, "latest-heading");
        Assert.Contains("What became known in the 30 days before 2025-09-10", recent, StringComparison.Ordinal);
        Assert.Contains("about $35B → about $115B", recent, StringComparison.Ordinal);
        Assert.Contains("href=\"explore/deals/oracle-openai-cloud-2025\"", recent, StringComparison.Ordinal);
        Assert.Contains("href=\"explore/changes?from=2025-08-12&to=2025-09-10\"", recent, StringComparison.Ordinal);
        Assert.DoesNotContain("most recently recorded", recent, StringComparison.Ordinal);

        // Before anything was reported: no estimate, nothing known, still a page that says so.
        var early = WebUtility.HtmlDecode(await client.GetStringAsync("/?asOf=1999-01-01"));
        Assert.Contains("No estimate had been reported by 1999-01-01.", early, StringComparison.Ordinal);
        Assert.Contains("Nothing became known in the 30 days before 1999-01-01.", early, StringComparison.Ordinal);
    }

    private async Task<List<string>> ApiSlugsAsync(string url) =>
        (await Api.GetJsonAsync(url))["items"]!.AsArray().Select(d => $"explore/deals/{d!["id"]!.GetValue<string>()}").ToList();

    /// <summary>The section a heading opens, up to the next section of the same level or the end of main.</summary>
    private static string Section(string page, string headingId)
    {
        var start = page.IndexOf($"id=\"{headingId}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no {headingId} on the page");
        var end = page.IndexOf("</section>", start, StringComparison.Ordinal);
        // A section holding sections (the revisions) ends at its own closing tag: count the nested ones.
        var nested = start;
        while ((nested = page.IndexOf("<section", nested + 1, StringComparison.Ordinal)) >= 0 && nested < end)
        {
            end = page.IndexOf("</section>", end + 1, StringComparison.Ordinal);
        }

        return page[start..end];
    }

    /// <summary>The table row of a term in the current terms.</summary>
    private static string Row(string page, string term)
    {
        var terms = Section(page, "terms-heading");
        var start = terms.IndexOf($"<th scope=\"row\">{term}</th>", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no {term} row");
        return terms[start..terms.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }

    private static List<string> Links(string html, string prefix) =>
        HrefPattern().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).Where(h => h.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    [GeneratedRegex(@"href=""([^""]+)""")]
    private static partial Regex HrefPattern();
}
