using System.Net;
using System.Text.Json.Nodes;
using DealLedger.Api.Seed;
using DealLedger.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DealLedger.Api.Tests.Seed;

/// <summary>The seed article's story, told through the API as an analyst would ask it.</summary>
public class SeedArticleStoryTests(ApiFixture api) : ApiTest(api)
{
    [Fact]
    public async Task cash_burn_was_35_billion_before_the_revision_and_is_115_billion_after_it()
    {
        await Api.ImportSeedAsync();

        var before = await Api.GetJsonAsync("/estimates/openai-cash-burn-2025-2029?asOf=2025-08-01");
        var now = await Api.GetJsonAsync("/estimates/openai-cash-burn-2025-2029");

        Assert.Equal(35_000_000_000m, (decimal)before["current"]!["value"]!["amount"]!);
        Assert.Single(before["revisions"]!.AsArray());
        Assert.Equal(115_000_000_000m, (decimal)now["current"]!["value"]!["amount"]!);
        Assert.Equal(80_000_000_000m, (decimal)now["current"]!["delta"]!);
        Assert.Equal(3.2857m, (decimal)now["current"]!["ratio"]!);
        Assert.Equal("The Information", (string?)now["current"]!["source"]!["source"]!["publisher"]);
    }

    [Fact]
    public async Task the_oracle_contract_is_unknown_before_its_report_and_300_billion_over_five_years_from_2027_after()
    {
        await Api.ImportSeedAsync();

        var before = await Api.Client(withKey: false).GetAsync("/deals/oracle-openai-cloud-2025?asOf=2025-09-09");
        await Problem.Assert(before, HttpStatusCode.NotFound);

        var after = await Api.GetJsonAsync("/deals/oracle-openai-cloud-2025?asOf=2025-09-10");
        Assert.Equal(300_000_000_000m, (decimal)after["terms"]!["total-value"]!["value"]!["money"]!["amount"]!);
        Assert.Equal("The Wall Street Journal", (string?)after["terms"]!["total-value"]!["source"]!["source"]!["publisher"]);
        Assert.Null(after["terms"]!["first-year-value"]);

        var now = await Api.GetJsonAsync("/deals/oracle-openai-cloud-2025");
        Assert.Equal(60, (int)now["terms"]!["duration"]!["value"]!["quantity"]!);
        Assert.Equal("2027", (string?)now["terms"]!["start"]!["value"]!["period"]!["text"]);
        Assert.Equal(30_000_000_000m, (decimal)now["terms"]!["first-year-value"]!["value"]!["money"]!["amount"]!);
        Assert.Contains(now["relations"]!.AsArray(), r => (string?)r!["relation"] == "partly-substitutes" && (string?)r["target"] == "stargate-2025");
    }

    [Fact]
    public async Task azure_exclusivity_held_from_2019_and_is_lifted_now()
    {
        await Api.ImportSeedAsync();

        var in2020 = await Api.GetJsonAsync("/deals/microsoft-openai-azure-exclusivity-2019?asOf=2020-01-01");
        var now = await Api.GetJsonAsync("/deals/microsoft-openai-azure-exclusivity-2019");

        Assert.True((bool)in2020["flags"]!["exclusivityInForce"]!);
        Assert.False((bool)now["flags"]!["exclusivityInForce"]!);
        Assert.Equal("2024", (string?)now["terms"]!["exclusivity"]!["value"]!["period"]!["text"]);
    }

    [Fact]
    public async Task stargate_was_announced_then_stalled_and_the_texas_site_claim_is_flagged_as_disputed()
    {
        await Api.ImportSeedAsync();

        Assert.Equal("announced", (string?)(await Api.GetJsonAsync("/deals/stargate-2025?asOf=2025-02-01"))["status"]);
        var stargate = await Api.GetJsonAsync("/deals/stargate-2025");
        Assert.Equal("stalled", (string?)stargate["status"]);
        Assert.Equal(500_000_000_000m, (decimal)stargate["terms"]!["total-value"]!["value"]!["money"]!["amount"]!);

        var texas = await Api.GetJsonAsync("/deals/oracle-openai-texas-datacenter");
        Assert.True((bool)texas["flags"]!["hasDisputedClaims"]!);
        Assert.True((bool)texas["relations"]![0]!["disputed"]!);
    }

    [Fact]
    public async Task party_exposure_and_timeline_cover_the_seed_once_the_daemon_caught_up()
    {
        await Api.ImportSeedAsync();
        await Api.CatchUpAsync();

        var openai = await Api.GetJsonAsync("/parties/openai");
        Assert.Equal("OpenAI", (string?)openai["name"]);
        var oracle = openai["counterparties"]!.AsArray().Single(c => (string?)c!["party"] == "oracle")!;
        Assert.Equal(["oracle-openai-cloud-2025", "oracle-openai-datacenters-2025", "oracle-openai-texas-datacenter"],
            oracle["deals"]!.AsArray().Select(d => (string?)d));

        // What OpenAI pays Oracle: the $300B contract; the two data-center deals name no value, so they are counted
        // apart (no currency) as undisclosed, and Stargate is paid into the venture, not to its partners.
        var toOracle = oracle["out"]!.AsArray();
        Assert.Equal([null, "USD"], toOracle.Select(f => (string?)f!["currency"]));
        Assert.Equal((2, 0), ((int)toOracle[0]!["undisclosed"]!, (int)toOracle[1]!["undisclosed"]!));
        Assert.Equal(("purchase-commitment", 300_000_000_000m, "exact"),
            ((string?)toOracle[1]!["kind"], (decimal)toOracle[1]!["amount"]!, (string?)toOracle[1]!["precision"]));
        var stargate = openai["counterparties"]!.AsArray().Single(c => (string?)c!["party"] == "stargate-2025")!;
        Assert.True((bool)stargate["venture"]!);
        Assert.Equal("contribution", (string?)stargate["out"]![0]!["kind"]);
        // Money in: the round of up to $40B (0 to 40B) and Microsoft's 2019 investment of at least $2B ("several
        // billion"): at least 2B in all, with no upper bound.
        var funding = Assert.Single(openai["totals"]!["in"]!.AsArray())!;
        Assert.Equal(("investment", 2_000_000_000m, null, "at-least"),
            ((string?)funding["kind"], (decimal)funding["low"]!, (decimal?)funding["high"], (string?)funding["precision"]));
        var microsoft = openai["counterparties"]!.AsArray().Single(c => (string?)c!["party"] == "microsoft")!;
        var fromMicrosoft = Assert.Single(microsoft["in"]!.AsArray())!;
        Assert.Equal((2_000_000_000m, "at-least"), ((decimal)fromMicrosoft["low"]!, (string?)fromMicrosoft["precision"]));
        Assert.Contains("seed-microsoft-investment-value", fromMicrosoft["because"]!.AsArray().Select(f => (string?)f));
        Assert.Empty(microsoft["out"]!.AsArray());

        var timeline = await Api.GetJsonAsync("/timeline?from=2025-01-01&to=2025-07-31&party=softbank");
        Assert.Equal(["seed-stargate-reported", "seed-stargate-value", "seed-funding-round-reported", "seed-funding-round-value"],
            timeline["items"]!.AsArray().Select(i => (string?)i!["id"]));
    }

    [Fact]
    public async Task loading_the_seed_at_start_up_is_idempotent()
    {
        var loader = new SeedLoader(Api.Store, Options.Create(new SeedOptions { Enabled = true, File = SeedData.FilePath }),
            TimeProvider.System, NullLogger<SeedLoader>.Instance);

        await loader.StartAsync(CancellationToken.None);
        var count = await Api.EventCountAsync();
        await loader.StartAsync(CancellationToken.None);

        Assert.Equal(SeedData.Facts().Count, count);
        Assert.Equal(count, await Api.EventCountAsync());
        var history = (await Api.GetJsonAsync("/streams/openai-cash-burn-2025-2029/events", ApiFixture.Key))["items"]!.AsArray();
        Assert.All(history, e => Assert.Equal(SeedLoader.Recorder, (string?)e!["recordedBy"]));
    }
}
