using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CsCheck;
using DealLedger.Domain.Deals;
using DealLedger.Domain.Estimates;
using DealLedger.Domain.Facts;
using DealLedger.Domain.Relations;
using DealLedger.Domain.Sources;
using DealLedger.Projections.Deals;
using DealLedger.Projections.Estimates;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Facts;

/// <summary>Facts at the edges of every range, and facts recorded before the ranges existed: nothing stalls, nothing answers 500.</summary>
public class HostileInputTests(ApiFixture api) : ApiTest(api)
{
    [Fact]
    public async Task facts_at_the_edges_of_every_range_leave_every_read_model_advancing_and_every_read_answering()
    {
        await EdgeFacts.Scenarios("edge").SampleAsync(async scenario =>
        {
            // Each sample (and each shrink of a failing one) starts from an empty ledger.
            await Api.ResetAsync();
            var import = await Api.ImportAsync(string.Join('\n', scenario.Facts.Select(f => f.ToJsonString())));
            Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());

            await Api.CatchUpAsync();

            var status = await Api.Client(ApiFixture.AdminKey).GetFromJsonAsync<JsonNode>("/admin/projections");
            Assert.DoesNotContain("\"failed\"", status!.ToJsonString());
            foreach (var url in MustAnswer(scenario))
            {
                var response = await Api.Client(withKey: false).GetAsync(url);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            foreach (var url in MayNotFind(scenario))
            {
                var response = await Api.Client(withKey: false).GetAsync(url);
                Assert.True((int)response.StatusCode < 500, $"{url}: {(int)response.StatusCode}");
            }
        }, iter: 4, threads: 1);
    }

    [Fact]
    public async Task a_deal_reported_with_4000_parties_is_a_422_naming_the_field_and_writes_nothing()
    {
        var envelope = Envelopes.Deal("huge", "huge-deal", "2025-01-01", "Wire",
            [.. Enumerable.Range(0, 4000).Select(i => ($"party-{i}", "partner"))]);

        var response = await Api.PostFactAsync(envelope);

        var problem = await Problem.Assert(response, HttpStatusCode.UnprocessableEntity);
        Assert.NotNull(problem["errors"]!["data.parties"]);
        Assert.Equal(0, await Api.EventCountAsync());
    }

    [Fact]
    public async Task the_largest_valid_fact_gives_a_bounded_deal_summary_and_answer()
    {
        var cited = Enumerable.Range(0, (int)FactLimits.Citations.Max).Select(i => (JsonNode)new JsonObject
        {
            ["publisher"] = new string('p', (int)FactLimits.Name.Max - 2) + i.ToString("00", System.Globalization.CultureInfo.InvariantCulture),
            ["title"] = new string('t', (int)FactLimits.SourceTitle.Max), ["kind"] = "press",
            ["url"] = "https://example.com/" + new string('u', (int)FactLimits.Url.Max - 20),
        });
        var envelope = Envelopes.Deal("largest", "largest-deal", "2025-01-01", new string('w', (int)FactLimits.Name.Max),
            [.. Enumerable.Range(0, (int)FactLimits.PartiesPerReport.Max).Select(i => ($"party-{i}-" + new string('x', 80), "partner"))]);
        envelope["source"]!["title"] = new string('t', (int)FactLimits.SourceTitle.Max);
        envelope["source"]!["url"] = "https://example.com/" + new string('u', (int)FactLimits.Url.Max - 20);
        envelope["source"]!["cites"] = new JsonArray([.. cited]);
        envelope["data"]!["title"] = new string('d', (int)FactLimits.DealTitle.Max);
        envelope["data"]!["description"] = new string('e', (int)FactLimits.Description.Max);
        var request = envelope.ToJsonString().Length;

        (await Api.PostFactAsync(envelope)).EnsureSuccessStatusCode();
        await Api.CatchUpAsync();

        // Each party entry names the fact that added it, with its source: a deal grows by at most one copy of the
        // source per party a report names (measured: a 38.7 KB fact, 1.6 MB). The 216 KB write had made
        // an 88 MB summary. Shrinking the per-party copy is the summary restructuring of the write-speed issue.
        var answer = await (await Api.Client(withKey: false).GetAsync("/deals/largest-deal")).Content.ReadAsStringAsync();
        Assert.True(answer.Length < (FactLimits.PartiesPerReport.Max + 2) * request, $"a {request}-byte fact gave a {answer.Length}-byte deal answer");
        var party = await (await Api.Client(withKey: false).GetAsync("/parties/party-0-" + new string('x', 80))).Content.ReadAsStringAsync();
        Assert.True(party.Length < 4 * request, $"a {request}-byte fact gave a {party.Length}-byte party answer");
    }

    [Fact]
    public async Task a_deal_joined_beyond_its_party_limit_is_a_422_naming_the_field()
    {
        var import = string.Join('\n', new[] { Envelopes.Deal("d", "crowded", "2025-01-01", "Wire", [.. Enumerable.Range(0, 50).Select(i => ($"p-{i}", "partner"))]) }
            .Concat(Enumerable.Range(50, 150).Select(i => Envelopes.Envelope($"j{i}", "deal.party-joined", "crowded", "2025-01-02", new { party = $"p-{i}", role = "partner" })))
            .Select(f => f.ToJsonString()));
        (await Api.ImportAsync(import)).EnsureSuccessStatusCode();

        var response = await Api.PostFactAsync(Envelopes.Envelope("one-more", "deal.party-joined", "crowded", "2025-01-03", new { party = "p-200", role = "partner" }));

        var problem = await Problem.Assert(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("at most 200", problem["errors"]!["data.party"]![0]!.ToString());
    }

    [Fact]
    public async Task totals_beyond_decimal_from_facts_recorded_before_the_limits_are_reported_not_computable()
    {
        // Facts the parser now refuses, appended as an older ledger would hold them.
        await AppendLegacyAsync("big-a", new DealReported(Info("a1"), "A", "cloud-contract", [new DealParty("shared", "buyer"), new DealParty("v-a", "vendor")], null, null),
            new DealValueReported(Info("a2"), "total", new Money(decimal.MaxValue, "USD", "exact"), null));
        await AppendLegacyAsync("big-b", new DealReported(Info("b1"), "B", "cloud-contract", [new DealParty("shared", "buyer"), new DealParty("v-b", "vendor")], null, null),
            new DealValueReported(Info("b2"), "total", new Money(decimal.MaxValue, "USD", "exact"), null),
            new DealDurationReported(Info("b3"), 1_200_000, "exact"),
            new DealStartReported(Info("b4"), new Effective("2027", new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31), false)));

        await Api.CatchUpAsync();

        var party = await Api.GetJsonAsync("/parties/shared");
        var total = Assert.Single(party["totals"]!["out"]!.AsArray())!;
        Assert.Null((decimal?)total["amount"]);
        Assert.Equal("not-computable", (string?)total["precision"]);
        Assert.Contains("sum exceeds", (string?)total["notComputable"]);
        Assert.Equal(2, party["deals"]!.AsArray().Count);
        var commitments = await Api.GetJsonAsync("/commitments/shared");
        Assert.Contains("big-b", commitments["unscheduled"]!.AsArray().Select(d => (string?)d!["deal"]));
        Assert.True(commitments.ToJsonString().Length < 10_000);
    }

    [Fact]
    public async Task an_estimate_revised_from_tiny_to_beyond_the_limits_answers_every_read_and_can_be_retracted()
    {
        var horizon = new Effective("2025/2029", new DateOnly(2025, 1, 1), new DateOnly(2029, 12, 31), false);
        await AppendLegacyAsync<EstimateHistory>("wild-estimate",
            new EstimateReported(Info("w1"), "openai", "cash-burn", horizon, new Money(0.0000000001m, "USD", "exact"), null),
            new EstimateRevised(Info("w2", 2), new Money(1_000_000_000m, "USD", "exact"), null, null, null),
            new EstimateRevised(Info("w3", 3), new Money(79_228_000_000_000_000_000_000_000_000m, "USD", "exact"), null, null, null));

        await AssertEveryEstimateReadAnswersAsync();

        var retraction = await Api.PostFactAsync(Envelopes.Envelope("w-retract", "fact.retracted", "wild-estimate", "2025-06-01", new { factId = "w2" }));

        Assert.Equal(HttpStatusCode.Created, retraction.StatusCode);
        await AssertEveryEstimateReadAnswersAsync();
        var history = await Api.GetJsonAsync("/estimates/wild-estimate");
        var last = history["revisions"]![2]!;
        Assert.Null((decimal?)last["ratio"]);
        Assert.Contains("ratio exceeds", (string?)last["notComputable"]);
        Assert.Equal(79_228_000_000_000_000_000_000_000_000m, (decimal?)history["current"]!["value"]!["amount"]);
    }

    private async Task AssertEveryEstimateReadAnswersAsync()
    {
        foreach (var url in EstimateReads)
        {
            var response = await Api.Client(withKey: false).GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static readonly string[] EstimateReads =
    [
        "/estimates/wild-estimate", "/estimates/wild-estimate?effectiveAt=2026-01-01", "/estimates/wild-estimate/revisions",
        "/estimates/wild-estimate/revisions?format=csv", "/estimates/wild-estimate?asOf=2025-06-01",
        "/estimates/wild-estimate/changes?from=2025-01-01&to=2026-01-01",
    ];

    private static FactInfo Info(string id, int month = 1) =>
        new(id, new DateOnly(2025, month, 1), null, new Source("Legacy Wire", "An old report", null, "press", "en", []));

    private Task AppendLegacyAsync(string deal, params IFact[] facts) => AppendLegacyAsync<DealSummary>(deal, facts);

    private async Task AppendLegacyAsync<TAggregate>(string stream, params IFact[] facts) where TAggregate : class
    {
        await using var session = Api.Store.LightweightSession();
        session.Events.StartStream<TAggregate>(stream, facts.Cast<object>().ToArray());
        await session.SaveChangesAsync();
    }

    private static readonly string[] Terms = ["total-value", "first-year-value", "duration", "start", "capacity", "status"];

    private static IEnumerable<string> MustAnswer(EdgeFacts.Scenario s)
    {
        var deal = s.Deal;
        return
        [
            $"/deals/{deal}", $"/deals/{deal}?asOf=2200-12-31", $"/deals/{deal}?asOf=1900-01-01&effectiveAt=2200-12-31", $"/deals/{deal}?effectiveAt=1900-01-01",
            $"/deals/{deal}/history", $"/deals/{deal}/changes?from=1900-01-01&to=2200-12-31",
            .. Terms.Select(t => $"/deals/{deal}/terms/{t}/revisions"),
            $"/deals/{deal}/terms/total-value/revisions?format=csv", $"/deals/{deal}/terms/total-value/revisions?format=ndjson",
            $"/estimates/{s.Estimate}", $"/estimates/{s.Estimate}?effectiveAt=2200-12-31", $"/estimates/{s.Estimate}/revisions",
            $"/estimates/{s.Estimate}/revisions?format=csv", $"/estimates/{s.Estimate}/changes?from=1900-01-01&to=2200-12-31",
            $"/parties/{s.Party}", $"/parties/{s.Party}?asOf=2200-12-31", $"/parties/{s.Parties[^1]}",
            $"/commitments/{s.Party}", "/deals", "/deals?sort=-lastReportedOn", $"/deals?party={s.Party}", "/estimates", "/timeline",
            "/timeline?from=1900-01-01&to=2200-12-31", "/timeline?format=csv", "/sources", "/changes?from=1900-01-01&to=2200-12-31", "/events",
            $"/streams/{deal}/events", $"/streams/{s.Estimate}/events", $"/streams/{s.Party}/events",
        ];
    }

    private static IEnumerable<string> MayNotFind(EdgeFacts.Scenario s) =>
        s.Publishers.Select(p => $"/sources/{Uri.EscapeDataString(p)}");
}
