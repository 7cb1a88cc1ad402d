using static Microsoft.Playwright.Assertions;

namespace DealLedger.Explorer.Tests;

/// <summary>An address with nothing behind it, as a reader meets it: a 404 page in the explorer's layout, with a way on.</summary>
[Collection(ExplorerTests.Name)]
public class NotFoundPageTests(ExplorerFixture explorer)
{
    [Fact]
    public async Task an_unknown_estimate_is_a_404_page_whose_skip_link_and_home_link_work_by_keyboard()
    {
        await using var browser = await explorer.OpenAsync();
        var page = browser.Page;
        await browser.GotoAsync("explore/estimates/no-such-estimate", status: 404);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Nothing here");
        await browser.AssertAccessibleAsync();

        // The first Tab stop is the skip link; following it keeps the reader on this page, at its content (with the
        // layout's <base href="/">, a bare "#content" would open the home page instead).
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Uri(explorer.BaseAddress, "explore/estimates/no-such-estimate#content").ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Nothing here");

        await page.GetByRole(AriaRole.Link, new() { Name = "the ledger at a glance" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("The ledger at a glance");

        await browser.AssertNoProblemsAsync();
    }
}
