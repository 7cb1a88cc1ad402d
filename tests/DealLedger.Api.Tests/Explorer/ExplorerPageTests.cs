using DealLedger.Testing;

namespace DealLedger.Api.Tests.Explorer;

/// <summary>
/// The explorer's pages as HTML over HTTP (in a real browser, with axe-core: tests/DealLedger.Explorer.Tests):
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
}
