using System.Text.RegularExpressions;
using DealLedger.Projections;
using JasperFx.Events.Projections;
using static Microsoft.Playwright.Assertions;

namespace DealLedger.Explorer.Tests;

/// <summary>
/// The explorer's admin area in a real browser: the admin key turned into a cookie session by the sign-in form, the
/// read models' status, a rebuild followed to its end, sign-out, and form posts refused without their antiforgery token.
/// Parity and switch are offered only for a read model with a new version built beside the serving one, which a
/// fresh ledger never has (every read model serves its current version), so they are not reachable here.
/// </summary>
[Collection(ExplorerTests.Name)]
public class AdminPageTests(ExplorerFixture explorer)
{
    private const string SessionCookie = "dealledger-admin";

    /// <summary>An async read model (inline ones are rebuilt by the CLI with the API stopped), read by the party page.</summary>
    private const string Rebuilt = "PartyExposure";

    [Fact]
    public async Task without_a_session_the_admin_page_sends_to_sign_in_where_a_wrong_key_is_refused_and_opens_no_session()
    {
        await using var browser = await explorer.OpenAsync();
        var page = browser.Page;
        await browser.GotoAsync("");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Admin" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(explorer.BaseAddress, "explore/sign-in?returnUrl=%2Fexplore%2Fadmin").ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Sign in");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);
        await browser.AssertAccessibleAsync();

        browser.ExpectStatus(page.Url, 401);
        await page.GetByLabel("Admin key").FillAsync("not-the-admin-key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That key is not valid. Check it and try again.");
        await Expect(page.GetByLabel("Admin key")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.GetByLabel("Admin key")).ToHaveValueAsync("");
        await browser.AssertAccessibleAsync();
        Assert.DoesNotContain(await browser.Page.Context.CookiesAsync(), c => c.Name == SessionCookie);

        await browser.GotoAsync("explore/admin");
        await Expect(page).ToHaveURLAsync(new Regex(@"/explore/sign-in\?returnUrl="));
        await Expect(page.GetByRole(AriaRole.Table)).ToHaveCountAsync(0);

        await browser.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task the_admin_key_signs_in_to_every_read_models_status_and_a_rebuild_followed_to_done_leaves_the_ledger_live()
    {
        await using var browser = await explorer.OpenAsync();
        var page = browser.Page;
        await SignInAsync(browser);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Read models");
        await Expect(page.Locator("form.sign-out")).ToContainTextAsync(new Regex(@"Signed in as node-\d+"));
        var table = page.GetByRole(AriaRole.Table);
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(ReadModels.All.Count);
        foreach (var model in ReadModels.All)
        {
            var row = Row(page, model.Name);
            await Expect(row.GetByRole(AriaRole.Rowheader)).ToHaveTextAsync(new Regex($@"^{model.Name}\s+{model.Lifecycle.ToString().ToLowerInvariant()}$"));
            await Expect(row.Locator("td").Nth(0)).ToHaveTextAsync($"v{model.Version}");
            await Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("none");
            await Expect(row.Locator(".state")).ToHaveTextAsync(model.Lifecycle == ProjectionLifecycle.Inline ? "inline" : "caught-up");
            await Expect(row.GetByRole(AriaRole.Button, new() { Name = $"Rebuild {model.Name}", Exact = true }))
                .ToHaveCountAsync(model.Lifecycle == ProjectionLifecycle.Inline ? 0 : 1);
        }

        await browser.ScreenshotForDocsAsync("admin.png");
        await browser.AssertAccessibleAsync();

        // A rebuild from the page: its own page shows the progress and reloads itself until the rebuild has ended.
        await Row(page, Rebuilt).GetByRole(AriaRole.Button, new() { Name = $"Rebuild {Rebuilt}", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/explore/admin/rebuilds/[0-9a-f-]{36}$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Rebuild of {Rebuilt}");
        await Expect(page.GetByLabel("Events applied")).ToBeVisibleAsync();
        var outcome = page.Locator("p.outcome");
        await Expect(outcome).ToHaveAttributeAsync("role", "status");
        await Expect(outcome).ToHaveTextAsync(new Regex("^Done: "), new() { Timeout = 60_000 });
        await Expect(page.Locator("div.progress")).ToContainTextAsync(new Regex(@"(\d[\d,]*) of \1 events \(100 %\)"));
        await Expect(page.Locator("dl.rebuild")).ToContainTextAsync(new Regex(@"by node-\d+"));
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel the rebuild" })).ToHaveCountAsync(0);
        await browser.AssertAccessibleAsync();
        var progressPath = new Uri(page.Url).AbsolutePath;

        await explorer.CaughtUpAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "All read models" }).ClickAsync();
        var rebuilt = Row(page, Rebuilt);
        await Expect(rebuilt.Locator(".state")).ToHaveTextAsync("caught-up");
        await Expect(rebuilt.GetByRole(AriaRole.Link, new() { Name = "Rebuild succeeded" })).ToHaveAttributeAsync("href", progressPath.TrimStart('/'));

        // The rebuilt read model answers the party page as before.
        await browser.GotoAsync("explore/parties/openai");
        await Expect(page.Locator("section[aria-labelledby=exposure-heading]")).ToContainTextAsync("$300B");
        await Expect(page.Locator("section[aria-labelledby=years-heading]")).ToContainTextAsync("$300B");

        // Signing out ends the session: the admin page asks for the key again.
        await browser.GotoAsync("explore/admin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(explorer.BaseAddress, "explore/sign-in").ToString());
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == SessionCookie);
        await browser.GotoAsync("explore/admin");
        await Expect(page).ToHaveURLAsync(new Regex(@"/explore/sign-in\?returnUrl="));

        await browser.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task form_posts_without_the_antiforgery_token_are_refused_and_change_nothing()
    {
        await using var browser = await explorer.OpenAsync();
        var page = browser.Page;

        // The right key, posted without the form's token, opens no session.
        var signIn = page.APIRequest.CreateFormData();
        signIn.Set("_handler", "sign-in");
        signIn.Set("Key", ApiNode.Key);
        var refused = await page.APIRequest.PostAsync("explore/sign-in", new() { Form = signIn, MaxRedirects = 0 });
        Assert.Equal(400, refused.Status);
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == SessionCookie);

        // Signed in, a rebuild posted without the token starts nothing.
        await SignInAsync(browser);
        var rebuild = page.APIRequest.CreateFormData();
        rebuild.Set("_handler", $"read-model-{Rebuilt}");
        rebuild.Set("operation", "rebuild");
        var before = await Row(page, Rebuilt).Locator("td").Nth(3).TextContentAsync();
        refused = await page.APIRequest.PostAsync("explore/admin", new() { Form = rebuild, MaxRedirects = 0 });
        Assert.Equal(400, refused.Status);

        await browser.GotoAsync("explore/admin");
        await Expect(Row(page, Rebuilt).Locator("td").Nth(3)).ToHaveTextAsync(before!);
        await Expect(Row(page, Rebuilt).GetByRole(AriaRole.Link, new() { Name = "Rebuild running" })).ToHaveCountAsync(0);

        await browser.AssertNoProblemsAsync();
    }

    /// <summary>Signs in with the API node's admin key by the form, as an operator does, and lands on the admin page.</summary>
    private async Task SignInAsync(BrowserPage browser)
    {
        var page = browser.Page;
        await browser.GotoAsync("explore/admin");
        await page.GetByLabel("Admin key").FillAsync(ApiNode.Key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(explorer.BaseAddress, "explore/admin").ToString());
        Assert.Contains(await page.Context.CookiesAsync(), c => c.Name == SessionCookie);
    }

    private static ILocator Row(IPage page, string model) =>
        page.GetByRole(AriaRole.Table).Locator("tbody tr").Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { NameRegex = new Regex($"^{model}\\b") }) });
}
