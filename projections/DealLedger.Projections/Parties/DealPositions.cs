using DealLedger.Domain.Current;
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

    /// <summary>
    /// The direction stated for the deal: the latest live report (by the current-value rule) among its direction
    /// reports and the headline figures that said who pays whom, so a later figure that does not repeat the direction
    /// does not erase it.
    /// </summary>
    private static ReportedDirection? DirectionOf(DealSummary summary)
    {
        var stated = new[] { DealTerms.Direction, DealTerms.ForValue(Headline) }
            .SelectMany(term => summary.Terms.GetValueOrDefault(term)?.Reports ?? [])
            .Where(r => r.Value is { Payer: not null, Payee: not null } && CurrentValueRule.IsLive(summary.Statuses, r.Source.FactId))
            .OrderBy(r => r.Source.RecordedAt);
        return CurrentValueRule.Pick(stated, r => r.Source) is { Value: { Payer: { } payer, Payee: { } payee }, Source: { } source }
            ? new ReportedDirection(payer, payee, source.FactId)
            : null;
    }

    public static DealPosition Of(DealSummary summary)
    {
        var total = summary.Terms.GetValueOrDefault(DealTerms.ForValue(Headline)) is { Value: { Money: { } money } value, Source: { } source }
            ? new ReportedFigure(Headline, money, value.Payer, value.Payee, value.Consideration, source.FactId)
            : null;
        var direction = DirectionOf(summary);
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
