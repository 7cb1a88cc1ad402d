using DealLedger.Domain.Exposure;
using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Tests.Exposure;

/// <summary>The exposure rule: each party's flow of a deal's headline, attributed by side and share, and its sums.</summary>
public class PartyFlowsTests
{
    private const decimal B = 1_000_000_000m;

    private static Money Usd(decimal billions, string precision = Money.Exact) => new(billions * B, "USD", precision);

    /// <summary>A deal reported by "{slug}-reported" with these parties (each role reported by that fact).</summary>
    private static DealPosition Deal(string slug, string kind, params (string Party, string Role)[] parties) =>
        new(slug, kind, $"{slug}-reported", parties.Select(p => new PartyRole(p.Party, p.Role, $"{slug}-reported")).ToList(), null, null, []);

    private static DealPosition Valued(DealPosition deal, Money total, string? payer = null, string? payee = null, string? consideration = null) =>
        deal with { Total = new ReportedFigure("total", total, payer, payee, consideration, $"{deal.Deal}-value") };

    private static DealPosition Shared(DealPosition deal, string party, decimal? percent, Money? value = null) =>
        deal with { Shares = [.. deal.Shares, new ReportedShare(party, "total", percent, value, $"{deal.Deal}-share-{party}")] };

    private static readonly DealPosition Oracle = Valued(Deal("oracle-cloud", "cloud-contract", ("openai", "buyer"), ("oracle", "vendor")), Usd(300));

    private static readonly DealPosition Stargate = Valued(
        Deal("stargate", "joint-venture", ("openai", "partner"), ("softbank", "partner"), ("oracle", "partner"), ("mgx", "partner")), Usd(500));

    [Fact]
    public void a_buyer_alone_on_its_side_pays_the_whole_value_to_the_vendor()
    {
        var flow = PartyFlows.Of("openai", Oracle)!;

        Assert.Equal((Flow.Out, Flows.Purchase, Flow.WholeValue, "cash", false), (flow.Direction, flow.Kind, flow.Attribution, flow.Consideration, flow.DirectionStated));
        Assert.Equal(Usd(300), flow.Value);
        Assert.Equal(Usd(300), flow.Whole);
        var vendor = Assert.Single(flow.Counterparties);
        Assert.Equal(("oracle", false, Usd(300), Flow.WholeValue), (vendor.Party, vendor.Venture, vendor.Value, vendor.Attribution));
        Assert.Equal(["oracle-cloud-value", "oracle-cloud-reported"], flow.Because);
    }

    [Fact]
    public void the_vendor_is_paid_the_same_value_by_the_buyer()
    {
        var flow = PartyFlows.Of("oracle", Oracle)!;

        Assert.Equal((Flow.In, Usd(300), "openai"), (flow.Direction, flow.Value, Assert.Single(flow.Counterparties).Party));
    }

    [Fact]
    public void a_consortium_partner_pays_its_reported_percent_into_the_venture_not_to_its_co_partners()
    {
        var flow = PartyFlows.Of("softbank", Shared(Stargate, "softbank", 40))!;

        Assert.Equal((Flow.Out, Flows.Contribution, Flow.Share, Usd(200)), (flow.Direction, flow.Kind, flow.Attribution, flow.Value));
        var venture = Assert.Single(flow.Counterparties);
        Assert.Equal(("stargate", true, Usd(200)), (venture.Party, venture.Venture, venture.Value));
        Assert.Equal(["stargate-value", "stargate-reported", "stargate-share-softbank"], flow.Because);
        Assert.Equal(flow.Because, venture.Because);
    }

    [Fact]
    public void a_consortium_partner_pays_its_reported_amount_when_one_is_reported()
    {
        var flow = PartyFlows.Of("softbank", Shared(Stargate, "softbank", 40, Usd(19, Money.About)))!;

        Assert.Equal((Flow.Share, Usd(19, Money.About)), (flow.Attribution, flow.Value));
    }

    [Fact]
    public void a_share_amount_in_another_currency_gives_way_to_its_percent()
    {
        var flow = PartyFlows.Of("softbank", Shared(Stargate, "softbank", 40, new Money(3 * B, "JPY", Money.Exact)))!;

        Assert.Equal(Usd(200), flow.Value);
    }

    [Fact]
    public void a_partner_without_a_reported_share_is_share_not_disclosed_counted_never_the_whole()
    {
        var flow = PartyFlows.Of("openai", Shared(Stargate, "softbank", 40))!;

        Assert.Equal(Flow.ShareNotDisclosed, flow.Attribution);
        Assert.Equal(new Money(null, "USD", Money.Undisclosed), flow.Value);
        Assert.Equal(Usd(500), flow.Whole);
        Assert.Equal(["stargate-value", "stargate-reported"], flow.Because);
        var sum = Assert.Single(PartyFlows.Sum([flow])).Sum;
        Assert.Equal((null, 0m, null, Bounds.AtLeast, 1), (sum.Amount, sum.Low, sum.High, sum.Precision, sum.Undisclosed));
    }

    [Fact]
    public void the_only_partner_known_so_far_is_still_not_credited_with_the_whole_venture()
    {
        var flow = PartyFlows.Of("openai", Valued(Deal("stargate", "joint-venture", ("openai", "partner")), Usd(500)))!;

        Assert.Equal(Flow.ShareNotDisclosed, flow.Attribution);
    }

    [Fact]
    public void a_percent_of_an_up_to_figure_keeps_its_precision()
    {
        var deal = Shared(Valued(Deal("venture", "joint-venture", ("a", "partner"), ("b", "partner")), Usd(100, Money.UpTo)), "a", 25);

        Assert.Equal(Usd(25, Money.UpTo), PartyFlows.Of("a", deal)!.Value);
    }

    [Fact]
    public void a_percent_of_an_undisclosed_figure_is_a_share_whose_amount_is_undisclosed()
    {
        var deal = Shared(Valued(Deal("venture", "joint-venture", ("a", "partner"), ("b", "partner")), new Money(null, "USD", Money.Undisclosed)), "a", 25);

        var flow = PartyFlows.Of("a", deal)!;

        Assert.Equal((Flow.Share, null), (flow.Attribution, flow.Value!.Amount));
        Assert.Contains("venture-share-a", flow.Because);
    }

    [Fact]
    public void an_investee_receives_the_whole_round_and_each_investor_its_own_share_or_share_not_disclosed()
    {
        var round = Shared(Valued(Deal("round", "funding-round", ("openai", "investee"), ("softbank", "investor"), ("thrive", "investor")), Usd(40, Money.UpTo)),
            "softbank", 75);

        var openai = PartyFlows.Of("openai", round)!;
        var thrive = PartyFlows.Of("thrive", round)!;

        Assert.Equal((Flow.In, Flows.Investment, Flow.WholeValue, Usd(40, Money.UpTo)), (openai.Direction, openai.Kind, openai.Attribution, openai.Value));
        Assert.Equal([("softbank", Usd(30, Money.UpTo), Flow.Share), ("thrive", new Money(null, "USD", Money.Undisclosed), Flow.ShareNotDisclosed)],
            openai.Counterparties.Select(c => (c.Party, c.Value!, c.Attribution)));
        Assert.Equal((Flow.Out, Flow.ShareNotDisclosed), (thrive.Direction, thrive.Attribution));
        Assert.Equal(Flow.ShareNotDisclosed, Assert.Single(thrive.Counterparties).Attribution);
    }

    [Fact]
    public void a_value_without_a_direction_is_not_reported_and_whole_between_two_parties()
    {
        var flow = PartyFlows.Of("openai", Valued(Deal("pact", "partnership", ("openai", "partner"), ("nvidia", "partner")), Usd(100)))!;

        Assert.Equal((Flow.NotReported, Flows.Other, Flow.WholeValue, Usd(100), false), (flow.Direction, flow.Kind, flow.Attribution, flow.Value, flow.DirectionStated));
        Assert.Equal(["nvidia"], flow.Counterparties.Select(c => c.Party));
        Assert.Equal(["pact-value"], flow.Because);
    }

    [Fact]
    public void a_value_without_a_direction_of_a_deal_with_one_known_party_is_whole_with_no_counterparty()
    {
        var flow = PartyFlows.Of("openai", Valued(Deal("campus", "data-center", ("openai", "buyer")), Usd(20)))!;

        Assert.Equal((Flow.NotReported, Flow.WholeValue, Usd(20)), (flow.Direction, flow.Attribution, flow.Value));
        Assert.Empty(flow.Counterparties);
    }

    [Fact]
    public void a_value_without_a_direction_among_three_parties_is_the_partys_share_or_not_disclosed()
    {
        var deal = Valued(Deal("pact", "partnership", ("a", "partner"), ("b", "partner"), ("c", "partner")), Usd(90));

        Assert.Equal(Flow.ShareNotDisclosed, PartyFlows.Of("a", deal)!.Attribution);
        Assert.Equal((Flow.Share, Usd(45)), (PartyFlows.Of("a", Shared(deal, "a", 50))!.Attribution, PartyFlows.Of("a", Shared(deal, "a", 50))!.Value));
        Assert.All(PartyFlows.Of("a", deal)!.Counterparties, c => Assert.Equal(Flow.ShareNotDisclosed, c.Attribution));
    }

    [Fact]
    public void a_value_stating_its_payer_and_payee_beats_the_roles()
    {
        var deal = Valued(Deal("odd", "cloud-contract", ("openai", "buyer"), ("oracle", "vendor")), Usd(5), payer: "oracle", payee: "openai", consideration: "stock");

        var flow = PartyFlows.Of("openai", deal)!;

        Assert.Equal((Flow.In, true, "stock"), (flow.Direction, flow.DirectionStated, flow.Consideration));
        Assert.Equal(["odd-value"], flow.Because);
    }

    [Fact]
    public void a_reported_direction_beats_the_roles_and_a_values_own_beats_both()
    {
        var deal = Valued(Deal("azure", "partnership", ("openai", "partner"), ("microsoft", "partner")), Usd(250))
            with { Direction = new ReportedDirection("openai", "microsoft", "azure-direction") };

        var flow = PartyFlows.Of("openai", deal)!;
        var overridden = PartyFlows.Of("openai", Valued(deal, Usd(250), payer: "microsoft", payee: "openai"))!;

        Assert.Equal((Flow.Out, true), (flow.Direction, flow.DirectionStated));
        Assert.Equal(["azure-value", "azure-direction"], flow.Because);
        Assert.Equal(Flow.In, overridden.Direction);
        Assert.DoesNotContain("azure-direction", overridden.Because);
    }

    [Fact]
    public void a_direction_without_a_value_is_a_flow_whose_value_is_not_reported()
    {
        var flow = PartyFlows.Of("openai", Deal("google-cloud", "cloud-contract", ("openai", "buyer"), ("google", "vendor")))!;

        Assert.Equal((Flow.Out, null, null, null), (flow.Direction, flow.Value, flow.Whole, flow.Currency));
        var sum = Assert.Single(PartyFlows.Sum([flow]));
        Assert.Equal((null, 1, Bounds.AtLeast), (sum.Sum.Currency, sum.Sum.Undisclosed, sum.Sum.Precision));
    }

    [Fact]
    public void nothing_says_money_moves_without_a_value_or_a_direction()
    {
        Assert.Null(PartyFlows.Of("openai", Deal("exclusivity", "exclusivity", ("microsoft", "grantor"), ("openai", "beneficiary"))));
    }

    [Fact]
    public void a_party_neither_paying_nor_paid_has_no_flow()
    {
        var deal = Valued(Deal("contract", "cloud-contract", ("openai", "buyer"), ("oracle", "vendor"), ("nvidia", "partner")), Usd(10));

        Assert.Null(PartyFlows.Of("nvidia", deal));
        Assert.Null(PartyFlows.Of("google", deal));
    }

    [Fact]
    public void money_out_and_money_in_with_the_same_counterparty_are_summed_apart()
    {
        var azure = Valued(Deal("azure", "cloud-contract", ("openai", "buyer"), ("microsoft", "vendor")), Usd(250));
        var investment = Valued(Deal("investment", "investment", ("microsoft", "investor"), ("openai", "investee")), Usd(11, Money.About));
        var flows = new[] { PartyFlows.Of("openai", azure)!, PartyFlows.Of("openai", investment)! };

        var microsoft = Assert.Single(PartyFlows.ByCounterparty(flows));

        Assert.Equal("microsoft", microsoft.Party);
        Assert.Equal(["azure", "investment"], microsoft.Deals);
        Assert.Equal([(Flow.In, Flows.Investment, 11 * B, Bounds.About), (Flow.Out, Flows.Purchase, 250 * B, Bounds.Exact)],
            microsoft.Sums.Select(s => (s.Direction, s.Kind, s.Sum.Amount!.Value, s.Sum.Precision)));
        Assert.Equal(["investment-value", "investment-reported"], microsoft.Sums[0].Because);
    }

    [Fact]
    public void sums_are_kept_apart_per_direction_currency_and_kind()
    {
        var flows = new[]
        {
            PartyFlows.Of("openai", Oracle)!,
            PartyFlows.Of("openai", Valued(Deal("chips", "chip-supply", ("openai", "buyer"), ("broadcom", "vendor")), Usd(10)))!,
            PartyFlows.Of("openai", Valued(Deal("euro", "cloud-contract", ("openai", "buyer"), ("mistral", "vendor")), new Money(1 * B, "EUR", Money.Exact)))!,
            PartyFlows.Of("openai", Stargate)!,
        };

        var sums = PartyFlows.Sum(flows);

        Assert.Equal([("EUR", Flows.Purchase, 1), ("USD", Flows.Contribution, 1), ("USD", Flows.Purchase, 2)],
            sums.Select(s => (s.Sum.Currency!, s.Kind, s.Sum.Parts)));
        Assert.Equal(310 * B, sums[2].Sum.Amount);
    }
    [Fact]
    public void given_a_round_of_three_investors_when_one_is_stated_as_the_payer_then_it_is_not_credited_the_whole_round()
    {
        var round = Valued(Deal("round", "funding-round", ("openai", "investee"), ("softbank", "investor"), ("thrive", "investor"), ("msft", "investor")),
            Usd(40, Money.UpTo), payer: "softbank", payee: "openai");

        var softbank = PartyFlows.Of("softbank", round)!;
        var openai = PartyFlows.Of("openai", round)!;

        Assert.Equal((Flow.Out, Flow.ShareNotDisclosed, true), (softbank.Direction, softbank.Attribution, softbank.DirectionStated));
        Assert.Equal((Flow.In, Flow.WholeValue), (openai.Direction, openai.Attribution));
        Assert.Equal(["msft", "softbank", "thrive"], openai.Counterparties.Select(c => c.Party));
    }

    [Fact]
    public void given_many_parties_each_part_rests_on_the_facts_about_its_two_parties_only()
    {
        var parties = Enumerable.Range(0, 50).Select(i => new PartyRole($"v{i}", "vendor", $"joined-v{i}"))
            .Prepend(new PartyRole("buyer", "buyer", "reported")).ToList();
        var deal = Valued(Deal("big", "cloud-contract"), Usd(10)) with { Parties = parties };

        var flow = PartyFlows.Of("buyer", deal)!;

        Assert.Equal(50, flow.Counterparties.Count);
        Assert.All(flow.Counterparties, c => Assert.True(c.Because.Count <= 3, string.Join(",", c.Because)));
        Assert.Contains("joined-v7", flow.Counterparties.Single(c => c.Party == "v7").Because);
    }
}
