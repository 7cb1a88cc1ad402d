using System.Net;
using DealLedger.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DealLedger.Api.Tests.Platform;

public class HttpPostureTests(ApiFixture api) : ApiTest(api)
{
    private const string Allowed = "https://ledger.example";

    [Fact]
    public async Task every_answer_carries_the_security_headers_and_the_docs_page_its_own_content_policy()
    {
        foreach (var path in new[] { "/deals", "/deals/no-such-deal", "/health/live" })
        {
            var response = await Api.Client(withKey: false).GetAsync(path);

            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Equal("default-src 'none'; frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.False(response.Headers.Contains("Server"));
        }

        var docs = await Api.Client(withKey: false).GetAsync("/docs/");
        var policy = docs.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);

        // Kestrel's own banner is off (the in-process test server has none to show; the production node test checks the wire).
        Assert.False(Api.Host.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.AddServerHeader);
    }

    [Fact]
    public async Task a_preflight_from_an_allowed_origin_is_allowed_and_from_any_other_answered_without_allowing()
    {
        await using var host = await Api.WithSettingsAsync(("Cors:AllowedOrigins:0", Allowed));

        var allowed = await host.Server.CreateClient().SendAsync(Preflight(Allowed));
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal(Allowed, allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", allowed.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
        Assert.Contains("x-api-key", allowed.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);

        var other = await host.Server.CreateClient().SendAsync(Preflight("https://elsewhere.example"));
        Assert.Equal(HttpStatusCode.NoContent, other.StatusCode);
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));

        using var get = new HttpRequestMessage(HttpMethod.Get, "/deals");
        get.Headers.Add("Origin", Allowed);
        var read = await host.Server.CreateClient().SendAsync(get);
        Assert.Equal(Allowed, read.Headers.GetValues("Access-Control-Allow-Origin").Single());

        // No origin is allowed unless configured.
        Assert.False((await Api.Client(withKey: false).SendAsync(Preflight(Allowed))).Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task the_reference_pages_are_not_served_when_docs_are_off()
    {
        await using var host = await Api.WithSettingsAsync(("Docs:Enabled", "false"));

        Assert.Equal(HttpStatusCode.NotFound, (await host.Server.CreateClient().GetAsync("/docs/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Server.CreateClient().GetAsync("/openapi/v1.json")).StatusCode);
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/facts");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type,x-api-key");
        return request;
    }
}
