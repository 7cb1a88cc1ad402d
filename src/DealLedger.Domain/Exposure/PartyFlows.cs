using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Exposure;

/// <summary>
/// The exposure rule (docs/read-models.md, "Party exposure"): per deal, the party's flow of the headline total,
/// directed by <see cref="Flows"/> and attributed by share; sums per direction, currency and kind under the
/// precision rule of <see cref="Bounds"/>, for the party and per counterparty. Money in and money out are never
/// added together, and a figure shared by several parties on one side is never credited in full to each of them.
/// </summary>
public static class PartyFlows
{
    /// <summary>
    /// The party's flow in one deal, or null when nothing says money moves between it and anyone (no figure and no
    /// direction), or the direction leaves the party out (it neither pays nor is paid).
    /// </summary>
    public static Flow? Of(string party, DealPosition deal)
    {
        var total = deal.Total;
        var direction = DirectionOf(deal);
        if (total is null && direction is null)
        {
            return null;
        }

        var whole = total?.Value;
        var consideration = total?.Consideration ?? "cash";
        List<string> basis = total is null ? [] : [total.FactId];
        if (direction is null)
        {
            if (!deal.Parties.Any(p => p.Party == party))
            {
                return null;
            }

            // Sides unknown: with one other party (or none known) the whole figure is the party's; with more, only a
            // reported share says what is the party's, and nothing says what is between it and each of the others.
            var others = deal.Parties.Select(p => p.Party).Where(p => p != party).Distinct().Order(StringComparer.Ordinal).ToList();
            var own = others.Count <= 1 ? Whole(whole) : ShareOf(party, deal, whole);
            var parts = others.Select(o => others.Count == 1 ? Part(o, false, own, basis) : Part(o, false, NotDisclosed(whole), basis)).ToList();
            return new Flow(deal.Deal, Flow.NotReported, parts, Flows.KindOf(deal.Kind), own.Value, whole, own.Attribution, consideration,
                false, Because(basis, own.Because));
        }

        // The flow rests on the whole basis of its direction; each part only on the facts about its two parties (and the
        // figure and the statement of direction), so a deal's many parties do not copy every role fact into every part.
        List<string> partBasis = [.. basis, .. direction.Stated ? direction.Because.Take(1) : [], .. direction.IntoVenture ? new[] { deal.KindFact } .OfType<string>() : []];
        basis.AddRange(direction.Because);
        List<string> PartBasis(string other) =>
            [.. partBasis, .. deal.Parties.Where(r => (r.Party == party || r.Party == other) && r.FactId is not null).Select(r => r.FactId!)];
        string side;
        IReadOnlyList<string> mine;
        IReadOnlyList<string> theirs;
        if (direction.Payers.Contains(party))
        {
            (side, mine, theirs) = (Flow.Out, direction.Payers, direction.Payees);
        }
        else if (direction.Payees.Contains(party))
        {
            (side, mine, theirs) = (Flow.In, direction.Payees, direction.Payers);
        }
        else
        {
            return null;
        }

        // A venture's partners each pay their share into it, even when only one partner is known so far.
        var alone = mine.Count == 1 && !direction.IntoVenture;
        var part = alone ? Whole(whole) : ShareOf(party, deal, whole);
        List<FlowPart> counterparties = direction.IntoVenture
            ? [Part(deal.Deal, true, part, PartBasis(party))]
            : theirs.Select(other => (alone, theirs.Count == 1) switch
            {
                (true, true) => Part(other, false, part, PartBasis(other)),
                (true, false) => Part(other, false, ShareOf(other, deal, whole), PartBasis(other)),
                (false, true) => Part(other, false, part, PartBasis(other)),
                (false, false) => Part(other, false, NotDisclosed(whole), PartBasis(other)),
            }).ToList();
        return new Flow(deal.Deal, side, counterparties, direction.Kind, part.Value, whole, part.Attribution, consideration, direction.Stated,
            Because(basis, part.Because));
    }

    /// <summary>Sums the party's flows per direction, currency and kind.</summary>
    public static IReadOnlyList<FlowSum> Sum(IEnumerable<Flow> flows) =>
        SumOf(flows.Select(f => (f.Direction, f.Kind, f.Currency, f.Value, f.Because)));

    /// <summary>Sums the parts of the party's flows per counterparty, then per direction, currency and kind.</summary>
    public static IReadOnlyList<CounterpartySums> ByCounterparty(IEnumerable<Flow> flows) =>
        flows.SelectMany(f => f.Counterparties.Select(c => (Flow: f, Part: c)))
            .GroupBy(x => (x.Part.Party, x.Part.Venture))
            .OrderBy(g => g.Key.Party, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Venture)
            .Select(g => new CounterpartySums(g.Key.Party, g.Key.Venture,
                g.Select(x => x.Flow.Deal).Distinct().Order(StringComparer.Ordinal).ToList(),
                SumOf(g.Select(x => (x.Flow.Direction, x.Flow.Kind, x.Part.Value?.Currency ?? x.Flow.Currency, x.Part.Value, x.Part.Because)))))
            .ToList();

    private static List<FlowSum> SumOf(IEnumerable<(string Direction, string Kind, string? Currency, Money? Value, IReadOnlyList<string> Because)> parts) =>
        parts.GroupBy(p => (p.Direction, p.Currency, p.Kind))
            .OrderBy(g => g.Key.Direction, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Currency, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Kind, StringComparer.Ordinal)
            .Select(g => new FlowSum(g.Key.Direction, g.Key.Kind, Bounds.Sum(g.Key.Currency, g.Select(p => p.Value)),
                g.SelectMany(p => p.Because).Distinct().ToList()))
            .ToList();

    /// <summary>
    /// The value's own payer and payee, else the deal's stated direction, else the derived one. A stated pair only orients
    /// the sides: when the roles put the stated payer among several payers (one investor of a round) and the payee among
    /// the payees, the sides keep all of them, so the stated payer is not credited the whole figure.
    /// </summary>
    private static Direction? DirectionOf(DealPosition deal)
    {
        var derived = Flows.Derive(deal.Kind, deal.KindFact, deal.Parties);
        var stated = deal.Total is { Payer: { } payer, Payee: { } payee } total
            ? Flows.StatedBy(payer, payee, deal.Kind, deal.Parties, total.FactId)
            : deal.Direction is { } reported
                ? Flows.StatedBy(reported.Payer, reported.Payee, deal.Kind, deal.Parties, reported.FactId)
                : null;
        if (stated is null)
        {
            return derived;
        }

        return derived is { IntoVenture: false } && derived.Payers.Contains(stated.Payers[0]) && derived.Payees.Contains(stated.Payees[0])
            ? derived with { Stated = true, Because = [.. stated.Because, .. derived.Because] }
            : stated;
    }

    /// <summary>A part of a figure, how it was attributed, and the share fact it rests on (if any).</summary>
    private sealed record Attributed(Money? Value, string Attribution, string? Because);

    private static Attributed Whole(Money? whole) => new(whole, Flow.WholeValue, null);

    private static Attributed NotDisclosed(Money? whole) =>
        new(whole is null ? null : new Money(null, whole.Currency, Money.Undisclosed), Flow.ShareNotDisclosed, null);

    /// <summary>
    /// A party's reported share of the total: its amount as reported (in the total's currency), else its percent of
    /// the total; else "share not disclosed", counted as an undisclosed amount.
    /// </summary>
    private static Attributed ShareOf(string party, DealPosition deal, Money? whole)
    {
        var term = deal.Total?.Term ?? "total";
        var share = deal.Shares.LastOrDefault(s => s.Party == party && s.Term == term);
        if (share?.Value is { Amount: not null } amount && (whole is null || amount.Currency == whole.Currency))
        {
            return new Attributed(amount, Flow.Share, share.FactId);
        }

        if (share?.Percent is { } percent && whole is not null)
        {
            return Scale(whole, percent) is { } scaled
                ? new Attributed(scaled, Flow.Share, share.FactId)
                : NotDisclosed(whole) with { Attribution = Flow.Share, Because = share.FactId };
        }

        return NotDisclosed(whole);
    }

    private static FlowPart Part(string party, bool venture, Attributed part, IReadOnlyList<string> basis) =>
        new(party, venture, part.Value, part.Attribution, Because(basis, part.Because));

    private static List<string> Because(IEnumerable<string> basis, string? share) =>
        basis.Append(share).OfType<string>().Distinct().ToList();

    /// <summary>A percent of a figure, keeping its precision (40% of "up to 500" is "up to 200"); null when not computable.</summary>
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
