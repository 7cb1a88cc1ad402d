using System.Net;
using System.Security.Cryptography;
using System.Text;
using Alba;
using DealLedger.Api.Auth;
using DealLedger.Api.Hosting;
using Microsoft.AspNetCore.Http;

namespace DealLedger.Api.Tests.Adversarial;

/// <summary>
/// Keys, proxies, hosts and cookies under attack: weak or published keys never serve outside Development; one client's
/// wrong guesses never lock out the right key; behind a known proxy, limits key on the real client; a forged Host never
/// makes a redirect leave the site; every cookie is Secure in Production.
/// </summary>
public class KeysAndProxiesTests(ApiFixture api) : ApiTest(api)
{
    [Fact]
    public void generated_keys_of_128_bits_pass_the_strength_rule_and_the_development_key_words_and_repeats_do_not()
    {
        for (var i = 0; i < 500; i++)
        {
            var bytes = RandomNumberGenerator.GetBytes(16);
            Assert.True(ProductionChecks.EstimatedBits(Convert.ToHexString(bytes).ToLowerInvariant()) >= ProductionChecks.MinimumBits);
            Assert.True(ProductionChecks.EstimatedBits(Convert.ToBase64String(bytes)) >= ProductionChecks.MinimumBits);
            Assert.True(ProductionChecks.EstimatedBits(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))) >= ProductionChecks.MinimumBits);
        }

        Assert.All(new[] { "dev-key-change-me", "correcthorsebatterystaple", new string('a', 200), string.Concat(Enumerable.Repeat("ab", 100)), "P@ssw0rd!" },
            key => Assert.True(ProductionChecks.EstimatedBits(key) < ProductionChecks.MinimumBits, key));

        var hashed = new AuthOptions { ApiKeys = [new ApiKey { Name = "hashed-dev", KeyHash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("dev-key-change-me"))) }] };
        Assert.Contains(ProductionChecks.Problems(hashed, "localhost"), p => p.Contains("development key", StringComparison.Ordinal));
        Assert.Empty(ProductionChecks.Problems(new AuthOptions { ApiKeys = [new ApiKey { Name = "ok", Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }] }, "localhost"));
    }

    [Fact]
    public async Task outside_development_the_api_refuses_to_serve_with_the_development_key_a_guessable_key_or_any_host()
    {
        var (exitCode, output) = await ApiCli.RunAsync(ApiCli.StartInfo(Api.ConnectionString, "test_posture", ["--urls", "http://127.0.0.1:0"]),
            [("Auth:ApiKeys:0:Name", "dev"), ("Auth:ApiKeys:0:Key", "dev-key-change-me"), ("Auth:ApiKeys:1:Name", "weak"), ("Auth:ApiKeys:1:Key", "letmein-please"),
             ("AllowedHosts", "*")], TimeSpan.FromMinutes(2));

        Assert.Equal(1, exitCode);
        Assert.Contains("The Production environment refuses to start", output, StringComparison.Ordinal);
        Assert.Contains("Auth:ApiKeys:0 ('dev') is the development key", output, StringComparison.Ordinal);
        Assert.Contains("Auth:ApiKeys:1 ('weak') is too easy to guess", output, StringComparison.Ordinal);
        Assert.Contains("AllowedHosts is '*'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task in_production_every_cookie_is_secure_foreign_hosts_are_refused_and_the_health_probe_on_localhost_answers()
    {
        await using var node = await ApiNode.StartAsync(Api.ConnectionString, "test_posture");

        var signIn = await node.Client.GetAsync("/explore/sign-in");
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var cookies = signIn.Headers.GetValues("Set-Cookie").ToList();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));

        using var forged = new HttpRequestMessage(HttpMethod.Get, "/health/ready");
        forged.Headers.Host = "evil.example";
        Assert.Equal(HttpStatusCode.BadRequest, (await node.Client.SendAsync(forged)).StatusCode);

        // What compose's health check sends.
        using var probe = new HttpRequestMessage(HttpMethod.Get, "/health/ready");
        probe.Headers.Host = "localhost";
        Assert.Equal(HttpStatusCode.OK, (await node.Client.SendAsync(probe)).StatusCode);
    }

    [Fact]
    public async Task a_redirect_never_names_the_host_a_request_claimed()
    {
        var answer = await Api.Host.Server.SendAsync(context =>
        {
            context.Request.Method = "GET";
            context.Request.Path = "/explore/admin";
            context.Request.Host = new HostString("evil.example");
            context.Request.Headers.Accept = "text/html";
        });

        Assert.Equal(StatusCodes.Status302Found, answer.Response.StatusCode);
        var location = answer.Response.Headers.Location.ToString();
        Assert.StartsWith("/explore/sign-in", location, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task behind_a_known_proxy_limits_and_lockouts_key_on_the_real_client_and_forwarded_headers_from_others_are_ignored()
    {
        await using var host = await Api.WithSettingsAsync(("ForwardedHeaders:KnownProxies:0", "10.9.9.9"),
            ("RateLimits:PerAddress:PermitLimit", "3"), ("RateLimits:PerAddress:WindowSeconds", "60"),
            ("RateLimits:WrongKeys:PermitLimit", "2"), ("RateLimits:WrongKeys:WindowSeconds", "120"));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, await GetAsync(host, "/deals", from: "10.9.9.9", client: "198.51.100.1"));
        }

        Assert.Equal(429, await GetAsync(host, "/deals", from: "10.9.9.9", client: "198.51.100.1"));
        Assert.Equal(200, await GetAsync(host, "/deals", from: "10.9.9.9", client: "198.51.100.2"));

        // Anyone else claiming to forward for a client is that client itself: its claims are not believed.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, await GetAsync(host, "/deals", from: "10.8.8.8", client: $"198.51.100.{10 + i}"));
        }

        Assert.Equal(429, await GetAsync(host, "/deals", from: "10.8.8.8", client: "198.51.100.20"));

        // Wrong keys lock out the guessing client, not the others behind the proxy.
        Assert.Equal(401, await GetAsync(host, "/admin/projections", from: "10.9.9.9", client: "198.51.100.3", key: "guess-1"));
        Assert.Equal(401, await GetAsync(host, "/admin/projections", from: "10.9.9.9", client: "198.51.100.3", key: "guess-2"));
        Assert.Equal(429, await GetAsync(host, "/admin/projections", from: "10.9.9.9", client: "198.51.100.3", key: "guess-3"));
        Assert.Equal(401, await GetAsync(host, "/admin/projections", from: "10.9.9.9", client: "198.51.100.4", key: "guess-1"));
    }

    private static async Task<int> GetAsync(IAlbaHost host, string url, string from, string client, string? key = null)
    {
        var answer = await host.Server.SendAsync(context =>
        {
            context.Request.Method = "GET";
            context.Request.Path = url;
            context.Connection.RemoteIpAddress = IPAddress.Parse(from);
            context.Request.Headers["X-Forwarded-For"] = client;
            if (key is not null)
            {
                context.Request.Headers["X-Api-Key"] = key;
            }
        });
        return answer.Response.StatusCode;
    }
}
