using static Microsoft.Playwright.Assertions;

namespace DealLedger.Explorer.Tests;

/// <summary>The deal and party pages in a real browser: the seed's Oracle contract, and links between deal, party and estimate pages.</summary>
[Collection(ExplorerTests.Name)]
public class DealAndPartyPageTests(ExplorerFixture explorer)
{
    private const string Oracle = "oracle-openai-cloud-2025";
    private const string Burn = "openai-cash-burn-2025-2029";

    [Fact]
    public async Task the_oracle_deal_links_to_openai_whose_page_links_back_to_the_deal_and_to_the_cash_burn_estimate()
    {
        await explorer.CaughtUpAsync();
        await using var browser = await explorer.OpenAsync();
        var page = browser.Page;

        await browser.GotoAsync($"explore/deals/{Oracle}");
        var terms = page.Locator("section[aria-labelledby=terms-heading]");
        await Expect(terms).ToContainTextAsync("$300B");
        await Expect(terms).ToContainTextAsync("The Wall Street Journal");
        await browser.ScreenshotForDocsAsync("deal.png");
        await browser.AssertAccessibleAsync();

        await page.Locator("section[aria-labelledby=parties-heading]").GetByRole(AriaRole.Link, new() { Name = "openai", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(explorer.BaseAddress, "explore/parties/openai").ToString());
        var years = page.Locator("section[aria-labelledby=years-heading]");
        await Expect(years).ToContainTextAsync("oracle");
        await Expect(years).ToContainTextAsync("$300B");
        await browser.ScreenshotForDocsAsync("party.png");
        await browser.AssertAccessibleAsync();

        await page.Locator("section[aria-labelledby=estimates-heading]").GetByRole(AriaRole.Link, new() { Name = Burn, Exact = true }).ClickAsync();
        await Expect(page.Locator("p.current strong")).ToHaveTextAsync("$115B");

        await page.GoBackAsync();
        await page.Locator($"section[aria-labelledby=deals-heading] a[href='explore/deals/{Oracle}']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(explorer.BaseAddress, $"explore/deals/{Oracle}").ToString());

        await browser.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task the_party_page_as_of_before_the_contract_was_reported_leaves_it_out()
    {
        await explorer.CaughtUpAsync();
        await using var browser = await explorer.OpenAsync();
        var page = browser.Page;

        await browser.GotoAsync("explore/parties/openai?asOf=2025-09-09");
        await Expect(page.Locator("p.basis")).ToContainTextAsync("2025-09-09");
        await Expect(page.Locator("main")).Not.ToContainTextAsync("$300B");
        await browser.AssertAccessibleAsync();
        await browser.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task stargate_lists_the_deals_that_relate_to_it_and_links_to_them_in_the_deal_list()
    {
        await explorer.CaughtUpAsync();
        await using var browser = await explorer.OpenAsync();
        var page = browser.Page;

        await browser.GotoAsync("explore/deals/stargate-2025");
        var relations = page.Locator("section[aria-labelledby=relations-heading]");
        await Expect(relations.Locator("tr.disputed")).ToContainTextAsync("Disputed");
        await browser.AssertAccessibleAsync();

        await relations.GetByRole(AriaRole.Link, new() { Name = "These deals in the deal list" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(explorer.BaseAddress, "?relatedTo=stargate-2025").ToString());
        await Expect(page.GetByLabel("Related to")).ToHaveValueAsync("stargate-2025");
        var deals = page.Locator("section[aria-labelledby=deals-heading] tbody tr");
        await Expect(deals).ToHaveCountAsync(2);
        await Expect(deals.Nth(0)).ToContainTextAsync("oracle-openai-cloud-2025");
        await Expect(deals.Nth(1)).ToContainTextAsync("oracle-openai-texas-datacenter");
        await browser.AssertNoProblemsAsync();
    }
}
