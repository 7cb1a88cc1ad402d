using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Exposure;

/// <summary>A deal's current money figure of one scope, with the payer and payee it stated, and the fact it comes from.</summary>
public sealed record ReportedFigure(string Term, Money Value, string? Payer, string? Payee, string? Consideration, string FactId);

/// <summary>One party's current reported share of a deal's figure (a percent of it, an amount, or both).</summary>
public sealed record ReportedShare(string Party, string Term, decimal? Percent, Money? Value, string FactId);

/// <summary>A direction stated for the deal as a whole by a <c>deal.direction-reported</c> fact.</summary>
public sealed record ReportedDirection(string Payer, string Payee, string FactId);

/// <summary>
/// What the exposure rule needs to know about one deal, as of the answer's basis (current values, by the
/// current-value rule): its kind and the fact that reported it, its parties and roles (each with the fact that
/// reported it), its headline total, the direction stated for it, and the reported shares of the total.
/// </summary>
public sealed record DealPosition(
    string Deal,
    string? Kind,
    string? KindFact,
    IReadOnlyList<PartyRole> Parties,
    ReportedFigure? Total,
    ReportedDirection? Direction,
    IReadOnlyList<ReportedShare> Shares);
