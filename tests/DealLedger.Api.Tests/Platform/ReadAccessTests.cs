using System.Net;
using Alba;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Platform;

public class ReadAccessTests(ApiFixture api) : ApiTest(api)
{
    [Fact]
    public async Task reads_are_open_by_default()
    {
        var response = await Api.Client(withKey: false).GetAsync("/deals");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task reads_need_a_key_when_configured_so()
    {
        await using var host = await Api.WithSettingsAsync(("Auth:RequireKeyForReads", "true"));

        var anonymous = await host.Server.CreateClient().GetAsync("/deals");
        await Problem.Assert(anonymous, HttpStatusCode.Unauthorized);

        var client = host.Server.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiFixture.Key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/deals")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Server.CreateClient().GetAsync("/health")).StatusCode);
    }
}
