using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Exposure;

/// <summary>A deal's current money figure of one scope, with the payer and payee it stated, and the fact it comes from.</summary>
public sealed record ReportedFigure(string Term, Money Value, string? Payer, string? Payee, string? Consideration, string FactId);

/// <summary>One party's current reported share of a deal's figure (a percent of it, an amount, or both).</summary>
public sealed record ReportedShare(string Party, string Term, decimal? Percent, Money? Value, string FactId);

/// <summary>A direction stated for the deal as a whole by a <c>deal.direction-reported</c> fact.</summary>
public sealed record ReportedDirection(string Payer, string Payee, string FactId);

/// <summary>
/// What the exposure rule needs to know about one deal, as of the answer's basis: its kind, parties and roles (and the
/// facts that reported them), its current headline total, the direction stated for it, and the reported shares.
/// </summary>
public sealed record DealPosition(
    string Deal,
    string? Kind,
    IReadOnlyList<PartyRole> Parties,
    IReadOnlyList<string> PartyFacts,
    ReportedFigure? Total,
    ReportedDirection? Direction,
    IReadOnlyList<ReportedShare> Shares);

/// <summary>
/// One party's part of one deal's headline figure: money <see cref="Out"/> (it pays), <see cref="In"/> (it is paid),
/// or <see cref="NotReported"/> (the direction is neither reported nor derivable). <see cref="Value"/> is the part
/// attributed to the party (<see cref="Whole"/> the deal's figure): the whole when it is alone on its side, its
/// reported share, or undisclosed ("share not disclosed"), never the whole once per partner. <see cref="Because"/>
/// lists the facts the flow rests on.
/// </summary>
public sealed record Flow(
    string Deal,
    string Direction,
    IReadOnlyList<string> Counterparties,
    string Kind,
    Money Value,
    Money Whole,
    string Attribution,
    string Consideration,
    bool DirectionStated,
    IReadOnlyList<string> Because)
{
    public const string Out = "out";
    public const string In = "in";
    public const string NotReported = "not-reported";

    public const string WholeValue = "whole";
    public const string Share = "share";
    public const string ShareNotDisclosed = "share-not-disclosed";
}

/// <summary>A sum of flows of one direction, currency and kind, with its precision (<see cref="Bounds"/>) and the facts behind it.</summary>
public sealed record FlowSum(string Direction, string Kind, Bounds Sum, IReadOnlyList<string> Because);

/// <summary>
/// The exposure rule (docs/read-models.md, "Party exposure"): per deal, the party's flow of the headline total,
/// directed by <see cref="Flows"/> and attributed by share; sums per direction, currency and kind under the
/// precision rule of <see cref="Bounds"/>. Money in and money out are never added together.
/// </summary>
public static class PartyFlows
{
    /// <summary>The party's flow in one deal, or null when the deal has no headline total or the party has no part in its money.</summary>
    public static Flow? Of(string party, DealPosition deal)
    {
        if (deal.Total is not { } total || !deal.Parties.Any(p => p.Party == party))
        {
            return null;
        }

        var direction = DirectionOf(deal, total);
        var because = new List<string> { total.FactId };
        var consideration = total.Consideration ?? "cash";
        if (direction is null)
        {
            var others = deal.Parties.Select(p => p.Party).Where(p => p != party).Distinct().Order(StringComparer.Ordinal).ToList();
            var (value, attribution) = others.Count == 1 ? (total.Value, Flow.WholeValue) : Attribute(party, deal, total, because);
            return new Flow(deal.Deal, Flow.NotReported, others, Flows.KindOf(deal.Kind), value, total.Value, attribution, consideration, false,
                because.Distinct().ToList());
        }

        because.AddRange(direction.Because);
        string side;
        IReadOnlyList<string> mine;
        IReadOnlyList<string> counterparties;
        if (direction.Payers.Contains(party))
        {
            side = Flow.Out;
            mine = direction.Payers;
            counterparties = direction.IntoVenture ? [deal.Deal] : direction.Payees;
        }
        else if (direction.Payees.Contains(party))
        {
            side = Flow.In;
            mine = direction.Payees;
            counterparties = direction.Payers;
        }
        else
        {
            return null;
        }

        var (part, how) = mine.Count == 1 ? (total.Value, Flow.WholeValue) : Attribute(party, deal, total, because);
        return new Flow(deal.Deal, side, counterparties, direction.Kind, part, total.Value, how, consideration, direction.Stated,
            because.Distinct().ToList());
    }

    /// <summary>Sums flows per direction, currency and kind.</summary>
    public static IReadOnlyList<FlowSum> Sum(IEnumerable<Flow> flows) =>
        flows.GroupBy(f => (f.Direction, f.Value.Currency, f.Kind))
            .OrderBy(g => g.Key.Direction, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Currency, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Kind, StringComparer.Ordinal)
            .Select(g => new FlowSum(g.Key.Direction, g.Key.Kind, Bounds.Sum(g.Key.Currency, g.Select(f => f.Value)),
                g.SelectMany(f => f.Because).Distinct().ToList()))
            .ToList();

    private static Direction? DirectionOf(DealPosition deal, ReportedFigure total)
    {
        if (total is { Payer: { } payer, Payee: { } payee })
        {
            return Flows.StatedBy(payer, payee, deal.Kind, deal.Parties, total.FactId);
        }

        if (deal.Direction is { } stated)
        {
            return Flows.StatedBy(stated.Payer, stated.Payee, deal.Kind, deal.Parties, stated.FactId);
        }

        return Flows.Derive(deal.Kind, deal.Parties, deal.PartyFacts);
    }

    /// <summary>A party's reported share of the total (its amount, else its percent of the total), else "share not disclosed".</summary>
    private static (Money Value, string Attribution) Attribute(string party, DealPosition deal, ReportedFigure total, List<string> because)
    {
        var share = deal.Shares.LastOrDefault(s => s.Party == party && s.Term == total.Term);
        if (share?.Value is { } amount && amount.Currency == total.Value.Currency)
        {
            because.Add(share.FactId);
            return (amount, Flow.Share);
        }

        if (share?.Percent is { } percent && Scale(total.Value, percent) is { } scaled)
        {
            because.Add(share.FactId);
            return (scaled, Flow.Share);
        }

        return (new Money(null, total.Value.Currency, Money.Undisclosed), Flow.ShareNotDisclosed);
    }

    private static Money? Scale(Money whole, decimal percent)
    {
        if (whole.Amount is null)
        {
            return null;
        }

        try
        {
            return whole with
            {
                Amount = decimal.Round(whole.Amount.Value * percent / 100m, 4),
                Max = whole.Max is { } max ? decimal.Round(max * percent / 100m, 4) : null,
            };
        }
        catch (OverflowException)
        {
            return null;
        }
    }
}
