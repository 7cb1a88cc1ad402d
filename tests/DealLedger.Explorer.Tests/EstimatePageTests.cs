using static Microsoft.Playwright.Assertions;

namespace DealLedger.Explorer.Tests;

/// <summary>The home page and the cash-burn estimate's page in a real browser, on the seed's facts.</summary>
[Collection(ExplorerTests.Name)]
public class EstimatePageTests(ExplorerFixture explorer)
{
    private const string Burn = "openai-cash-burn-2025-2029";

    [Fact]
    public async Task the_home_page_lists_the_estimate_and_its_link_opens_the_estimate_page_at_115B()
    {
        await using var browser = await explorer.OpenAsync();
        var page = browser.Page;
        await browser.GotoAsync("");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("The ledger at a glance");
        // The estimates table (the latest facts list links to the estimate too).
        var row = page.Locator("section[aria-labelledby=estimates-heading]").GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = Burn, Exact = true }) });
        await Expect(row).ToContainTextAsync("$115B");
        await browser.ScreenshotForDocsAsync("home.png");
        await browser.AssertAccessibleAsync();

        await row.GetByRole(AriaRole.Link, new() { Name = Burn, Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(explorer.BaseAddress, $"explore/estimates/{Burn}").ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(Burn);
        await Expect(page.Locator("p.current strong")).ToHaveTextAsync("$115B");

        await browser.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task the_as_of_control_shows_35B_as_reported_by_2025_08_01_and_115B_by_2025_09_10()
    {
        await using var browser = await explorer.OpenAsync();
        var page = browser.Page;
        await browser.GotoAsync($"explore/estimates/{Burn}");
        var current = page.Locator("p.current strong");
        await Expect(current).ToHaveTextAsync("$115B");
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = $"{Burn}: value by reported date" })).ToBeVisibleAsync();
        await browser.ScreenshotForDocsAsync("estimate.png");
        await browser.AssertAccessibleAsync();

        var asOf = page.GetByLabel("As reported by");
        await asOf.FillAsync("2025-08-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"\?asOf=2025-08-01$"));
        await Expect(current).ToHaveTextAsync("$35B");
        await Expect(page.Locator("p.basis")).ToContainTextAsync("facts reported by 2025-08-01");
        await Expect(asOf).ToHaveValueAsync("2025-08-01");

        await asOf.FillAsync("2025-09-10");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"\?asOf=2025-09-10$"));
        await Expect(current).ToHaveTextAsync("$115B");
        await Expect(page.Locator("p.basis")).ToContainTextAsync("facts reported by 2025-09-10");

        await browser.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task the_as_of_date_is_set_and_submitted_with_the_keyboard_alone()
    {
        await using var browser = await explorer.OpenAsync();
        var page = browser.Page;
        await browser.GotoAsync($"explore/estimates/{Burn}");
        var asOf = page.GetByLabel("As reported by");

        // Tab from the top of the page reaches the date input, then the button, in that order.
        await TabUntilFocusedAsync(page, asOf, 30);
        await page.Keyboard.TypeAsync("08012025"); // month, day, year: the date input's segments in en-US
        await Expect(asOf).ToHaveValueAsync("2025-08-01");
        var show = page.GetByRole(AriaRole.Button, new() { Name = "Show" });
        await TabUntilFocusedAsync(page, show, 4); // past the date's own fields, when Chromium stops on them
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.Locator("p.current strong")).ToHaveTextAsync("$35B");
        await browser.AssertAccessibleAsync();
        await browser.AssertNoProblemsAsync();
    }

    private static async Task TabUntilFocusedAsync(IPage page, ILocator target, int limit)
    {
        for (var presses = 0; presses < limit; presses++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await target.EvaluateAsync<bool>("e => e === document.activeElement"))
            {
                return;
            }
        }

        Assert.Fail($"{limit} presses of Tab never reached {target}");
    }

    [Fact]
    public async Task the_icon_chromium_asks_for_is_served()
    {
        // Chromium asks for /favicon.ico where a page names no icon (answers other than the explorer's pages); a 404
        // there is a console error.
        await using var browser = await explorer.OpenAsync();
        var response = await browser.Page.APIRequest.GetAsync("favicon.ico");
        Assert.Equal(200, response.Status);
        Assert.Equal("image/x-icon", response.Headers["content-type"]);
    }
}
