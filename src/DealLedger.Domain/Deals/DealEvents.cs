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

/// <summary>A money term of a deal: its total value, its first-year value, its annual value.</summary>
public sealed record DealValueReported(FactInfo Fact, string Term, Money Value, string? Note) : IFact;

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
        "rumored", "announced", "signed", "in-progress", "stalled", "cancelled", "completed");

    public static readonly IReadOnlySet<string> ValueTerms = Set("total", "first-year", "annual");

    public static readonly IReadOnlySet<string> Relations = Set(
        "substitutes", "partly-substitutes", "part-of", "expands", "builds-on", "related-to");

    /// <summary>Precision words for non-money quantities (duration, capacity).</summary>
    public static readonly IReadOnlySet<string> QuantityPrecisions = Set("exact", "about", "up-to", "at-least");

    private static HashSet<string> Set(params string[] words) => new(words, StringComparer.Ordinal);
}
