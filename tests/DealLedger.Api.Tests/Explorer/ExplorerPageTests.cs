using DealLedger.Testing;

namespace DealLedger.Api.Tests.Explorer;

/// <summary>
/// The explorer's pages as HTML over HTTP (the browser tests, with Playwright and axe-core, are still to come):
/// the seed's numbers on the right page, and the as-of control changing them.
/// </summary>
public class ExplorerPageTests(ApiFixture api) : ApiTest(api)
{
    private const string Burn = "openai-cash-burn-2025-2029";

    [Fact]
    public async Task the_estimate_page_shows_the_cash_burn_revision_35B_before_2025_09_05_and_115B_after()
    {
        await Api.ImportSeedAsync();
        var client = Api.Client(withKey: false);

        var home = await client.GetStringAsync("/");
        Assert.Contains($"href=\"explore/estimates/{Burn}\"", home, StringComparison.Ordinal);

        var now = await client.GetAsync($"/explore/estimates/{Burn}");
        Assert.Equal("text/html", now.Content.Headers.ContentType?.MediaType);
        Assert.Contains("style-src 'self'", now.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var page = await now.Content.ReadAsStringAsync();
        Assert.Contains("Current value: <strong>$115B</strong>", page, StringComparison.Ordinal);
        Assert.Contains("<svg role=\"img\"", page, StringComparison.Ordinal);

        var before = await client.GetStringAsync($"/explore/estimates/{Burn}?asOf=2025-08-01");
        Assert.Contains("Current value: <strong>$35B</strong>", before, StringComparison.Ordinal);
        Assert.Contains("facts reported by 2025-08-01", before, StringComparison.Ordinal);

        foreach (var date in new[] { "yesterday", "9999-12-31", "2025-02-30" })
        {
            var bad = await client.GetAsync($"/explore/estimates/{Burn}?asOf={date}");
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("role=\"alert\"", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var early = await client.GetStringAsync($"/explore/estimates/{Burn}?asOf=2019-01-01");
        Assert.Contains("No value of this estimate is known as reported by 2019-01-01", early, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_page_that_does_not_exist_is_a_404_page_for_a_browser_and_problem_json_for_an_api_client()
    {
        await Api.ImportSeedAsync();
        var client = Api.Client(withKey: false);

        foreach (var path in new[] { "/explore/estimates/no-such-estimate", "/explore/nowhere", "/no-such-page" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
            var answer = await client.SendAsync(request);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, answer.StatusCode);
            Assert.Equal("text/html", answer.Content.Headers.ContentType?.MediaType);
            var page = await answer.Content.ReadAsStringAsync();
            Assert.Contains("<h1>Nothing here</h1>", page, StringComparison.Ordinal);
            Assert.Contains("href=\"explore/changes\"", page, StringComparison.Ordinal); // the layout, so the visitor can go on
        }

        var json = await client.GetAsync("/no-such-page");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, json.StatusCode);
        Assert.Equal("application/problem+json", json.Content.Headers.ContentType?.MediaType);

        // Known later, not yet on the basis: the estimate's page says so (it exists; the date is before its first report).
        var early = await client.GetAsync($"/explore/estimates/{Burn}?asOf=2019-01-01");
        Assert.Equal(System.Net.HttpStatusCode.OK, early.StatusCode);
    }
}
