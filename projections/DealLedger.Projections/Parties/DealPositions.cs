using DealLedger.Domain.Exposure;
using DealLedger.Projections.Deals;

namespace DealLedger.Projections.Parties;

/// <summary>
/// What the exposure rule reads from a deal's summary: the current values of its terms (the summary's terms already
/// hold them by the current-value rule, with the fact each came from), its kind, and its parties' roles.
/// </summary>
public static class DealPositions
{
    /// <summary>The headline figure's scope: shares and directions attach to it.</summary>
    public const string Headline = "total";

    public static DealPosition Of(DealSummary summary)
    {
        var total = summary.Terms.GetValueOrDefault(DealTerms.ForValue(Headline)) is { Value: { Money: { } money } value, Source: { } source }
            ? new ReportedFigure(Headline, money, value.Payer, value.Payee, value.Consideration, source.FactId)
            : null;
        var direction = summary.Terms.GetValueOrDefault(DealTerms.Direction) is
            { Value: { Payer: { } payer, Payee: { } payee }, Source: { } stated }
            ? new ReportedDirection(payer, payee, stated.FactId)
            : null;
        var sharePrefix = DealTerms.ForShare(Headline, "");
        var shares = summary.Terms
            .Where(t => t.Key.StartsWith(sharePrefix, StringComparison.Ordinal))
            .Select(t => t.Value is { Value: { } share, Source: { } reported }
                ? new ReportedShare(t.Key[sharePrefix.Length..], Headline, share.Percent, share.Money, reported.FactId)
                : null)
            .OfType<ReportedShare>()
            .ToList();
        return new DealPosition(
            summary.Id,
            summary.Kind,
            summary.ReportedBy?.FactId,
            summary.Parties.Select(p => new PartyRole(p.Party, p.Role, p.Source.FactId)).ToList(),
            total,
            direction,
            shares);
    }
}
