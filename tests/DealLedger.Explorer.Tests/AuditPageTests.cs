using System.Globalization;
using System.Text.RegularExpressions;
using DealLedger.Testing;
using static Microsoft.Playwright.Assertions;

namespace DealLedger.Explorer.Tests;

/// <summary>The audit trail in a real browser: its filters narrow the seed's facts, its pages cover them all once.</summary>
[Collection(ExplorerTests.Name)]
public class AuditPageTests(ExplorerFixture explorer)
{
    private const string Burn = "openai-cash-burn-2025-2029";

    [Fact]
    public async Task filtering_by_type_shows_who_reported_the_cash_burn_at_35B_and_who_revised_it_and_when()
    {
        await explorer.CaughtUpAsync();
        await using var browser = await explorer.OpenAsync();
        var page = browser.Page;
        await browser.GotoAsync("");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Audit trail" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Audit trail");
        // A reader without a key sees facts and sources, not the names of the keys that recorded them.
        await Expect(page.Locator("main")).ToContainTextAsync("Who recorded each fact is shown to callers with an API key only.");
        await Expect(page.GetByLabel("Recorded by (key name)")).ToHaveCountAsync(0);
        await Expect(Rows(page)).ToHaveCountAsync(SeedData.Facts().Count);

        await page.GetByLabel("Fact type").SelectOptionAsync("estimate.revised");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"[?&]type=estimate\.revised(&|$)"));
        await Expect(Rows(page)).ToHaveCountAsync(1);
        var revised = Rows(page).First;
        await Expect(revised).ToContainTextAsync("seed-cash-burn-revised");
        await Expect(Cell(revised, 2)).ToHaveTextAsync("2025-09-05");
        await Expect(Cell(revised, 4)).ToHaveTextAsync(Burn);
        await Expect(Cell(revised, 5)).ToHaveTextAsync("The Information");
        await Expect(Cell(revised, 6)).ToHaveTextAsync("(hidden)");
        await Expect(page.GetByLabel("Fact type")).ToHaveValueAsync("estimate.revised");
        await browser.ScreenshotForDocsAsync("audit.png");
        await browser.AssertAccessibleAsync();

        // The estimate as first reported, by the same publisher, months earlier; and the other estimate of the seed.
        await page.GetByLabel("Fact type").SelectOptionAsync("estimate.reported");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"[?&]type=estimate\.reported(&|$)"));
        await Expect(Rows(page)).ToHaveCountAsync(2);
        var previous = Rows(page).Filter(new() { HasText = "seed-cash-burn-previous" });
        await Expect(Cell(previous, 2)).ToHaveTextAsync("2025-04-01");
        await Expect(Cell(previous, 5)).ToHaveTextAsync("The Information");
        await Expect(Rows(page).Filter(new() { HasText = "seed-annualized-revenue" })).ToHaveCountAsync(1);

        // Its subject opens the estimate's page, where the revision stands.
        await Cell(previous, 4).GetByRole(AriaRole.Link, new() { Name = Burn, Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(explorer.BaseAddress, $"explore/estimates/{Burn}").ToString());
        await Expect(page.Locator("p.current strong")).ToHaveTextAsync("$115B");

        await browser.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task the_recorded_dates_narrow_the_trail_and_clear_brings_every_fact_back()
    {
        await explorer.CaughtUpAsync();
        await using var browser = await explorer.OpenAsync();
        var page = browser.Page;
        await browser.GotoAsync("explore/audit");

        // The seed was recorded when the fixture imported it: the first row's date.
        var recorded = DateOnly.ParseExact((await Cell(Rows(page).First, 1).InnerTextAsync())[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var dayBefore = recorded.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        await page.GetByLabel("Recorded to (date)").FillAsync(dayBefore);
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($@"[?&]recordedTo={dayBefore}(&|$)"));
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("No recorded fact matches these filters.");
        await Expect(Rows(page)).ToHaveCountAsync(0);
        await browser.AssertAccessibleAsync();

        await page.GetByLabel("Recorded to (date)").FillAsync("");
        await page.GetByLabel("Recorded from (date)").FillAsync(recorded.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.GetByLabel("Fact type").SelectOptionAsync("deal.value-reported");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        var values = SeedData.Facts().Count(f => f.Type.Name == "deal.value-reported");
        await Expect(Rows(page)).ToHaveCountAsync(values);
        await Expect(Rows(page).Filter(new() { HasText = "seed-oracle-contract-value" })).ToContainTextAsync("The Wall Street Journal");

        await page.GetByRole(AriaRole.Link, new() { Name = "Clear" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(explorer.BaseAddress, "explore/audit").ToString());
        await Expect(Rows(page)).ToHaveCountAsync(SeedData.Facts().Count);
        await Expect(page.GetByLabel("Fact type")).ToHaveValueAsync("");

        await browser.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task pages_of_20_cover_every_seed_fact_once_in_log_order_and_keep_the_filters()
    {
        await explorer.CaughtUpAsync();
        await using var browser = await explorer.OpenAsync();
        var page = browser.Page;
        await browser.GotoAsync("explore/audit");

        await page.GetByLabel("Per page").SelectOptionAsync("20");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"[?&]limit=20(&|$)"));
        var pager = page.GetByRole(AriaRole.Navigation, new() { Name = "Pages of the audit trail" });
        var positions = new List<long>();
        var pages = 0;
        while (true)
        {
            pages++;
            await Expect(Rows(page).First).ToBeVisibleAsync();
            foreach (var header in await Rows(page).GetByRole(AriaRole.Rowheader).AllInnerTextsAsync())
            {
                positions.Add(long.Parse(header, CultureInfo.InvariantCulture));
            }

            var next = pager.GetByRole(AriaRole.Link, new() { Name = "Next 20" });
            if (await next.CountAsync() == 0)
            {
                await Expect(pager).ToContainTextAsync("End of the log");
                break;
            }

            Assert.True(pages < 10, "more pages than the seed has facts for");
            await Expect(Rows(page)).ToHaveCountAsync(20);
            await next.ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex(@"[?&]cursor=\d+"));
            await Expect(page.GetByLabel("Per page")).ToHaveValueAsync("20");
            await Expect(pager.GetByRole(AriaRole.Link, new() { Name = "First page" })).ToBeVisibleAsync();
        }

        Assert.Equal(SeedData.Facts().Count, positions.Count);
        Assert.Equal(positions.Order().Distinct(), positions);
        Assert.True(pages >= 2, $"{SeedData.Facts().Count} facts fit on {pages} page(s) of 20");
        await browser.AssertAccessibleAsync();

        await pager.GetByRole(AriaRole.Link, new() { Name = "First page" }).ClickAsync();
        await Expect(Rows(page)).ToHaveCountAsync(20);
        await Expect(Rows(page).First.GetByRole(AriaRole.Rowheader)).ToHaveTextAsync(positions[0].ToString(CultureInfo.InvariantCulture));

        await browser.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task with_an_api_key_the_trail_names_the_recording_key_and_filters_by_it_and_without_one_that_filter_is_refused()
    {
        await explorer.CaughtUpAsync();
        await using (var anonymous = await explorer.OpenAsync())
        {
            // Otherwise a reader without a key could try key names one by one.
            await anonymous.GotoAsync("explore/audit?recordedBy=anyone", status: 401);
            await Expect(anonymous.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Filtering by recorder needs an API key");
            await Expect(Rows(anonymous.Page)).ToHaveCountAsync(0);
            await anonymous.AssertNoProblemsAsync();
        }

        await using var browser = await explorer.OpenAsync(ApiNode.Key);
        var page = browser.Page;
        await browser.GotoAsync("explore/audit");
        await Expect(page.Locator("main")).Not.ToContainTextAsync("shown to callers with an API key only");
        var recorder = await Cell(Rows(page).First, 6).InnerTextAsync();
        Assert.Matches(@"^node-\d+$", recorder);
        await Expect(Rows(page).Filter(new() { Has = page.Locator("td", new() { HasTextRegex = new Regex($"^{recorder}$") }) }))
            .ToHaveCountAsync(SeedData.Facts().Count);

        var recordedBy = page.GetByLabel("Recorded by (key name)");
        await recordedBy.FillAsync("someone-else");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"[?&]recordedBy=someone-else(&|$)"));
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("No recorded fact matches these filters.");

        await recordedBy.FillAsync(recorder);
        await page.GetByLabel("Fact type").SelectOptionAsync("estimate.revised");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(Rows(page)).ToHaveCountAsync(1);
        await Expect(Cell(Rows(page).First, 4)).ToHaveTextAsync(Burn);
        await Expect(Cell(Rows(page).First, 6)).ToHaveTextAsync(recorder);
        await browser.AssertAccessibleAsync();

        await browser.AssertNoProblemsAsync();
    }

    private static ILocator Rows(IPage page) => page.Locator("table.audit tbody tr");

    /// <summary>A row's cell by column: 0 position, 1 recorded, 2 reported, 3 type, 4 subject, 5 source, 6 recorded by.</summary>
    private static ILocator Cell(ILocator row, int column) => row.Locator("th, td").Nth(column);
}
