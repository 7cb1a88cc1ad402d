using System.Net;
using System.Text.Json.Nodes;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Audit;

/// <summary>A deal's history and a raw stream are pages like every other list, each page on the first page's basis.</summary>
public class StreamPagingTests(ApiFixture api) : ApiTest(api)
{
    private const string Deal = "paged-deal";

    [Theory]
    [InlineData("/deals/paged-deal/history")]
    [InlineData("/streams/paged-deal/events")]
    public async Task a_stream_is_read_a_page_at_a_time_on_the_first_pages_basis(string url)
    {
        await Api.PostFactAsync(Envelopes.Deal("p0", Deal, "2025-01-01"));
        for (var i = 1; i < 7; i++)
        {
            (await Api.PostFactAsync(Envelopes.Value($"p{i}", Deal, "2025-01-01", i))).EnsureSuccessStatusCode();
        }

        var first = await Api.GetJsonAsync($"{url}?limit=3");
        var position = (long)first["basis"]!["position"]!;

        // A fact arriving between pages is not in them: the cursor keeps the first page's position.
        (await Api.PostFactAsync(Envelopes.Value("late", Deal, "2025-01-02", 99))).EnsureSuccessStatusCode();

        var ids = new List<string?>();
        var page = first;
        var pages = 1;
        while (true)
        {
            ids.AddRange(page["items"]!.AsArray().Select(e => (string?)e!["factId"]));
            Assert.Equal(position, (long)page["basis"]!["position"]!);
            if ((string?)page["next"] is not { } next)
            {
                break;
            }

            page = await Api.GetJsonAsync($"{url}?limit=3&cursor={Uri.EscapeDataString(next)}");
            pages++;
        }

        Assert.Equal(["p0", "p1", "p2", "p3", "p4", "p5", "p6"], ids);
        Assert.Equal(3, pages);
        Assert.Equal(8, (await Api.GetJsonAsync(url))["items"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("/deals/paged-deal/history")]
    [InlineData("/streams/paged-deal/events")]
    public async Task a_bad_limit_or_cursor_is_a_400_naming_it(string url)
    {
        await Api.PostFactAsync(Envelopes.Deal("p0", Deal, "2025-01-01"));

        var limit = await Problem.Assert(await Api.Client(withKey: false).GetAsync($"{url}?limit=0"), HttpStatusCode.BadRequest);
        Assert.NotNull(limit["errors"]!["limit"]);
        var cursor = await Problem.Assert(await Api.Client(withKey: false).GetAsync($"{url}?cursor=nonsense"), HttpStatusCode.BadRequest);
        Assert.NotNull(cursor["errors"]!["cursor"]);
    }
}
