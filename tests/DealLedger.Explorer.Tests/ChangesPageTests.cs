using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace DealLedger.Explorer.Tests;

/// <summary>"What changed between two dates" in a real browser: the seed's cash-burn revision and Oracle contract, by the form's controls.</summary>
[Collection(ExplorerTests.Name)]
public class ChangesPageTests(ExplorerFixture explorer)
{
    private const string Burn = "openai-cash-burn-2025-2029";
    private const string Oracle = "oracle-openai-cloud-2025";

    [Fact]
    public async Task august_to_september_shows_the_cash_burn_revised_from_35B_to_115B_and_the_300B_oracle_contract_each_linking_to_its_page()
    {
        await explorer.CaughtUpAsync();
        await using var browser = await explorer.OpenAsync();
        var page = browser.Page;
        await browser.GotoAsync("");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "What changed" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("What changed between two dates");
        await browser.AssertAccessibleAsync();

        await ShowAsync(page, "2025-08-01", "2025-09-30");
        await Expect(page).ToHaveURLAsync(new Regex(@"explore/changes\?from=2025-08-01&to=2025-09-30$"));
        var table = page.GetByRole(AriaRole.Table);
        await Expect(table.Locator("caption")).ToContainTextAsync("reported from 2025-08-01 to 2025-09-30");

        var revision = Row(page, "seed-cash-burn-revised");
        await Expect(revision).ToHaveCountAsync(1);
        await Expect(revision.GetByRole(AriaRole.Rowheader)).ToHaveTextAsync(Burn);
        await Expect(revision.Locator("td.change-value")).ToHaveTextAsync(new Regex(@"^\s*about \$35B\s*→\s*about \$115B\s*$"));
        await Expect(revision).ToContainTextAsync("2025-09-05");
        await Expect(revision).ToContainTextAsync("The Information");

        var contract = Row(page, "seed-oracle-contract-value");
        await Expect(contract).ToHaveCountAsync(1);
        await Expect(contract.GetByRole(AriaRole.Rowheader)).ToHaveTextAsync(Oracle);
        await Expect(contract.Locator("td.change-value")).ToHaveTextAsync(new Regex(@"^\s*\$300B\s*$"));
        await Expect(contract).ToContainTextAsync("2025-09-10");
        await Expect(contract).ToContainTextAsync("The Wall Street Journal");

        await Expect(Row(page, "seed-oracle-contract-first-year")).ToHaveCountAsync(1);
        await browser.AssertAccessibleAsync();

        // The form keeps the window asked for; a window ending on 2025-09-10 leaves out what the seed article added the next day.
        await Expect(page.GetByLabel("Reported from")).ToHaveValueAsync("2025-08-01");
        await Expect(page.GetByLabel("to", new() { Exact = true })).ToHaveValueAsync("2025-09-30");
        await ShowAsync(page, "2025-09-01", "2025-09-10");
        await Expect(revision.Locator("td.change-value")).ToHaveTextAsync(new Regex(@"^\s*about \$35B\s*→\s*about \$115B\s*$"));
        await Expect(contract.Locator("td.change-value")).ToHaveTextAsync(new Regex(@"^\s*\$300B\s*$"));
        await Expect(Row(page, "seed-oracle-contract-first-year")).ToHaveCountAsync(0);
        Assert.All(await page.GetByRole(AriaRole.Table).Locator("tbody tr td:first-child").AllInnerTextsAsync(),
            reported => Assert.Matches(@"^2025-09-(0[1-9]|10)$", reported));
        await browser.ScreenshotForDocsAsync("changes.png");

        // Each change's subject opens its own page.
        await revision.GetByRole(AriaRole.Link, new() { Name = Burn, Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(explorer.BaseAddress, $"explore/estimates/{Burn}").ToString());
        await Expect(page.Locator("p.current strong")).ToHaveTextAsync("$115B");

        await page.GoBackAsync();
        await Row(page, "seed-oracle-contract-value").GetByRole(AriaRole.Link, new() { Name = Oracle, Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(explorer.BaseAddress, $"explore/deals/{Oracle}").ToString());
        await Expect(page.Locator("section[aria-labelledby=terms-heading]")).ToContainTextAsync("$300B");

        await browser.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task a_window_before_the_revision_and_the_contract_shows_the_35B_estimate_but_neither_of_them()
    {
        await explorer.CaughtUpAsync();
        await using var browser = await explorer.OpenAsync();
        var page = browser.Page;
        await browser.GotoAsync("explore/changes");

        await ShowAsync(page, "2025-01-01", "2025-08-31");
        await Expect(page.GetByRole(AriaRole.Table).Locator("caption")).ToContainTextAsync("reported from 2025-01-01 to 2025-08-31");

        // The estimate was first reported at $35B on 2025-04-01; its revision (2025-09-05) and the contract (2025-09-10) came later.
        await Expect(Row(page, "seed-cash-burn-previous").Locator("td.change-value").Filter(new() { HasTextRegex = new Regex(@"^\s*about \$35B\s*$") }))
            .Not.ToHaveCountAsync(0);
        await Expect(Row(page, "seed-cash-burn-revised")).ToHaveCountAsync(0);
        var main = page.Locator("main");
        await Expect(main).Not.ToContainTextAsync("$115B");
        await Expect(main).Not.ToContainTextAsync(Oracle);
        await Expect(main).Not.ToContainTextAsync("$300B");
        await browser.AssertAccessibleAsync();

        // A window in which nothing was reported says so.
        await ShowAsync(page, "2025-10-01", "2025-12-31");
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Nothing became known between 2025-10-01 and 2025-12-31.");
        await Expect(page.GetByRole(AriaRole.Table)).ToHaveCountAsync(0);

        await browser.AssertNoProblemsAsync();
    }

    /// <summary>As a reader does: both dates in their labelled inputs, then Show.</summary>
    private static async Task ShowAsync(IPage page, string from, string to)
    {
        await page.GetByLabel("Reported from").FillAsync(from);
        await page.GetByLabel("to", new() { Exact = true }).FillAsync(to);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($@"\?from={from}&to={to}$"));
    }

    /// <summary>The row of the changes table naming this fact (each row names the fact it comes from).</summary>
    private static ILocator Row(IPage page, string factId) =>
        page.GetByRole(AriaRole.Table).Locator("tbody tr").Filter(new() { Has = page.Locator("span.fact", new() { HasTextRegex = new Regex($"^{factId}$") }) });
}
