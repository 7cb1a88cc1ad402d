using System.Net;
using System.Text.Json.Nodes;
using DealLedger.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DealLedger.Api.Tests.Platform;

public class HealthTests(ApiFixture api) : ApiTest(api)
{
    private const string Secret = "db-7.internal.example";

    [Fact]
    public async Task anonymous_readiness_shows_the_status_only_while_an_admin_key_sees_each_check_with_its_error()
    {
        await using var host = await Api.WithServicesAsync(services => services.AddHealthChecks().AddCheck("replica",
            () => HealthCheckResult.Unhealthy("The replica does not answer", new TimeoutException($"connecting to {Secret}:5432 timed out")),
            tags: [HealthJson.Ready]));

        foreach (var path in new[] { "/health/ready", "/health" })
        {
            var anonymous = await host.Server.CreateClient().GetAsync(path);
            var body = await anonymous.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, anonymous.StatusCode);
            Assert.Equal("""{"status":"Unhealthy"}""", body);

            var admin = host.Server.CreateClient();
            admin.DefaultRequestHeaders.Add("X-Api-Key", ApiFixture.AdminKey);
            var detailed = await admin.GetAsync(path);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, detailed.StatusCode);
            var checks = JsonNode.Parse(await detailed.Content.ReadAsStringAsync())!["checks"]!.AsArray();
            Assert.Equal(["database", "read-models", "replica"], checks.Select(c => (string?)c!["name"]));
            Assert.Contains(Secret, (string?)checks[2]!["error"]);
            Assert.Contains("System.TimeoutException", (string?)checks[2]!["error"]);
            Assert.NotNull(checks[0]!["data"]!["host"]);
        }

        // A writer key is not an admin key: status only.
        var writer = host.Server.CreateClient();
        writer.DefaultRequestHeaders.Add("X-Api-Key", ApiFixture.Key);
        Assert.Equal("""{"status":"Unhealthy"}""", await (await writer.GetAsync("/health/ready")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task liveness_answers_without_running_any_check()
    {
        var checks = 0;
        await using var host = await Api.WithServicesAsync(services => services.AddHealthChecks().AddCheck("counting", () =>
        {
            Interlocked.Increment(ref checks);
            return HealthCheckResult.Unhealthy("down");
        }, tags: [HealthJson.Ready]));

        var live = await host.Server.CreateClient().GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("""{"status":"Healthy"}""", await live.Content.ReadAsStringAsync());
        Assert.Equal(0, checks);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await host.Server.CreateClient().GetAsync("/health/ready")).StatusCode);
        Assert.Equal(1, checks);
    }
}
