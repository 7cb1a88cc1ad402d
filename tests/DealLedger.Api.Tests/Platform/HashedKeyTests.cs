using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Platform;

public class HashedKeyTests(ApiFixture api) : ApiTest(api)
{
    [Fact]
    public async Task a_key_configured_by_its_sha256_authenticates_and_its_name_is_recorded()
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("hashed-secret")));
        await using var host = await Api.WithSettingsAsync(("Auth:ApiKeys:2:Name", "hashed"), ("Auth:ApiKeys:2:KeyHash", hash));

        var client = host.Server.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", "hashed-secret");
        var created = await Api.PostFactAsync(Envelopes.Deal("d1", "hashed-deal", "2025-01-21"), client);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var history = (await client.GetFromJsonAsync<JsonNode>("/deals/hashed-deal/history"))!;
        Assert.Equal("hashed", (string?)history["items"]![0]!["recordedBy"]);

        // The hash itself is not a key.
        var withHash = host.Server.CreateClient();
        withHash.DefaultRequestHeaders.Add("X-Api-Key", hash);
        await Problem.Assert(await Api.PostFactAsync(Envelopes.Deal("d2", "hashed-deal-2", "2025-01-21"), withHash), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task a_key_with_both_a_key_and_a_hash_or_a_malformed_hash_stops_the_start()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => Api.WithSettingsAsync(("Auth:ApiKeys:2:Name", "broken"), ("Auth:ApiKeys:2:KeyHash", "not-hex")));
        Assert.Contains("Auth:ApiKeys", error.ToString(), StringComparison.Ordinal);
    }
}
