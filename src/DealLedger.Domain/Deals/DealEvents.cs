using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Deals;

// Every event of a deal stream, on one screen. Wire names are pinned in Facts/FactTypes.cs; change a
// record only additively (a new optional member). A breaking change is a new record plus an upcaster.

/// <summary>A source reports that a deal exists (or reports it again): its kind, parties and roles.</summary>
public sealed record DealReported(
    FactInfo Fact,
    string Title,
    string Kind,
    IReadOnlyList<DealParty> Parties,
    string? Status,
    string? Description) : IFact;

public sealed record DealParty(string Party, string Role);

/// <summary>A party is reported to have joined a deal (e.g. SoftBank as a Stargate partner).</summary>
public sealed record DealPartyJoined(FactInfo Fact, string Party, string Role) : IFact;

/// <summary>
/// A money figure of a deal. <see cref="Term"/> is the figure's scope (the headline total, a tranche, what is
/// committed so far, a first phase, the first year, a year): each scope is its own term with its own revision
/// chain, so a partial figure never revises the headline. <see cref="Part"/> names one tranche or phase when a
/// deal has several. <see cref="Payer"/> and <see cref="Payee"/> say who pays whom when the source says so
/// (otherwise read models derive it from the deal's kind and roles, see <c>Flows</c>); <see cref="Consideration"/>
/// is what is paid: cash unless reported otherwise (stock, compute credits, in kind).
/// </summary>
public sealed record DealValueReported(
    FactInfo Fact,
    string Term,
    Money Value,
    string? Note,
    string? Payer = null,
    string? Payee = null,
    string? Consideration = null,
    string? Part = null) : IFact;

/// <summary>Who pays whom in a deal, reported without a new figure: it applies to the deal's money terms that do not state their own.</summary>
public sealed record DealDirectionReported(FactInfo Fact, string Payer, string Payee, string? Note) : IFact;

/// <summary>
/// One party's share of a deal's figure (a consortium partner's part of a joint venture's total, one investor's part
/// of a round), as a percentage of the figure or an amount, or both.
/// </summary>
public sealed record DealShareReported(FactInfo Fact, string Party, string Term, decimal? Percent, Money? Value, string? Note) : IFact;

/// <summary>An equity stake: <see cref="Holder"/> holds <see cref="Percent"/> of <see cref="Company"/>, before or after dilution when reported.</summary>
public sealed record DealStakeReported(
    FactInfo Fact,
    string Holder,
    string Company,
    decimal Percent,
    string Precision,
    string? Dilution,
    Money? Value,
    string? Note) : IFact;

/// <summary>
/// Shares, warrants or options: a count of <see cref="Issuer"/>'s shares held by or granted to <see cref="Holder"/>,
/// with the exercise price, expiry and vesting milestones when reported.
/// </summary>
public sealed record DealSecuritiesReported(
    FactInfo Fact,
    string Instrument,
    long Count,
    string Precision,
    string Issuer,
    string Holder,
    Money? ExercisePrice,
    Effective? Expires,
    IReadOnlyList<VestingStep> Vesting,
    string? Note) : IFact;

/// <summary>One vesting step: a milestone (in words), how many of the securities vest on it, and when it is expected.</summary>
public sealed record VestingStep(string Milestone, long? Count, Effective? Expected);

/// <summary>
/// A quantity the deal covers in its own unit (GW or MW of power, chips, GPUs, sites, racks) with its scope (the
/// whole deal, a first phase, per year) and, when reported, its delivery schedule.
/// </summary>
public sealed record DealQuantityReported(
    FactInfo Fact,
    string Unit,
    decimal Quantity,
    string Precision,
    string Term,
    IReadOnlyList<ScheduledQuantity> Schedule,
    string? Note) : IFact;

/// <summary>The part of a quantity due in one period of its schedule.</summary>
public sealed record ScheduledQuantity(Effective Period, decimal Quantity);

/// <summary>
/// A right one party grants another over a scope (exclusivity, a right of first refusal, most-favoured terms...),
/// for the fact's effective period or the stated one.
/// </summary>
public sealed record DealRightGranted(FactInfo Fact, string Right, string Grantor, string Grantee, string? Scope, Effective? Period) : IFact;

/// <summary>A right granted earlier no longer holds, or holds in another form (<see cref="ReplacedBy"/>); the effective time says since when.</summary>
public sealed record DealRightLifted(FactInfo Fact, string Right, string Grantor, string Grantee, string? ReplacedBy, string? Reason) : IFact;

/// <summary>How long the deal runs, in months, as precise as the source was.</summary>
public sealed record DealDurationReported(FactInfo Fact, int Months, string Precision) : IFact;

/// <summary>When the deal starts (or started).</summary>
public sealed record DealStartReported(FactInfo Fact, Effective Start) : IFact;

/// <summary>Power capacity the deal covers, in gigawatts.</summary>
public sealed record DealCapacityReported(FactInfo Fact, decimal Gigawatts, string Precision) : IFact;

/// <summary>A milestone of the deal (production start, first delivery…) and when it is expected.</summary>
public sealed record DealMilestoneReported(FactInfo Fact, string Milestone, string Description, Effective? Expected) : IFact;

/// <summary>The deal moved to a new status (announced, signed, stalled…).</summary>
public sealed record DealStatusChanged(FactInfo Fact, string Status, string? Reason) : IFact;

/// <summary>An exclusivity the deal granted no longer holds; the fact's effective time says since when.</summary>
public sealed record DealExclusivityLifted(FactInfo Fact, string? Reason) : IFact;

/// <summary>This deal relates to another: it substitutes (partly) for it, is part of it, expands it…</summary>
public sealed record DealRelationReported(FactInfo Fact, string Relation, string Target, string? Description) : IFact;

/// <summary>The words the fact contract accepts for deals.</summary>
public static class DealVocabulary
{
    public static readonly IReadOnlySet<string> Kinds = Set(
        "cloud-contract", "chip-supply", "investment", "funding-round", "joint-venture", "exclusivity",
        "data-center", "partnership");

    public static readonly IReadOnlySet<string> Roles = Set(
        "buyer", "vendor", "investor", "investee", "partner", "customer", "supplier", "beneficiary", "grantor");

    public static readonly IReadOnlySet<string> Statuses = Set(
        "rumored", "announced", "signed", "in-progress", "stalled", "cancelled", "completed",
        "letter-of-intent", "memorandum-of-understanding", "term-sheet");

    /// <summary>Stages before a contract, which bind no one to the deal's terms (a deal's status history marks them).</summary>
    public static readonly IReadOnlySet<string> NonBindingStatuses = Set("letter-of-intent", "memorandum-of-understanding", "term-sheet");

    /// <summary>Statuses that say a contract was signed.</summary>
    public static readonly IReadOnlySet<string> BindingStatuses = Set("signed", "in-progress", "completed");

    /// <summary>
    /// Whether a status binds the parties: "binding" (a contract was signed), "non-binding" (a stage before one),
    /// or "unknown" (rumored, announced, stalled, cancelled say nothing about a signature).
    /// </summary>
    public static string BindingOf(string status) =>
        BindingStatuses.Contains(status) ? "binding" : NonBindingStatuses.Contains(status) ? "non-binding" : "unknown";

    /// <summary>
    /// The scope of a money figure, each its own term: the headline total, one tranche, what is committed so far, a
    /// first phase, the first year, a year.
    /// </summary>
    public static readonly IReadOnlySet<string> ValueTerms = Set(
        "total", "first-year", "annual", "tranche", "committed-so-far", "first-phase");

    /// <summary>Scopes that are a part of the headline total, never a revision of it.</summary>
    public static readonly IReadOnlySet<string> PartialValueTerms = Set("first-year", "annual", "tranche", "committed-so-far", "first-phase");

    /// <summary>What is paid. Absent means cash.</summary>
    public static readonly IReadOnlySet<string> Considerations = Set("cash", "stock", "compute-credits", "in-kind", "mixed");

    public static readonly IReadOnlySet<string> Instruments = Set("shares", "warrant", "option", "convertible-note");

    public static readonly IReadOnlySet<string> Dilutions = Set("before-dilution", "after-dilution", "fully-diluted");

    public static readonly IReadOnlySet<string> QuantityUnits = Set("GW", "MW", "chips", "GPUs", "sites", "racks", "servers");

    /// <summary>Scopes of a quantity (like money scopes; a quantity has no tranche part).</summary>
    public static readonly IReadOnlySet<string> QuantityTerms = Set("total", "first-phase", "annual", "committed-so-far");

    public static readonly IReadOnlySet<string> Rights = Set(
        "exclusivity", "right-of-first-refusal", "right-of-first-negotiation", "most-favoured-terms", "non-compete");

    public static readonly IReadOnlySet<string> Relations = Set(
        "substitutes", "partly-substitutes", "part-of", "expands", "builds-on", "related-to");

    /// <summary>Precision words for non-money quantities (duration, capacity).</summary>
    public static readonly IReadOnlySet<string> QuantityPrecisions = Set("exact", "about", "up-to", "at-least");

    private static HashSet<string> Set(params string[] words) => new(words, StringComparer.Ordinal);
}
