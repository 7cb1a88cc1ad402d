using System.Net;
using System.Text.Json.Nodes;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Platform;

public class PlatformTests(ApiFixture api) : ApiTest(api)
{
    [Fact]
    public async Task the_openapi_document_lists_every_endpoint_with_its_error_responses()
    {
        var document = await Api.GetJsonAsync("/openapi/v1.json");
        var paths = document["paths"]!.AsObject();

        foreach (var path in new[] { "/facts", "/facts/import", "/deals", "/deals/{slug}", "/deals/{slug}/history", "/estimates",
                     "/estimates/{slug}", "/parties/{slug}", "/timeline", "/streams/{slug}/events" })
        {
            Assert.True(paths.ContainsKey(path), $"{path} is missing from the OpenAPI document");
        }

        var post = paths["/facts"]!["post"]!["responses"]!.AsObject();
        foreach (var status in new[] { "201", "200", "400", "401", "409", "412", "413", "422", "429", "503" })
        {
            Assert.True(post.ContainsKey(status), $"POST /facts does not document {status}");
        }

        Assert.NotNull(paths["/facts"]!["post"]!["requestBody"]);
    }

    [Fact]
    public async Task the_reference_page_and_the_health_check_answer()
    {
        var docs = await Api.Client(withKey: false).GetAsync("/docs/");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);

        var health = await Api.Client(ApiFixture.AdminKey).GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var report = JsonNode.Parse(await health.Content.ReadAsStringAsync())!;
        Assert.Equal("Healthy", (string?)report["status"]);
        Assert.Equal(["database", "read-models"], report["checks"]!.AsArray().Select(c => (string?)c!["name"]));
    }
}
