using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace DealLedger.Api.Tests;

public static class Problem
{
    /// <summary>Asserts an RFC 7807 answer with the status, and returns its body.</summary>
    public static async Task<JsonNode> Assert(HttpResponseMessage response, HttpStatusCode status, string? because = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Xunit.Assert.True(status == response.StatusCode, $"{because}: expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Xunit.Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!;
        Xunit.Assert.Equal((int)status, (int)problem["status"]!);
        Xunit.Assert.False(string.IsNullOrWhiteSpace((string?)problem["title"]));
        return problem;
    }
}
