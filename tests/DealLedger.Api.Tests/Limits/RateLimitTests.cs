using System.IO.Pipelines;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Alba;
using DealLedger.Api.Limits;
using DealLedger.Testing;
using Microsoft.AspNetCore.Http;

namespace DealLedger.Api.Tests.Limits;

/// <summary>ASP.NET Core's rate limiter: a window per key and per client address (429), a concurrency limit on imports (503).</summary>
public class RateLimitTests(ApiFixture api) : ApiTest(api)
{
    [Fact]
    public async Task past_its_limit_a_client_is_answered_429_with_retry_after_per_address_and_per_key()
    {
        await using var host = await Api.WithSettingsAsync(
            ("RateLimits:PerAddress:PermitLimit", "5"), ("RateLimits:PerKey:PermitLimit", "5"),
            ("RateLimits:PerAddress:WindowSeconds", "120"), ("RateLimits:PerKey:WindowSeconds", "120"));

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(200, (await GetAsync(host, "/deals", "10.0.0.1")).Response.StatusCode);
        }

        var limited = await GetAsync(host, "/deals", "10.0.0.1");
        await AssertTooManyAsync(limited);
        Assert.Equal(200, (await GetAsync(host, "/deals", "10.0.0.2")).Response.StatusCode);

        // A wrong key is no key: it counts against its address, so guessing keys is limited too.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(401, (await PostAsync(host, "10.0.0.3", "wrong-key")).Response.StatusCode);
        }

        await AssertTooManyAsync(await PostAsync(host, "10.0.0.3", "wrong-key"));

        // A valid key has its own window, whatever its address has used.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(200, (await GetAsync(host, "/deals", "10.0.0.1", ApiFixture.Key)).Response.StatusCode);
        }

        await AssertTooManyAsync(await GetAsync(host, "/deals", "10.0.0.4", ApiFixture.Key));
        Assert.Equal(200, (await GetAsync(host, "/deals", "10.0.0.1", ApiFixture.AdminKey)).Response.StatusCode);
    }

    [Fact]
    public async Task past_its_wrong_keys_an_address_has_its_wrong_keys_refused_while_right_keys_and_reads_go_on()
    {
        await using var host = await Api.WithSettingsAsync(("RateLimits:WrongKeys:PermitLimit", "3"), ("RateLimits:WrongKeys:WindowSeconds", "120"));

        // Right keys do not count: a client that never guesses is never slowed.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(200, (await GetAsync(host, "/admin/projections", "10.0.1.1", ApiFixture.AdminKey)).Response.StatusCode);
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(401, (await PostAsync(host, "10.0.1.1", $"guess-{i}")).Response.StatusCode);
        }

        // Wrong keys from that address are refused without being checked...
        await AssertTooManyAsync(await PostAsync(host, "10.0.1.1", "guess-4"));
        await AssertTooManyAsync(await GetAsync(host, "/admin/projections", "10.0.1.1", "guess-5"));

        // ...but a client behind the same address (a NAT, a proxy) that holds a right key is never locked out by them.
        Assert.Equal(200, (await GetAsync(host, "/admin/projections", "10.0.1.1", ApiFixture.AdminKey)).Response.StatusCode);
        Assert.Equal(422, (await PostAsync(host, "10.0.1.1", ApiFixture.Key)).Response.StatusCode);

        // Keyless reads from that address go on (as anonymous ones), and other addresses keep their keys.
        Assert.Equal(200, (await GetAsync(host, "/deals", "10.0.1.1")).Response.StatusCode);
        Assert.Equal(200, (await GetAsync(host, "/admin/projections", "10.0.1.2", ApiFixture.AdminKey)).Response.StatusCode);
    }

    [Fact]
    public async Task an_import_past_the_concurrency_limit_is_answered_503_with_retry_after()
    {
        await using var host = await Api.WithSettingsAsync(("RateLimits:Imports:PermitLimit", "1"), ("RateLimits:Imports:QueueLimit", "0"));
        var client = host.Server.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiFixture.Key);
        var line = Envelopes.Deal("slow-1", "slow-deal", "2025-09-10").ToJsonString() + "\n";

        // The slow import holds its permit while its body is still arriving. It may itself be the one refused, when
        // a quick import held the permit as it arrived: then it is sent again.
        Pipe body = null!;
        Task<HttpResponseMessage> SendSlow()
        {
            body = new Pipe();
            body.Writer.WriteAsync(Encoding.UTF8.GetBytes(line)).AsTask().Wait();
            var content = new StreamContent(body.Reader.AsStream());
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");
            return client.PostAsync("/facts/import", content);
        }

        var slow = SendSlow();
        HttpResponseMessage? refused = null;
        for (var attempt = 0; attempt < 200 && refused is null; attempt++)
        {
            if (slow.IsCompleted)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, (await slow).StatusCode);
                await body.Writer.CompleteAsync();
                slow = SendSlow();
            }

            var quick = await Api.ImportAsync(Envelopes.Deal("other-1", "other-deal", "2025-09-10").ToJsonString(), client);
            if (quick.StatusCode == HttpStatusCode.ServiceUnavailable && !slow.IsCompleted)
            {
                refused = quick;
            }
            else
            {
                Assert.True(quick.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{(int)quick.StatusCode}");
                await Task.Delay(25);
            }
        }

        Assert.NotNull(refused);
        await Problem.Assert(refused, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(refused.Headers.RetryAfter);

        await body.Writer.CompleteAsync();
        Assert.Equal(HttpStatusCode.OK, (await slow).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Api.ImportAsync(line, client)).StatusCode);
    }

    [Theory]
    [InlineData("GET", "/deals?asOf=2025-01-01", null, "expensive-reads")]
    [InlineData("GET", "/deals/x?position=3", null, "expensive-reads")]
    [InlineData("GET", "/deals?cursor=t12.50", null, "expensive-reads")]
    [InlineData("GET", "/timeline?format=csv", null, "expensive-reads")]
    [InlineData("GET", "/timeline", "text/csv", "expensive-reads")]
    [InlineData("POST", "/facts/import", null, "imports")]
    [InlineData("GET", "/deals?party=openai", null, null)]
    [InlineData("GET", "/deals/x", null, null)]
    [InlineData("POST", "/facts", null, null)]
    public void temporal_reads_exports_and_imports_are_the_expensive_kinds(string method, string url, string? accept, string? kind)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        var query = url.IndexOf('?', StringComparison.Ordinal);
        context.Request.Path = query < 0 ? url : url[..query];
        context.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(url[query..]);
        if (accept is not null)
        {
            context.Request.Headers.Accept = accept;
        }

        Assert.Equal(kind, RateLimits.ExpensiveKind(context.Request));
    }

    private static async Task AssertTooManyAsync(HttpContext context)
    {
        Assert.Equal(StatusCodes.Status429TooManyRequests, context.Response.StatusCode);
        Assert.True(int.Parse(context.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.StartsWith("application/problem+json", context.Response.ContentType, StringComparison.Ordinal);
        var problem = await JsonNode.ParseAsync(context.Response.Body);
        Assert.Equal(429, (int)problem!["status"]!);
    }

    private static Task<HttpContext> GetAsync(IAlbaHost host, string url, string address, string? key = null) =>
        host.Server.SendAsync(context =>
        {
            context.Request.Method = "GET";
            var query = url.IndexOf('?', StringComparison.Ordinal);
            context.Request.Path = query < 0 ? url : url[..query];
            context.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(url[query..]);
            context.Connection.RemoteIpAddress = IPAddress.Parse(address);
            if (key is not null)
            {
                context.Request.Headers["X-Api-Key"] = key;
            }
        });

    private static Task<HttpContext> PostAsync(IAlbaHost host, string address, string key) =>
        host.Server.SendAsync(context =>
        {
            context.Request.Method = "POST";
            context.Request.Path = "/facts";
            context.Request.ContentType = "application/json";
            context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("{}"));
            context.Connection.RemoteIpAddress = IPAddress.Parse(address);
            context.Request.Headers["X-Api-Key"] = key;
        });
}
