using System.Net;
using System.Text.Json.Nodes;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Audit;

public class TimeAxesTests(ApiFixture api) : ApiTest(api)
{
    private const string Deal = "oracle-openai-cloud-2025";

    [Fact]
    public async Task a_back_filled_2019_fact_shows_as_of_2020_but_not_as_recorded_before_it_was_entered()
    {
        (await Api.PostFactAsync(Envelopes.Deal("d", Deal, "2019-03-01"))).EnsureSuccessStatusCode();
        var beforeBackfill = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        (await Api.PostFactAsync(Envelopes.Value("old", Deal, "2019-06-01", 1_000_000_000m))).EnsureSuccessStatusCode();

        var known2020 = await Api.GetJsonAsync($"/deals/{Deal}?asOf=2020-01-01");
        var recordedBefore = await Api.GetJsonAsync($"/deals/{Deal}?recordedAsOf={Uri.EscapeDataString(beforeBackfill.ToString("O"))}");

        Assert.Equal(1_000_000_000m, (decimal)known2020["terms"]!["total-value"]!["value"]!["money"]!["amount"]!);
        Assert.Null(recordedBefore["terms"]!["total-value"]);
        Assert.Equal("2020-01-01", (string?)known2020["basis"]!["asOf"]);
        Assert.NotNull(recordedBefore["basis"]!["recordedAsOf"]);
    }

    [Fact]
    public async Task effective_at_answers_the_state_of_the_world_on_a_date_as_now_known()
    {
        await Api.ImportSeedAsync();

        var in2023 = await Api.GetJsonAsync("/deals/microsoft-openai-azure-exclusivity-2019?effectiveAt=2023-06-01");
        var in2025 = await Api.GetJsonAsync("/deals/microsoft-openai-azure-exclusivity-2019?effectiveAt=2025-06-01");

        Assert.True((bool)in2023["flags"]!["exclusivityInForce"]!);
        Assert.False((bool)in2025["flags"]!["exclusivityInForce"]!);
        Assert.Equal("2023-06-01", (string?)in2023["basis"]!["effectiveAt"]);
    }

    [Fact]
    public async Task axes_combine_and_a_pinned_position_gives_the_same_answer_after_new_facts_arrive()
    {
        await Api.ImportSeedAsync();
        var first = await Api.GetJsonAsync("/deals/stargate-2025?asOf=2025-12-31&effectiveAt=2025-06-01");
        var position = (long)first["basis"]!["position"]!;
        Assert.Equal("announced", (string?)first["status"]);

        (await Api.PostFactAsync(Envelopes.Envelope("revived", "deal.status-changed", "stargate-2025", "2025-10-01",
            new { status = "signed" }, effective: "2025-05"))).EnsureSuccessStatusCode();
        var moved = await Api.GetJsonAsync("/deals/stargate-2025?asOf=2025-12-31&effectiveAt=2025-06-01");
        var pinned = await Api.GetJsonAsync($"/deals/stargate-2025?asOf=2025-12-31&effectiveAt=2025-06-01&position={position}");

        Assert.Equal("signed", (string?)moved["status"]);
        Assert.True(JsonNode.DeepEquals(first, pinned), $"{first}\n!=\n{pinned}");
    }

    [Fact]
    public async Task every_read_states_its_basis_and_lists_parties_and_timeline_honour_the_axes()
    {
        await Api.ImportSeedAsync();
        await Api.CatchUpAsync();

        var deals = await Api.GetJsonAsync("/deals?asOf=2025-09-09&limit=500");
        Assert.DoesNotContain(deals["items"]!.AsArray(), d => (string?)d!["id"] == Deal);
        Assert.Contains(deals["items"]!.AsArray(), d => (string?)d!["id"] == "stargate-2025");
        Assert.NotNull(deals["basis"]!["position"]);

        var openaiThen = await Api.GetJsonAsync("/parties/openai?asOf=2025-08-01");
        Assert.DoesNotContain(openaiThen["deals"]!.AsArray(), d => (string?)d!["deal"] == Deal);
        var openaiNow = await Api.GetJsonAsync("/parties/openai");
        Assert.Contains(openaiNow["deals"]!.AsArray(), d => (string?)d!["deal"] == Deal);
        Assert.True((long)openaiNow["basis"]!["position"]! > 0);

        var timeline = await Api.GetJsonAsync("/timeline?asOf=2025-03-31&limit=500");
        Assert.All(timeline["items"]!.AsArray(), t => Assert.True(string.CompareOrdinal((string?)t!["reportedOn"], "2025-03-31") <= 0));
        Assert.Equal("2025-03-31", (string?)timeline["basis"]!["asOf"]);

        foreach (var url in new[] { "/deals/stargate-2025", "/estimates/openai-cash-burn-2025-2029", "/estimates", "/deals" })
        {
            Assert.NotNull((await Api.GetJsonAsync(url))["basis"]?["position"]);
        }
    }

    [Fact]
    public async Task a_temporal_deal_read_of_an_estimate_or_party_slug_is_a_404()
    {
        await Api.ImportSeedAsync();

        await Problem.Assert(await Api.Client(withKey: false).GetAsync("/deals/openai-cash-burn-2025-2029?asOf=2026-01-01"), HttpStatusCode.NotFound);
        await Problem.Assert(await Api.Client(withKey: false).GetAsync("/deals/openai?effectiveAt=2026-01-01"), HttpStatusCode.NotFound);
        await Problem.Assert(await Api.Client(withKey: false).GetAsync("/estimates/stargate-2025?asOf=2026-01-01"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/deals/stargate-2025?recordedAsOf=last-tuesday", "recordedAsOf")]
    [InlineData("/deals/stargate-2025?effectiveAt=2025-02-30", "effectiveAt")]
    [InlineData("/deals/stargate-2025?position=0", "position")]
    [InlineData("/deals?position=-4", "position")]
    [InlineData("/estimates/openai-cash-burn-2025-2029?asOf=1850-01-01", "asOf")]
    [InlineData("/parties/openai?recordedAsOf=2025-13-01", "recordedAsOf")]
    [InlineData("/timeline?effectiveAt=soon", "effectiveAt")]
    public async Task malformed_or_impossible_axis_values_are_a_400_naming_the_parameter(string url, string parameter)
    {
        var problem = await Problem.Assert(await Api.Client(withKey: false).GetAsync(url), HttpStatusCode.BadRequest, url);

        Assert.NotNull(problem["errors"]![parameter]);
    }

    [Fact]
    public async Task temporal_list_pages_follow_the_pinned_basis()
    {
        var file = string.Join('\n', LedgerGenerator.Generate(seed: 11, deals: 12, factsPerDeal: 2).Select(f => f.ToJsonString()));
        (await Api.ImportAsync(file)).EnsureSuccessStatusCode();

        var seen = new List<string>();
        var page = await Api.GetJsonAsync("/deals?asOf=2030-01-01&limit=5");
        seen.AddRange(page["items"]!.AsArray().Select(d => (string)d!["id"]!));
        (await Api.PostFactAsync(Envelopes.Deal("late", "aaa-late-deal", "2025-01-01"))).EnsureSuccessStatusCode();
        while ((string?)page["next"] is { } next)
        {
            page = await Api.GetJsonAsync($"/deals?asOf=2030-01-01&limit=5&cursor={next}");
            seen.AddRange(page["items"]!.AsArray().Select(d => (string)d!["id"]!));
        }

        Assert.Equal(12, seen.Count);
        Assert.DoesNotContain("aaa-late-deal", seen);
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task the_temporal_deal_list_answers_each_deal_as_its_own_temporal_read_on_every_axis()
    {
        // Deals reported over five years, some out of order, with corroborations and retractions, beside the seed
        // (a dispute, facts with effective dates): on each basis some deals are their stored summary, others folded.
        await Api.ImportSeedAsync();
        var file = string.Join('\n', LedgerGenerator.Generate(seed: 23, deals: 30, factsPerDeal: 4, relations: true).Select(f => f.ToJsonString()));
        (await Api.ImportAsync(file)).EnsureSuccessStatusCode();
        var beforeLate = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        var pinned = (long)(await Api.GetJsonAsync("/deals?asOf=2099-01-01&limit=1"))["basis"]!["position"]!;
        (await Api.PostFactAsync(Envelopes.Value("late-value", "gen-deal-23-3", "2021-02-01", 5_000_000_000m))).EnsureSuccessStatusCode();
        (await Api.PostFactAsync(Envelopes.Deal("late-deal", "aaa-late-deal", "2020-01-01"))).EnsureSuccessStatusCode();

        var slugs = (await Api.GetJsonAsync("/deals?limit=200"))["items"]!.AsArray().Select(d => (string)d!["id"]!).ToList();
        foreach (var basis in new[]
                 {
                     "asOf=2099-01-01", "asOf=2021-06-30", "asOf=2025-09-09", "asOf=2019-01-01",
                     $"recordedAsOf={Uri.EscapeDataString(beforeLate.ToString("O"))}", "effectiveAt=2025-06-01",
                     $"asOf=2099-01-01&position={pinned}", "asOf=2023-03-01&effectiveAt=2024-01-01",
                 })
        {
            var list = await Api.GetJsonAsync($"/deals?{basis}&limit=200");
            var position = (long)list["basis"]!["position"]!;
            var pin = basis.Contains("position=", StringComparison.Ordinal) ? "" : $"&position={position}";
            var items = list["items"]!.AsArray().ToDictionary(d => (string)d!["id"]!);
            foreach (var slug in slugs)
            {
                var one = await Api.Client(withKey: false).GetAsync($"/deals/{slug}?{basis}{pin}");
                if (one.StatusCode == HttpStatusCode.NotFound)
                {
                    Assert.False(items.ContainsKey(slug), $"{slug} is listed on {basis} but has no facts there");
                    continue;
                }

                var single = JsonNode.Parse(await one.Content.ReadAsStringAsync())!.AsObject();
                single.Remove("basis");
                Assert.True(items.TryGetValue(slug, out var listed), $"{slug} is missing from the list on {basis}");
                Assert.True(JsonNode.DeepEquals(single, listed), $"{slug} on {basis}:\n{single}\n!=\n{listed}");
            }

            Assert.Equal(items.Count, items.Keys.Intersect(slugs).Count());

            // A party filter reads only that party's deals; it lists what filtering the whole list gives.
            var withOpenAi = items.Values.Where(d => d!["parties"]!.AsArray().Any(p => (string)p!["party"]! == "openai")).Select(d => (string)d!["id"]!);
            var filtered = await Api.GetJsonAsync($"/deals?{basis}{pin}&party=openai&limit=200");
            Assert.Equal(withOpenAi.Order(StringComparer.Ordinal), filtered["items"]!.AsArray().Select(d => (string)d!["id"]!));
        }
    }
}
