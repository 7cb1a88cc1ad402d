using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Estimates;

// Every event of an estimate stream. Wire names are pinned in Facts/FactTypes.cs.

/// <summary>
/// The first value of an estimate: a figure (metric) about a party over a horizon, e.g. OpenAI's cash burn
/// through 2029.
/// </summary>
public sealed record EstimateReported(
    FactInfo Fact,
    string Party,
    string Metric,
    Effective Horizon,
    Money Value,
    string? Note) : IFact;

/// <summary>
/// A new value of the estimate. <see cref="StatedChange"/> keeps the change as the source worded it
/// ("$80B more than the previous estimate"); the read model computes its own delta and ratio.
/// </summary>
public sealed record EstimateRevised(
    FactInfo Fact,
    Money Value,
    Effective? Horizon,
    Money? StatedChange,
    string? Note) : IFact;

public static class EstimateVocabulary
{
    public static readonly IReadOnlySet<string> Metrics = new HashSet<string>(StringComparer.Ordinal)
    {
        "cash-burn", "annualized-revenue", "revenue", "valuation", "capital-expenditure", "compute-spend",
        "funding-need",
    };
}
