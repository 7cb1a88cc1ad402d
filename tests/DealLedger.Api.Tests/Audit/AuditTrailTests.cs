using DealLedger.Testing;

namespace DealLedger.Api.Tests.Audit;

public class AuditTrailTests(ApiFixture api) : ApiTest(api)
{
    [Fact]
    public async Task paging_the_audit_trail_while_writers_write_sees_every_event_once_in_log_order()
    {
        const int Writers = 4, FactsEach = 40;
        var writing = Task.WhenAll(Enumerable.Range(0, Writers).Select(async w =>
        {
            var client = Api.Client();
            await Api.PostFactAsync(Envelopes.Deal($"w{w}-0", $"writer-{w}-deal", "2025-01-01"), client);
            for (var i = 1; i < FactsEach; i++)
            {
                (await Api.PostFactAsync(Envelopes.Value($"w{w}-{i}", $"writer-{w}-deal", "2025-01-01", i), client)).EnsureSuccessStatusCode();
            }
        }));

        var seen = new List<(long Sequence, string FactId)>();
        var cursor = "0";
        var finished = false;
        for (var polls = 0; polls < 2000; polls++)
        {
            var page = await Api.GetJsonAsync($"/events?limit=7&cursor={cursor}");
            seen.AddRange(page["items"]!.AsArray().Select(e => ((long)e!["sequence"]!, (string)e["factId"]!)));
            cursor = (string)page["next"]!;
            if ((bool)page["atEnd"]!)
            {
                if (finished && seen.Count >= Writers * FactsEach)
                {
                    break;
                }

                if (writing.IsCompleted && !finished)
                {
                    await writing;
                    await Api.CatchUpAsync();
                    finished = true;
                }

                await Task.Delay(20);
            }
        }

        Assert.Equal(Writers * FactsEach, seen.Count);
        Assert.Equal(seen.Count, seen.Select(s => s.FactId).Distinct().Count());
        Assert.Equal(seen.Select(s => s.Sequence).Order(), seen.Select(s => s.Sequence));
    }

    [Fact]
    public async Task the_audit_trail_filters_by_recorder_type_and_recorded_time()
    {
        await Api.ImportSeedAsync();
        await Api.CatchUpAsync();

        var deals = await Api.GetJsonAsync("/events?type=deal.reported&limit=500");
        Assert.All(deals["items"]!.AsArray(), e => Assert.Equal("deal.reported", (string?)e!["type"]));
        Assert.Equal(SeedData.Facts().Count(f => f.Type.Name == "deal.reported"), deals["items"]!.AsArray().Count);

        var mine = await Api.GetJsonAsync($"/events?recordedBy={ApiFixture.KeyName}&limit=500", ApiFixture.Key);
        Assert.Equal(SeedData.Facts().Count, mine["items"]!.AsArray().Count);
        Assert.All(mine["items"]!.AsArray(), e => Assert.NotNull(e!["correlationId"]));

        Assert.Empty((await Api.GetJsonAsync("/events?recordedBy=someone-else", ApiFixture.Key))["items"]!.AsArray());
        Assert.Empty((await Api.GetJsonAsync($"/events?recordedFrom={DateTime.UtcNow.AddDays(1):yyyy-MM-dd}"))["items"]!.AsArray());
        Assert.Equal(SeedData.Facts().Count,
            (await Api.GetJsonAsync($"/events?recordedTo={DateTime.UtcNow.AddMinutes(1):O}&limit=500"))["items"]!.AsArray().Count);
    }
}
