using System.Net;
using System.Text.Json.Nodes;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Deals;

/// <summary>Each fact type added by issue 10, recorded through <c>POST /facts</c> and read back as an analyst would.</summary>
public class WhatDealsSayApiTests(ApiFixture api) : ApiTest(api)
{
    private const string Deal = "amd-openai-gpu-2025";

    private static JsonObject Fact(string factId, string type, string reportedOn, object data, string publisher = "AMD",
        string kind = "company", string? effective = null) =>
        Envelopes.Envelope(factId, type, Deal, reportedOn, data, publisher, kind, effective);

    private static readonly JsonObject[] Facts =
    [
        Fact("d", "deal.reported", "2025-10-01", new
        {
            title = "AMD and OpenAI: 6 GW of GPUs", kind = "chip-supply", status = "letter-of-intent",
            parties = new[]
            {
                new { party = "amd", role = "supplier" }, new { party = "openai", role = "customer" }, new { party = "microsoft", role = "investor" },
            },
        }),
        Fact("term-sheet", "deal.status-changed", "2025-10-03", new { status = "term-sheet" }),
        Fact("signed", "deal.status-changed", "2025-10-06", new { status = "signed" }),
        Fact("value", "deal.value-reported", "2025-10-06", new
        {
            term = "total", value = new { amount = 90_000_000_000m, currency = "USD", precision = "about" },
            payer = "openai", payee = "amd", consideration = "mixed",
        }),
        Fact("phase", "deal.value-reported", "2025-10-06", new
        {
            term = "first-phase", part = "first-gigawatt", value = new { amount = 10_000_000_000m, currency = "USD", precision = "at-least" },
        }),
        Fact("direction", "deal.direction-reported", "2025-10-06", new { payer = "openai", payee = "amd" }),
        Fact("share", "deal.share-reported", "2025-10-07", new { party = "microsoft", percent = 10 }, "Reuters", "press"),
        Fact("stake", "deal.stake-reported", "2025-10-06", new
        {
            holder = "openai", company = "amd", percent = 10, precision = "up-to", dilution = "before-dilution",
        }),
        Fact("warrant", "deal.securities-reported", "2025-10-06", new
        {
            instrument = "warrant", count = 160_000_000, precision = "up-to", issuer = "amd", holder = "openai",
            exercisePrice = new { amount = 0.01m, currency = "USD", precision = "exact" },
            vesting = new object[] { new { milestone = "first gigawatt deployed", expected = "H2 2026" }, new { milestone = "6 GW deployed" } },
        }),
        Fact("gigawatts", "deal.quantity-reported", "2025-10-06", new
        {
            unit = "GW", quantity = 6, schedule = new[] { new { period = "H2 2026", quantity = 1 } },
        }),
        Fact("rofr", "deal.right-granted", "2025-10-06", new
        {
            right = "right-of-first-refusal", grantor = "amd", grantee = "openai", scope = "future accelerator generations", period = "2026/2030",
        }),
        Fact("mfn", "deal.right-granted", "2025-10-06", new { right = "most-favoured-terms", grantor = "amd", grantee = "openai" }),
        Fact("mfn-end", "deal.right-lifted", "2025-11-01", new
        {
            right = "most-favoured-terms", grantor = "amd", grantee = "openai", replacedBy = "volume pricing", reason = "renegotiated",
        }),
    ];

    [Fact]
    public async Task every_new_fact_type_is_recorded_and_read_back_in_the_summary_and_the_history()
    {
        foreach (var fact in Facts)
        {
            var response = await Api.PostFactAsync(fact);
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{fact["factId"]}: {await response.Content.ReadAsStringAsync()}");
        }

        var deal = await Api.GetJsonAsync($"/deals/{Deal}");
        var terms = deal["terms"]!;

        var total = terms["total-value"]!["value"]!;
        Assert.Equal(("openai", "amd", "mixed"), ((string?)total["payer"], (string?)total["payee"], (string?)total["consideration"]));
        Assert.Equal(10_000_000_000m, (decimal)terms["first-phase-value:first-gigawatt"]!["value"]!["money"]!["amount"]!);
        Assert.Equal("amd", (string?)terms["direction"]!["value"]!["payee"]);
        Assert.Equal(10m, (decimal)terms["total-share:microsoft"]!["value"]!["percent"]!);

        var stake = terms["stake:openai:amd"]!["value"]!;
        Assert.Equal((10m, "up-to", "before-dilution"), ((decimal)stake["percent"]!, (string?)stake["precision"], (string?)stake["stake"]!["dilution"]));

        var warrant = terms["warrant:amd:openai"]!["value"]!;
        Assert.Equal(160_000_000m, (decimal)warrant["quantity"]!);
        Assert.Equal(0.01m, (decimal)warrant["securities"]!["exercisePrice"]!["amount"]!);
        Assert.Equal(["first gigawatt deployed", "6 GW deployed"], warrant["securities"]!["vesting"]!.AsArray().Select(v => (string?)v!["milestone"]));

        var gigawatts = terms["total-quantity:GW"]!["value"]!;
        Assert.Equal(6m, (decimal)gigawatts["quantity"]!);
        Assert.Equal("H2 2026", (string?)gigawatts["schedule"]![0]!["period"]!["text"]);
        Assert.Null(gigawatts["securities"]);

        var rights = deal["rights"]!.AsArray();
        Assert.Equal(["most-favoured-terms:replaced", "right-of-first-refusal:in-force"],
            rights.Select(r => $"{(string?)r!["right"]}:{(string?)r["state"]}"));
        Assert.Equal("volume pricing", (string?)rights[0]!["replacedBy"]);
        Assert.Equal("mfn-end", (string?)rights[0]!["liftedBy"]);
        Assert.Equal("2025-11-01", (string?)rights[0]!["liftedFrom"]);
        Assert.Equal("future accelerator generations", (string?)rights[1]!["scope"]);
        Assert.Equal("2026/2030", (string?)rights[1]!["period"]!["text"]);

        Assert.Equal(["letter-of-intent:non-binding", "term-sheet:non-binding", "signed:binding"],
            deal["statusHistory"]!.AsArray().Select(s => $"{(string?)s!["status"]}:{(string?)s["binding"]}"));
        Assert.Equal("binding", (string?)deal["statusBinding"]);

        var history = await Api.GetJsonAsync($"/deals/{Deal}/history?limit=100");
        var events = history["items"]!.AsArray();
        Assert.Equal(Facts.Select(f => (string?)f["factId"]), events.Select(e => (string?)e!["factId"]));
        Assert.Equal(Facts.Select(f => (string?)f["type"]), events.Select(e => (string?)e!["type"]));
        var warrantEvent = events.Single(e => (string?)e!["factId"] == "warrant")!;
        Assert.Equal(160_000_000L, (long)warrantEvent["data"]!["count"]!);
        Assert.Equal("warrant: up-to 160,000,000 amd shares for openai at USD 0.01, vesting in 2 steps", (string?)warrantEvent["summary"]);
        Assert.Equal("stake: openai holds up-to 10% of amd (before-dilution)", (string?)events.Single(e => (string?)e!["factId"] == "stake")!["summary"]);
        Assert.Equal("volume pricing", (string?)events.Single(e => (string?)e!["factId"] == "mfn-end")!["data"]!["replacedBy"]);

        var stakeRevisions = (await Api.GetJsonAsync($"/deals/{Deal}/terms/stake:openai:amd/revisions"))["revisions"]!.AsArray();
        Assert.Equal("first", (string?)Assert.Single(stakeRevisions)!["change"]);
    }

    [Fact]
    public async Task a_partial_figure_never_revises_the_headline_total()
    {
        const string Stargate = "stargate-2025";
        (await Api.PostFactAsync(Envelopes.Deal("s", Stargate, "2025-01-21", "OpenAI", ("openai", "partner"), ("softbank", "partner")))).EnsureSuccessStatusCode();
        (await Api.PostFactAsync(Envelopes.Value("total", Stargate, "2025-01-21", 500_000_000_000m, publisher: "OpenAI"))).EnsureSuccessStatusCode();
        (await Api.PostFactAsync(Envelopes.Envelope("five-sites", "deal.value-reported", Stargate, "2025-09-23", new
        {
            term = "first-phase", value = new { amount = 400_000_000_000m, currency = "USD", precision = "at-least" },
            note = "over the next three years, for five new sites",
        }, "OpenAI", "company"))).EnsureSuccessStatusCode();

        var terms = (await Api.GetJsonAsync($"/deals/{Stargate}"))["terms"]!;
        Assert.Equal(500_000_000_000m, (decimal)terms["total-value"]!["value"]!["money"]!["amount"]!);
        Assert.Equal(1, (int)terms["total-value"]!["revisions"]!);
        Assert.Equal("at-least", (string?)terms["first-phase-value"]!["value"]!["money"]!["precision"]);

        var totalRevisions = (await Api.GetJsonAsync($"/deals/{Stargate}/terms/total-value/revisions"))["revisions"]!.AsArray();
        var row = Assert.Single(totalRevisions)!;
        Assert.Null((decimal?)row["delta"]);
        Assert.Single((await Api.GetJsonAsync($"/deals/{Stargate}/terms/first-phase-value/revisions"))["revisions"]!.AsArray());
    }

    [Fact]
    public async Task a_payer_that_is_not_a_party_of_the_deal_is_a_422_on_data_payer()
    {
        (await Api.PostFactAsync(Facts[0])).EnsureSuccessStatusCode();

        var response = await Api.PostFactAsync(Fact("stranger", "deal.value-reported", "2025-10-06", new
        {
            term = "total", value = new { amount = 1_000_000_000m, currency = "USD" }, payer = "nvidia", payee = "amd",
        }));

        var problem = await Problem.Assert(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("nvidia", (string?)problem["errors"]!["data.payer"]![0]);
        Assert.Null(problem["errors"]!["data.payee"]);
        await Problem.Assert(await Api.Client(withKey: false).GetAsync($"/deals/{Deal}/terms/total-value/revisions"), HttpStatusCode.NotFound);
    }
}
