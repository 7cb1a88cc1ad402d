namespace DealLedger.Domain.Exposure;

/// <summary>A party of a deal in one role.</summary>
public sealed record PartyRole(string Party, string Role);

/// <summary>
/// Who pays whom in a deal. <see cref="Payers"/> and <see cref="Payees"/> are parties; a joint venture's partners
/// pay into the venture itself (<see cref="IntoVenture"/>, no payee party). <see cref="Stated"/> is true when a fact
/// said so, false when it is derived from the deal's kind and roles.
/// </summary>
public sealed record Direction(IReadOnlyList<string> Payers, IReadOnlyList<string> Payees, bool IntoVenture, bool Stated, string Kind,
    IReadOnlyList<string> Because);

/// <summary>
/// The direction rule (docs/read-models.md, "Who pays whom"): a value's own payer and payee, else a later
/// <c>deal.direction-reported</c>, else what the deal's kind and roles make unambiguous: buyers and customers pay
/// vendors and suppliers, investors pay investees, a joint venture's partners pay into the venture. Anything else
/// is "direction not reported", never guessed.
/// </summary>
public static class Flows
{
    public const string Purchase = "purchase-commitment";
    public const string Investment = "investment";
    public const string Contribution = "contribution";
    public const string Other = "other";

    private static readonly HashSet<string> PayerRoles = new(StringComparer.Ordinal) { "buyer", "customer", "investor" };
    private static readonly HashSet<string> PayeeRoles = new(StringComparer.Ordinal) { "vendor", "supplier", "investee" };

    /// <summary>What kind of money a flow is, from the payer's and payee's roles, else the deal's kind.</summary>
    public static string KindOf(string? dealKind, IReadOnlyList<PartyRole> parties, IEnumerable<string> payers, IEnumerable<string> payees)
    {
        bool Has(IEnumerable<string> side, params string[] roles) =>
            side.Any(p => parties.Any(r => r.Party == p && roles.Contains(r.Role)));
        if (Has(payers, "investor") || Has(payees, "investee"))
        {
            return Investment;
        }

        if (Has(payers, "buyer", "customer") || Has(payees, "vendor", "supplier"))
        {
            return Purchase;
        }

        return KindOf(dealKind);
    }

    public static string KindOf(string? dealKind) => dealKind switch
    {
        "cloud-contract" or "chip-supply" or "data-center" => Purchase,
        "investment" or "funding-round" => Investment,
        "joint-venture" => Contribution,
        _ => Other,
    };

    /// <summary>A direction stated by a fact (a value's own payer and payee, or a direction report).</summary>
    public static Direction StatedBy(string payer, string payee, string? dealKind, IReadOnlyList<PartyRole> parties, string factId) =>
        new([payer], [payee], false, true, KindOf(dealKind, parties, [payer], [payee]), [factId]);

    /// <summary>The direction the kind and roles make unambiguous, or null ("direction not reported").</summary>
    public static Direction? Derive(string? dealKind, IReadOnlyList<PartyRole> parties, IReadOnlyList<string> because)
    {
        var payers = parties.Where(p => PayerRoles.Contains(p.Role)).Select(p => p.Party).Distinct().Order(StringComparer.Ordinal).ToList();
        var payees = parties.Where(p => PayeeRoles.Contains(p.Role)).Select(p => p.Party).Distinct().Order(StringComparer.Ordinal).ToList();
        if (payers.Intersect(payees).Any())
        {
            return null;
        }

        if (payers.Count > 0 && payees.Count > 0)
        {
            return new Direction(payers, payees, false, false, KindOf(dealKind, parties, payers, payees), because);
        }

        if (dealKind == "joint-venture" && payees.Count == 0)
        {
            var partners = parties.Where(p => p.Role is "partner" or "investor").Select(p => p.Party).Distinct().Order(StringComparer.Ordinal).ToList();
            return partners.Count > 0 ? new Direction(partners, [], true, false, Contribution, because) : null;
        }

        return null;
    }
}
