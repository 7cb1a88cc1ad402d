using System.Text.Json.Nodes;
using DealLedger.Domain.Sources;
using DealLedger.Projections.Deals;
using DealLedger.Testing;

namespace DealLedger.Projections.Tests.Deals;

/// <summary>The facts issue 10 made sayable, as the deal summary shows them: each its own term with its own chain.</summary>
public class WhatDealsSayTests(LedgerStoreFixture ledger) : StoreTest(ledger)
{
    private const string Deal = "amd-openai-gpu-2025";

    private static JsonObject DealReport(string reportedOn = "2025-10-06") =>
        Envelopes.Deal("d", Deal, reportedOn, "AMD", ("amd", "supplier"), ("openai", "customer"), ("microsoft", "investor"));

    private static JsonObject Fact(string factId, string type, string reportedOn, object data, string publisher = "AMD",
        string kind = "company", string? effective = null) =>
        Envelopes.Envelope(factId, type, Deal, reportedOn, data, publisher, kind, effective);

    [Fact]
    public async Task a_stake_is_a_term_per_holder_and_company_with_percent_precision_dilution_and_value_and_its_own_chain()
    {
        await Record(
            DealReport(),
            Fact("s1", "deal.stake-reported", "2025-10-28", new
            {
                holder = "microsoft", company = "openai", percent = 27, precision = "about", dilution = "fully-diluted",
                value = new { amount = 135_000_000_000m, currency = "USD", precision = "about" },
            }),
            Fact("s2", "deal.stake-reported", "2025-11-02", new { holder = "microsoft", company = "openai", percent = 26.8m, dilution = "fully-diluted" },
                "Reuters", "press"));

        var stake = (await Load<DealSummary>(Deal)).Terms["stake:microsoft:openai"];

        Assert.Equal(26.8m, stake.Value!.Percent);
        Assert.Equal("exact", stake.Value.Precision);
        Assert.Equal("%", stake.Value.Unit);
        Assert.Equal(new StakeDetails("microsoft", "openai", "fully-diluted"), stake.Value.Stake);
        Assert.Null(stake.Value.Money);
        Assert.Equal(2, stake.Revisions);
        var first = stake.Reports[0].Value;
        Assert.Equal(27m, first.Percent);
        Assert.Equal("about", first.Precision);
        Assert.Equal(135_000_000_000m, first.Money!.Amount);
    }

    [Fact]
    public async Task securities_are_a_term_per_instrument_issuer_and_holder_with_count_price_expiry_and_vesting()
    {
        await Record(
            DealReport(),
            Fact("w1", "deal.securities-reported", "2025-10-06", new
            {
                instrument = "warrant", count = 160_000_000, precision = "up-to", issuer = "amd", holder = "openai",
                exercisePrice = new { amount = 0.01m, currency = "USD", precision = "exact" }, expires = "2030",
                vesting = new object[]
                {
                    new { milestone = "first gigawatt deployed", count = 26_666_667, expected = "H2 2026" },
                    new { milestone = "6 gigawatts and share-price targets" },
                },
            }));

        var warrant = (await Load<DealSummary>(Deal)).Terms["warrant:amd:openai"];

        Assert.Equal(160_000_000m, warrant.Value!.Quantity);
        Assert.Equal("shares", warrant.Value.Unit);
        Assert.Equal("up-to", warrant.Value.Precision);
        var securities = warrant.Value.Securities!;
        Assert.Equal(("warrant", "amd", "openai"), (securities.Instrument, securities.Issuer, securities.Holder));
        Assert.Equal(0.01m, securities.ExercisePrice!.Amount);
        Assert.Equal("2030", securities.Expires!.Text);
        Assert.Equal(["first gigawatt deployed", "6 gigawatts and share-price targets"], securities.Vesting.Select(v => v.Milestone));
        Assert.Equal(26_666_667L, securities.Vesting[0].Count);
        Assert.Equal("H2 2026", securities.Vesting[0].Expected!.Text);
        Assert.Null(warrant.Value.Money);
    }

    [Fact]
    public async Task a_quantity_is_a_term_per_scope_and_unit_with_its_schedule()
    {
        await Record(
            DealReport(),
            Fact("q1", "deal.quantity-reported", "2025-10-06", new
            {
                unit = "GW", quantity = 6, term = "total", schedule = new[] { new { period = "H2 2026", quantity = 1 } },
            }),
            Fact("q2", "deal.quantity-reported", "2025-10-06", new { unit = "GW", quantity = 1, term = "first-phase" }),
            Fact("q3", "deal.quantity-reported", "2025-10-07", new { unit = "GPUs", quantity = 100_000, precision = "about" }, "Reuters", "press"));

        var terms = (await Load<DealSummary>(Deal)).Terms;

        var total = terms["total-quantity:GW"];
        Assert.Equal((6m, "GW", "exact"), (total.Value!.Quantity!.Value, total.Value.Unit!, total.Value.Precision!));
        var step = Assert.Single(total.Value.Schedule!);
        Assert.Equal(("H2 2026", 1m), (step.Period.Text, step.Quantity));
        Assert.Equal(1m, terms["first-phase-quantity:GW"].Value!.Quantity);
        Assert.Null(terms["first-phase-quantity:GW"].Value!.Schedule);
        Assert.Equal(100_000m, terms["total-quantity:GPUs"].Value!.Quantity);
        Assert.All(new[] { total, terms["first-phase-quantity:GW"], terms["total-quantity:GPUs"] }, t => Assert.Equal(1, t.Revisions));
    }

    [Fact]
    public async Task a_right_is_in_force_until_lifted_and_a_retracted_lift_falls_back_to_the_grant()
    {
        await Record(
            DealReport(),
            Fact("g", "deal.right-granted", "2025-01-21", new
            {
                right = "right-of-first-refusal", grantor = "openai", grantee = "microsoft", scope = "new compute capacity", period = "since 2025-01-21",
            }, "Microsoft"));
        var granted = Assert.Single((await Load<DealSummary>(Deal)).Rights);
        Assert.Equal(("right-of-first-refusal", "openai", "microsoft", RightStates.InForce), (granted.Right, granted.Grantor, granted.Grantee, granted.State));
        Assert.Equal("new compute capacity", granted.Scope);
        Assert.Equal("since 2025-01-21", granted.Period!.Text);
        Assert.Equal("g", granted.GrantedBy);
        Assert.Null(granted.LiftedBy);

        await Record(
            Fact("lift", "deal.right-lifted", "2025-10-28", new { right = "right-of-first-refusal", grantor = "openai", grantee = "microsoft", reason = "new agreement" },
                "Microsoft", effective: "2025-10-28"));
        var lifted = Assert.Single((await Load<DealSummary>(Deal)).Rights);
        Assert.Equal(RightStates.Lifted, lifted.State);
        Assert.Equal("lift", lifted.LiftedBy);
        Assert.Equal(new DateOnly(2025, 10, 28), lifted.LiftedFrom);
        Assert.Equal("g", lifted.GrantedBy);
        Assert.Equal("new compute capacity", lifted.Scope);
        Assert.Equal(["g", "lift"], lifted.Facts);

        await Record(Fact("oops", "fact.retracted", "2025-10-29", new { factId = "lift", reason = "misread" }, "Microsoft"));
        var deal = await Load<DealSummary>(Deal);
        var back = Assert.Single(deal.Rights);
        Assert.Equal(RightStates.InForce, back.State);
        Assert.Null(back.LiftedBy);
        Assert.Null(back.LiftedFrom);
        Assert.Equal(["g"], back.Facts);
        Assert.Equal(2, deal.Terms["right:right-of-first-refusal:openai:microsoft"].Revisions);
        Assert.Empty(deal.Terms["right:right-of-first-refusal:openai:microsoft"].Conflicts);
    }

    [Fact]
    public async Task a_right_lifted_in_favour_of_another_is_replaced_and_rights_are_kept_apart_by_grantor_and_grantee()
    {
        await Record(
            DealReport(),
            Fact("x", "deal.right-granted", "2019-07-22", new { right = "exclusivity", grantor = "openai", grantee = "microsoft" }, "Microsoft",
                effective: "since 2019"),
            Fact("mfn", "deal.right-granted", "2020-01-01", new { right = "most-favoured-terms", grantor = "amd", grantee = "openai" }),
            Fact("x-end", "deal.right-lifted", "2025-01-21", new
            {
                right = "exclusivity", grantor = "openai", grantee = "microsoft", replacedBy = "a right of first refusal on new capacity",
            }, "Microsoft"));

        var rights = (await Load<DealSummary>(Deal)).Rights;

        Assert.Equal(["exclusivity:openai:microsoft:replaced", "most-favoured-terms:amd:openai:in-force"],
            rights.Select(r => $"{r.Right}:{r.Grantor}:{r.Grantee}:{r.State}"));
        Assert.Equal("a right of first refusal on new capacity", rights[0].ReplacedBy);
        Assert.Equal(new DateOnly(2025, 1, 21), rights[0].LiftedFrom);
        Assert.Equal("since 2019", rights[0].Period!.Text);
    }

    [Fact]
    public async Task the_status_history_marks_each_stage_binding_non_binding_or_unknown_and_leaves_repeats_out()
    {
        await Record(
            Envelopes.Envelope("d", "deal.reported", Deal, "2025-03-01", new
            {
                title = "AMD-OpenAI GPUs", kind = "chip-supply", status = "rumored",
                parties = new[] { new { party = "amd", role = "supplier" }, new { party = "openai", role = "customer" } },
            }),
            Fact("loi", "deal.status-changed", "2025-06-01", new { status = "letter-of-intent" }),
            Fact("loi-again", "deal.status-changed", "2025-06-02", new { status = "letter-of-intent" }, "Reuters", "press"),
            Fact("signed", "deal.status-changed", "2025-10-06", new { status = "signed" }));

        var deal = await Load<DealSummary>(Deal);

        Assert.Equal(["rumored:unknown", "letter-of-intent:non-binding", "signed:binding"],
            deal.StatusHistory.Select(s => $"{s.Status}:{s.Binding}"));
        Assert.Equal(["d", "loi", "signed"], deal.StatusHistory.Select(s => s.FactId));
        Assert.Equal("binding", deal.StatusBinding);
        Assert.Equal(3, deal.Terms["status"].Revisions);
        Assert.Equal(Repeats.Corroboration, deal.Terms["status"].Reports.Single(r => r.Source.FactId == "loi-again").Change);

        await Record(Fact("unsigned", "fact.retracted", "2025-10-07", new { factId = "signed" }));
        var back = await Load<DealSummary>(Deal);
        Assert.Equal("letter-of-intent", back.Status);
        Assert.Equal("non-binding", back.StatusBinding);
        Assert.Equal(["rumored", "letter-of-intent"], back.StatusHistory.Select(s => s.Status));
    }

    [Fact]
    public async Task value_terms_keep_payer_payee_and_consideration_and_direction_and_shares_are_terms()
    {
        await Record(
            DealReport(),
            Fact("v", "deal.value-reported", "2025-10-06", new
            {
                term = "total", value = new { amount = 90_000_000_000m, currency = "USD", precision = "about" },
                payer = "openai", payee = "amd", consideration = "mixed",
            }),
            Fact("dir", "deal.direction-reported", "2025-10-06", new { payer = "openai", payee = "amd" }),
            Fact("share", "deal.share-reported", "2025-10-06", new { party = "microsoft", percent = 10 }));

        var terms = (await Load<DealSummary>(Deal)).Terms;

        var total = terms["total-value"].Value!;
        Assert.Equal(("openai", "amd", "mixed"), (total.Payer, total.Payee, total.Consideration));
        Assert.Equal(("openai", "amd"), (terms["direction"].Value!.Payer, terms["direction"].Value!.Payee));
        Assert.Equal(10m, terms["total-share:microsoft"].Value!.Percent);
    }

    [Fact]
    public async Task a_partial_figure_is_its_own_term_with_its_own_chain_and_never_revises_the_total()
    {
        const string Stargate = "stargate-2025";
        await Record(
            Envelopes.Deal("s", Stargate, "2025-01-21", "OpenAI", ("openai", "partner"), ("softbank", "partner"), ("oracle", "partner")),
            Envelopes.Value("total", Stargate, "2025-01-21", 500_000_000_000m, publisher: "OpenAI"),
            Envelopes.Envelope("five-sites", "deal.value-reported", Stargate, "2025-09-23", new
            {
                term = "first-phase", value = new { amount = 400_000_000_000m, currency = "USD", precision = "at-least" },
                note = "over the next three years, for five new sites",
            }, "OpenAI", "company"),
            Envelopes.Envelope("so-far", "deal.value-reported", Stargate, "2025-09-23", new
            {
                term = "committed-so-far", value = new { amount = 400_000_000_000m, currency = "USD", precision = "about" },
            }, "Reuters"),
            Envelopes.Envelope("five-sites-again", "deal.value-reported", Stargate, "2025-09-24", new
            {
                term = "first-phase", value = new { amount = 400_000_000_000m, currency = "USD", precision = "at-least" },
            }, "Bloomberg"));

        var terms = (await Load<DealSummary>(Stargate)).Terms;

        var total = terms["total-value"];
        Assert.Equal(500_000_000_000m, total.Value!.Money!.Amount);
        Assert.Equal(1, total.Revisions);
        Assert.Equal(["total"], total.Reports.Select(r => r.Source.FactId));
        var phase = terms["first-phase-value"];
        Assert.Equal(("at-least", 400_000_000_000m), (phase.Value!.Money!.Precision, phase.Value.Money.Amount!.Value));
        Assert.Equal([Repeats.First, Repeats.Corroboration], phase.Reports.Select(r => r.Change));
        Assert.Equal(1, phase.Revisions);
        Assert.Equal(["OpenAI", "Bloomberg"], phase.ReportedBy);
        Assert.Equal(1, terms["committed-so-far-value"].Revisions);
    }

    [Fact]
    public async Task the_same_value_again_is_a_restatement_or_a_corroboration_and_corrections_and_retractions_keep_working()
    {
        const string Oracle = "oracle-openai-cloud-2025";
        await Record(
            Envelopes.Deal("d", Oracle, "2025-09-10", "WSJ"),
            Envelopes.Value("wsj", Oracle, "2025-09-10", 300_000_000_000m, publisher: "WSJ"),
            Envelopes.Value("wsj-again", Oracle, "2025-09-12", 300_000_000_000m, publisher: "WSJ"),
            Envelopes.Value("reuters", Oracle, "2025-09-13", 300_000_000_000m, publisher: "Reuters"),
            Envelopes.Value("ft", Oracle, "2025-09-20", 320_000_000_000m, publisher: "FT"));

        var total = (await Load<DealSummary>(Oracle)).Terms["total-value"];
        Assert.Equal([Repeats.First, Repeats.Restatement, Repeats.Corroboration, Repeats.Revision], total.Reports.Select(r => r.Change));
        Assert.Equal(2, total.Revisions);
        Assert.Equal(320_000_000_000m, total.Value!.Money!.Amount);

        await Record(Envelopes.Envelope("ft-out", "fact.retracted", Oracle, "2025-09-21", new { factId = "ft" }, "FT"));
        var fallen = (await Load<DealSummary>(Oracle)).Terms["total-value"];
        Assert.Equal("reuters", fallen.Source!.FactId);
        Assert.Equal(2, fallen.Revisions);

        var fix = Envelopes.Value("wsj-fix", Oracle, "2025-09-10", 310_000_000_000m, publisher: "WSJ");
        fix["corrects"] = "wsj";
        await Record(fix);
        var corrected = (await Load<DealSummary>(Oracle)).Terms["total-value"];

        // The corrected report no longer counts: the correction is the first live value, and the WSJ's 300B repeat
        // now revises it. Retracted and corrected reports still count among the revisions they were.
        Assert.Equal(["wsj:first", "wsj-fix:first", "wsj-again:revision", "reuters:corroboration", "ft:revision"],
            corrected.Reports.OrderBy(r => r.Source.ReportedOn).Select(r => $"{r.Source.FactId}:{r.Change}"));
        Assert.Equal(4, corrected.Revisions);
        Assert.Equal("reuters", corrected.Source!.FactId);
    }

    [Fact]
    public async Task a_summary_stored_before_reports_were_classified_is_brought_up_to_date_by_the_next_fact()
    {
        const string Oracle = "oracle-openai-cloud-2025";
        await Record(
            Envelopes.Deal("d", Oracle, "2025-09-10", "WSJ"),
            Envelopes.Value("wsj", Oracle, "2025-09-10", 300_000_000_000m, publisher: "WSJ"),
            Envelopes.Value("wsj-again", Oracle, "2025-09-12", 300_000_000_000m, publisher: "WSJ"));
        var stored = await Load<DealSummary>(Oracle);
        foreach (var term in stored.Terms.Values)
        {
            term.Reports = term.Reports.Select(r => r with { Change = null }).ToList();
            term.Revisions = term.Reports.Count;
        }

        await using (var session = Ledger.Store.LightweightSession())
        {
            session.Store(stored);
            await session.SaveChangesAsync();
        }

        await Record(Envelopes.Value("f1", Oracle, "2025-09-13", 30_000_000_000m, term: "first-year", publisher: "WSJ"));

        var total = (await Load<DealSummary>(Oracle)).Terms["total-value"];
        Assert.Equal([Repeats.First, Repeats.Restatement], total.Reports.Select(r => r.Change));
        Assert.Equal(1, total.Revisions);
    }
}
