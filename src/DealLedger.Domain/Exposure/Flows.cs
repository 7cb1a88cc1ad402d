namespace DealLedger.Domain.Exposure;

/// <summary>A party of a deal in one role, and the fact that reported it in that role (for <c>because</c> lists).</summary>
public sealed record PartyRole(string Party, string Role, string? FactId = null);

/// <summary>
/// Who pays whom in a deal. <see cref="Payers"/> and <see cref="Payees"/> are parties; a joint venture's partners
/// pay into the venture itself (<see cref="IntoVenture"/>, no payee party). <see cref="Stated"/> is true when a fact
/// said so, false when it is derived from the deal's kind and roles; <see cref="Because"/> lists those facts.
/// </summary>
public sealed record Direction(IReadOnlyList<string> Payers, IReadOnlyList<string> Payees, bool IntoVenture, bool Stated, string Kind,
    IReadOnlyList<string> Because);

/// <summary>
/// The direction rule (docs/read-models.md, "Who pays whom"): a value's own payer and payee, else the deal's current
/// <c>deal.direction-reported</c>, else what the deal's kind and roles make unambiguous: buyers and customers pay
/// vendors and suppliers, investors pay investees, a joint venture's partners pay into the venture. Anything else
/// (no paying or no paid role, both a purchase's and an investment's roles, a party on both sides) is "direction
/// not reported", never guessed.
/// </summary>
public static class Flows
{
    public const string Purchase = "purchase-commitment";
    public const string Investment = "investment";
    public const string Contribution = "contribution";
    public const string Other = "other";

    private static readonly HashSet<string> Buyers = new(StringComparer.Ordinal) { "buyer", "customer" };
    private static readonly HashSet<string> Sellers = new(StringComparer.Ordinal) { "vendor", "supplier" };
    private static readonly HashSet<string> Investors = new(StringComparer.Ordinal) { "investor" };
    private static readonly HashSet<string> Investees = new(StringComparer.Ordinal) { "investee" };
    private static readonly HashSet<string> Venturers = new(StringComparer.Ordinal) { "partner", "investor" };

    /// <summary>What kind of money a flow is, from the payer's and payee's roles, else the deal's kind.</summary>
    public static string KindOf(string? dealKind, IReadOnlyList<PartyRole> parties, IEnumerable<string> payers, IEnumerable<string> payees)
    {
        bool Has(IEnumerable<string> side, HashSet<string> roles) =>
            side.Any(p => parties.Any(r => r.Party == p && roles.Contains(r.Role)));
        if (Has(payers, Investors) || Has(payees, Investees))
        {
            return Investment;
        }

        if (Has(payers, Buyers) || Has(payees, Sellers))
        {
            return Purchase;
        }

        return KindOf(dealKind);
    }

    /// <summary>What kind of money a deal's figure is, from the deal's kind alone.</summary>
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

    /// <summary>
    /// The direction the kind and roles make unambiguous, or null ("direction not reported"). <paramref name="kindFact"/>
    /// is the fact that reported the deal's kind (a joint venture's direction rests on it).
    /// </summary>
    public static Direction? Derive(string? dealKind, string? kindFact, IReadOnlyList<PartyRole> parties)
    {
        if (dealKind == "joint-venture" && parties.Count > 0 && parties.All(p => Venturers.Contains(p.Role)))
        {
            return new Direction(Ordered(parties.Select(p => p.Party)), [], true, false, Contribution,
                Facts(parties, kindFact));
        }

        var purchase = parties.Any(p => Buyers.Contains(p.Role) || Sellers.Contains(p.Role));
        var investment = parties.Any(p => Investors.Contains(p.Role) || Investees.Contains(p.Role));
        if (purchase == investment)
        {
            // Neither a purchase's nor an investment's roles, or both: which way the headline goes is not said.
            return null;
        }

        var (payerRoles, payeeRoles, kind) = purchase ? (Buyers, Sellers, Purchase) : (Investors, Investees, Investment);
        var payers = parties.Where(p => payerRoles.Contains(p.Role)).ToList();
        var payees = parties.Where(p => payeeRoles.Contains(p.Role)).ToList();
        var payerNames = Ordered(payers.Select(p => p.Party));
        var payeeNames = Ordered(payees.Select(p => p.Party));
        if (payerNames.Count == 0 || payeeNames.Count == 0 || payerNames.Intersect(payeeNames).Any())
        {
            return null;
        }

        return new Direction(payerNames, payeeNames, false, false, kind, Facts([.. payers, .. payees], null));
    }

    private static List<string> Ordered(IEnumerable<string> parties) => parties.Distinct().Order(StringComparer.Ordinal).ToList();

    private static List<string> Facts(IEnumerable<PartyRole> roles, string? kindFact) =>
        roles.Select(r => r.FactId).Append(kindFact).OfType<string>().Distinct().ToList();
}
