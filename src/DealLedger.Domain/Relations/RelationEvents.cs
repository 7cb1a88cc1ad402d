using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Relations;

// Facts about other facts. They reference an earlier fact of the same subject by its fact id and never edit
// it: the read models mark the earlier fact and recompute what is current. A correction is not here: it is
// a fact of the corrected fact's own type whose envelope names the fact it corrects (FactInfo.Corrects).

/// <summary>Another source reports the same thing as an earlier fact.</summary>
public sealed record FactCorroborated(FactInfo Fact, string CorroboratedFactId) : IFact;

/// <summary>A source contradicts an earlier fact (e.g. the article disputing the company's Stargate claim).</summary>
public sealed record FactDisputed(FactInfo Fact, string DisputedFactId, string Reason) : IFact;

/// <summary>An earlier fact is withdrawn; current state falls back to the best remaining value.</summary>
public sealed record FactRetracted(FactInfo Fact, string RetractedFactId, string? Reason) : IFact;

/// <summary>The id of the fact a relation fact points at, if it is one.</summary>
public static class FactReferences
{
    public static string? TargetOf(IFact fact) => fact switch
    {
        FactCorroborated c => c.CorroboratedFactId,
        FactDisputed d => d.DisputedFactId,
        FactRetracted r => r.RetractedFactId,
        _ => fact.Fact.Corrects,
    };
}
