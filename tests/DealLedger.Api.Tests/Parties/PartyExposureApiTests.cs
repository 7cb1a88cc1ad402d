using System.Text.Json.Nodes;
using DealLedger.Testing;
using Xunit.Abstractions;

namespace DealLedger.Api.Tests.Parties;

/// <summary>
/// The analyst's question of issue 10, asked of <c>GET /parties/{slug}</c>: what does OpenAI pay and receive, and to
/// and from whom? Money out and money in apart, a consortium's value attributed by share, precision kept.
/// </summary>
public class PartyExposureApiTests(ApiFixture api, ITestOutputHelper output) : ApiTest(api)
{
    private const decimal B = 1_000_000_000m;

    [Fact]
    public async Task openai_pays_and_receives_apart_per_counterparty_and_kind_with_precision_and_the_facts_behind_each_figure()
    {
        await ImportAsync(Ledger);
        await ImportAsync(StargateShare);
        await Api.CatchUpAsync();

        var openai = await Api.GetJsonAsync("/parties/openai");
        output.WriteLine(openai.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));

        Assert.Equal(["coreweave", "google", "microsoft", "oracle", "softbank", "stargate-2025"], Counterparties(openai).Select(c => (string?)c!["party"]));

        // Oracle: the $300B contract only; Oracle's part in Stargate is not OpenAI's money to Oracle.
        var oracle = Counterparty(openai, "oracle");
        Assert.Equal(["oracle-openai-cloud-2025"], oracle["deals"]!.AsArray().Select(d => (string?)d));
        AssertFigure(Single(oracle, "out"), "purchase-commitment", 300 * B, 300 * B, 300 * B, "exact", 0, ["oracle-cloud-value", "oracle-cloud-reported"]);
        Assert.Empty(oracle["in"]!.AsArray());

        // Microsoft: what OpenAI buys and what Microsoft invested, apart, never one sum.
        var microsoft = Counterparty(openai, "microsoft");
        AssertFigure(Single(microsoft, "out"), "purchase-commitment", 250 * B, 250 * B, 250 * B, "exact", 0, ["azure-commitment-value", "azure-commitment-direction", "azure-commitment-reported"]);
        AssertFigure(Single(microsoft, "in"), "investment", 11 * B, 11 * B, 11 * B, "about", 0, ["microsoft-investment-value", "microsoft-investment-reported"]);

        // Stargate: OpenAI pays its share into the venture, not reported: counted as undisclosed, not zero, not $500B.
        var stargate = Counterparty(openai, "stargate-2025");
        Assert.True((bool)stargate["venture"]!);
        AssertFigure(Single(stargate, "out"), "contribution", null, 0, null, "at-least", 1, ["stargate-value", "stargate-reported"]);

        AssertFigure(Single(Counterparty(openai, "softbank"), "in"), "investment", null, 0, 40 * B, "range", 0, ["funding-round-value", "funding-round-reported"]);
        AssertFigure(Single(Counterparty(openai, "coreweave"), "out"), "purchase-commitment", null, 11.9m * B, null, "at-least", 0,
            ["coreweave-value", "coreweave-reported"]);
        AssertFigure(Single(Counterparty(openai, "google"), "out"), "purchase-commitment", null, 0, null, "at-least", 1, ["google-value", "google-reported"]);

        // Totals: out and in apart, per kind; an at-least or undisclosed part leaves the upper bound open, an up-to
        // part adds to the upper bound only, and an about part makes the bounds approximate.
        var totals = openai["totals"]!;
        var outs = totals["out"]!.AsArray();
        Assert.Equal(["contribution", "purchase-commitment"], outs.Select(f => (string?)f!["kind"]));
        AssertFigure(outs[1]!, "purchase-commitment", null, 561.9m * B, null, "at-least", 1,
            ["coreweave-value", "coreweave-reported", "google-value", "google-reported", "azure-commitment-value", "azure-commitment-direction",
                "azure-commitment-reported", "oracle-cloud-value", "oracle-cloud-reported"]);
        var received = Assert.Single(totals["in"]!.AsArray())!;
        AssertFigure(received, "investment", null, 11 * B, 51 * B, "range", 0,
            ["microsoft-investment-value", "microsoft-investment-reported", "funding-round-value", "funding-round-reported"]);
        Assert.True((bool)received["approximate"]!);
        Assert.Empty(totals["notReported"]!.AsArray());

        // Each deal's flow says how it was attributed and whether the direction was stated or derived.
        var azure = Deal(openai, "openai-azure-commitment-2025")["flow"]!;
        Assert.Equal(("out", true, "whole", "cash"), ((string?)azure["direction"], (bool)azure["directionStated"]!, (string?)azure["attribution"], (string?)azure["consideration"]));
        var venture = Deal(openai, "stargate-2025")["flow"]!;
        Assert.Equal(("share-not-disclosed", false, 500 * B), ((string?)venture["attribution"], (bool)venture["directionStated"]!, (decimal)venture["whole"]!["amount"]!));
        Assert.Null((decimal?)venture["value"]!["amount"]);
    }

    [Fact]
    public async Task softbank_pays_its_reported_share_of_stargate_and_before_the_share_was_known_it_was_not_disclosed()
    {
        await ImportAsync(Ledger);
        await Api.CatchUpAsync();
        var before = await Api.GetJsonAsync("/parties/softbank");
        var position = (long)before["basis"]!["position"]!;
        await Task.Delay(50);
        var recordedBetween = DateTimeOffset.UtcNow;
        await Task.Delay(50);
        await ImportAsync(StargateShare);
        await Api.CatchUpAsync();

        var now = await Api.GetJsonAsync("/parties/softbank");

        var contribution = Single(Counterparty(now, "stargate-2025"), "out");
        AssertFigure(contribution, "contribution", 200 * B, 200 * B, 200 * B, "exact", 0, ["stargate-value", "stargate-reported", "stargate-softbank-share"]);
        Assert.Equal("share", (string?)Deal(now, "stargate-2025")["flow"]!["attribution"]);
        AssertFigure(Single(Counterparty(now, "openai"), "out"), "investment", null, 0, 40 * B, "range", 0, ["funding-round-value", "funding-round-reported"]);
        Assert.DoesNotContain(Counterparties(now), c => (string?)c!["party"] is "oracle" or "mgx");

        // The same question on each time axis before the share: reported later, recorded later, or past the pinned position.
        foreach (var url in new[]
                 {
                     "/parties/softbank?asOf=2025-02-01", $"/parties/softbank?recordedAsOf={Uri.EscapeDataString(recordedBetween.ToString("O"))}",
                     $"/parties/softbank?position={position}",
                 })
        {
            var then = await Api.GetJsonAsync(url);
            var undisclosed = Single(Counterparty(then, "stargate-2025"), "out");
            AssertFigure(undisclosed, "contribution", null, 0, null, "at-least", 1, ["stargate-value", "stargate-reported"]);
            Assert.Equal("share-not-disclosed", (string?)Deal(then, "stargate-2025")["flow"]!["attribution"]);
        }

        // Before the funding round was reported (2025-03-31), only the venture is known.
        var february = await Api.GetJsonAsync("/parties/softbank?asOf=2025-02-01");
        Assert.Equal(["stargate-2025"], Counterparties(february).Select(c => (string?)c!["party"]));
    }

    [Fact]
    public async Task the_answer_computed_from_the_events_equals_the_stored_read_model()
    {
        await ImportAsync(Ledger);
        await ImportAsync(StargateShare);
        await Api.CatchUpAsync();

        foreach (var party in new[] { "openai", "softbank", "microsoft", "oracle" })
        {
            var stored = await Api.GetJsonAsync($"/parties/{party}");
            var computed = await Api.GetJsonAsync($"/parties/{party}?asOf=2200-01-01");
            stored.AsObject().Remove("basis");
            computed.AsObject().Remove("basis");

            Assert.True(JsonNode.DeepEquals(stored, computed), $"{party}:\n{stored.ToJsonString()}\n{computed.ToJsonString()}");
        }
    }

    private static readonly JsonObject[] Ledger =
    [
        Party("openai", "OpenAI"), Party("oracle", "Oracle"), Party("microsoft", "Microsoft"), Party("softbank", "SoftBank"),

        Reported("oracle-cloud", "oracle-openai-cloud-2025", "2025-09-10", "cloud-contract", ("openai", "buyer"), ("oracle", "vendor")),
        Value("oracle-cloud", "oracle-openai-cloud-2025", "2025-09-10", 300 * B, "exact"),

        Reported("stargate", "stargate-2025", "2025-01-21", "joint-venture", ("openai", "partner"), ("softbank", "partner"), ("oracle", "partner"), ("mgx", "partner")),
        Value("stargate", "stargate-2025", "2025-01-21", 500 * B, "exact"),

        Reported("azure-commitment", "openai-azure-commitment-2025", "2025-10-28", "cloud-contract", ("openai", "buyer"), ("microsoft", "vendor")),
        Value("azure-commitment", "openai-azure-commitment-2025", "2025-10-28", 250 * B, "exact"),
        Envelopes.Envelope("azure-commitment-direction", "deal.direction-reported", "openai-azure-commitment-2025", "2025-10-28",
            new { payer = "openai", payee = "microsoft", note = "OpenAI commits to buy an incremental $250B of Azure services" }, "Microsoft", "company"),

        Reported("microsoft-investment", "microsoft-openai-investment-2023", "2023-01-23", "investment", ("microsoft", "investor"), ("openai", "investee")),
        Value("microsoft-investment", "microsoft-openai-investment-2023", "2023-01-23", 11 * B, "about"),

        Reported("funding-round", "openai-funding-round-2025", "2025-03-31", "funding-round", ("openai", "investee"), ("softbank", "investor")),
        Value("funding-round", "openai-funding-round-2025", "2025-03-31", 40 * B, "up-to"),

        Reported("coreweave", "coreweave-openai-cloud-2025", "2025-03-10", "cloud-contract", ("openai", "buyer"), ("coreweave", "vendor")),
        Value("coreweave", "coreweave-openai-cloud-2025", "2025-03-10", 11.9m * B, "at-least"),

        Reported("google", "google-openai-cloud-2025", "2025-09-11", "cloud-contract", ("openai", "buyer"), ("google", "vendor")),
        Envelopes.Envelope("google-value", "deal.value-reported", "google-openai-cloud-2025", "2025-09-11",
            new { term = "total", value = new { currency = "USD", precision = "undisclosed" } }),
    ];

    private static readonly JsonObject[] StargateShare =
    [
        Envelopes.Envelope("stargate-softbank-share", "deal.share-reported", "stargate-2025", "2025-02-15",
            new { party = "softbank", term = "total", percent = 40 }),
    ];

    private async Task ImportAsync(IEnumerable<JsonObject> facts) =>
        (await Api.ImportAsync(string.Join('\n', facts.Select(f => f.ToJsonString())))).EnsureSuccessStatusCode();

    private static JsonObject Party(string slug, string name) =>
        Envelopes.Envelope($"{slug}-party", "party.reported", slug, "2025-01-01", new { name });

    private static JsonObject Reported(string fact, string deal, string reportedOn, string kind, params (string Party, string Role)[] parties) =>
        Envelopes.Envelope($"{fact}-reported", "deal.reported", deal, reportedOn, new
        {
            title = deal,
            kind,
            parties = parties.Select(p => new { party = p.Party, role = p.Role }).ToArray(),
        });

    private static JsonObject Value(string fact, string deal, string reportedOn, decimal amount, string precision) =>
        Envelopes.Envelope($"{fact}-value", "deal.value-reported", deal, reportedOn,
            new { term = "total", value = new { amount, currency = "USD", precision } });

    private static JsonArray Counterparties(JsonNode party) => party["counterparties"]!.AsArray();

    private static JsonNode Counterparty(JsonNode party, string slug) => Counterparties(party).Single(c => (string?)c!["party"] == slug)!;

    private static JsonNode Deal(JsonNode party, string slug) => party["deals"]!.AsArray().Single(d => (string?)d!["deal"] == slug)!;

    private static JsonNode Single(JsonNode counterparty, string direction) => Assert.Single(counterparty[direction]!.AsArray())!;

    private static void AssertFigure(JsonNode figure, string kind, decimal? amount, decimal low, decimal? high, string precision, int undisclosed,
        string[] because)
    {
        Assert.Equal((kind, "USD", amount, low, high, precision, undisclosed),
            ((string?)figure["kind"], (string?)figure["currency"], (decimal?)figure["amount"], (decimal)figure["low"]!, (decimal?)figure["high"],
                (string?)figure["precision"], (int)figure["undisclosed"]!));
        Assert.Equal(because, figure["because"]!.AsArray().Select(b => (string?)b));
    }
}
