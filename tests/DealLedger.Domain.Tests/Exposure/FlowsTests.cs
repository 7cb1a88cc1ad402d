using DealLedger.Domain.Exposure;

namespace DealLedger.Domain.Tests.Exposure;

/// <summary>The direction rule: derived from kind and roles only where unambiguous.</summary>
public class FlowsTests
{
    private static List<PartyRole> Roles(params (string Party, string Role)[] roles) =>
        roles.Select(r => new PartyRole(r.Party, r.Role, $"{r.Party}-joined")).ToList();

    [Theory]
    [InlineData("cloud-contract", "buyer", "vendor", Flows.Purchase)]
    [InlineData("chip-supply", "customer", "supplier", Flows.Purchase)]
    [InlineData("data-center", "buyer", "supplier", Flows.Purchase)]
    [InlineData("investment", "investor", "investee", Flows.Investment)]
    [InlineData("funding-round", "investor", "investee", Flows.Investment)]
    [InlineData("partnership", "customer", "vendor", Flows.Purchase)]
    public void a_paying_role_pays_the_paid_role_of_the_same_kind_of_deal(string kind, string payerRole, string payeeRole, string flowKind)
    {
        var direction = Flows.Derive(kind, "deal-reported", Roles(("a", payerRole), ("b", payeeRole)))!;

        Assert.Equal(["a"], direction.Payers);
        Assert.Equal(["b"], direction.Payees);
        Assert.Equal((false, false, flowKind), (direction.IntoVenture, direction.Stated, direction.Kind));
        Assert.Equal(["a-joined", "b-joined"], direction.Because);
    }

    [Fact]
    public void several_investors_all_pay_the_investee()
    {
        var direction = Flows.Derive("funding-round", null, Roles(("openai", "investee"), ("thrive", "investor"), ("softbank", "investor")))!;

        Assert.Equal(["softbank", "thrive"], direction.Payers);
        Assert.Equal(["openai"], direction.Payees);
    }

    [Fact]
    public void a_joint_ventures_partners_pay_into_the_venture_because_of_its_kind_and_their_roles()
    {
        var direction = Flows.Derive("joint-venture", "stargate-reported", Roles(("openai", "partner"), ("softbank", "partner"), ("mgx", "investor")))!;

        Assert.Equal(["mgx", "openai", "softbank"], direction.Payers);
        Assert.Empty(direction.Payees);
        Assert.Equal((true, Flows.Contribution), (direction.IntoVenture, direction.Kind));
        Assert.Equal(["openai-joined", "softbank-joined", "mgx-joined", "stargate-reported"], direction.Because);
    }

    [Theory]
    [InlineData("partnership", "partner", "partner")]
    [InlineData("cloud-contract", "buyer", "partner")]
    [InlineData("cloud-contract", "partner", "vendor")]
    [InlineData("exclusivity", "grantor", "beneficiary")]
    [InlineData("investment", "investor", "vendor")]
    [InlineData("joint-venture", "partner", "vendor")]
    [InlineData("cloud-contract", "partner", "partner")]
    public void roles_that_do_not_say_who_pays_whom_give_no_direction(string kind, string first, string second)
    {
        Assert.Null(Flows.Derive(kind, null, Roles(("a", first), ("b", second))));
    }

    [Fact]
    public void a_purchase_and_an_investment_in_one_deal_give_no_direction()
    {
        Assert.Null(Flows.Derive("partnership", null, Roles(("openai", "buyer"), ("microsoft", "vendor"), ("microsoft", "investor"), ("openai", "investee"))));
        Assert.Null(Flows.Derive("partnership", null, Roles(("a", "buyer"), ("b", "vendor"), ("c", "investor"), ("d", "investee"))));
    }

    [Fact]
    public void a_party_on_both_sides_gives_no_direction()
    {
        Assert.Null(Flows.Derive("cloud-contract", null, Roles(("a", "buyer"), ("a", "vendor"), ("b", "vendor"))));
    }

    [Fact]
    public void no_parties_give_no_direction_even_for_a_joint_venture()
    {
        Assert.Null(Flows.Derive("joint-venture", null, []));
    }

    [Theory]
    [InlineData("cloud-contract", Flows.Purchase)]
    [InlineData("chip-supply", Flows.Purchase)]
    [InlineData("data-center", Flows.Purchase)]
    [InlineData("investment", Flows.Investment)]
    [InlineData("funding-round", Flows.Investment)]
    [InlineData("joint-venture", Flows.Contribution)]
    [InlineData("partnership", Flows.Other)]
    [InlineData("exclusivity", Flows.Other)]
    [InlineData(null, Flows.Other)]
    public void each_deal_kind_has_a_kind_of_money(string? dealKind, string kind)
    {
        Assert.Equal(kind, Flows.KindOf(dealKind));
    }

    [Fact]
    public void a_stated_direction_takes_its_kind_from_the_payers_and_payees_roles_else_the_deals_kind()
    {
        var roles = Roles(("microsoft", "investor"), ("openai", "investee"), ("oracle", "partner"));

        Assert.Equal(Flows.Investment, Flows.StatedBy("microsoft", "openai", "partnership", roles, "f").Kind);
        Assert.Equal(Flows.Other, Flows.StatedBy("openai", "oracle", "partnership", roles, "f").Kind);
        var stated = Flows.StatedBy("openai", "oracle", "partnership", roles, "f");
        Assert.True(stated.Stated);
        Assert.Equal(["f"], stated.Because);
    }
}
