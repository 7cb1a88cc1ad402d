using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Parties;

// Every event of a party stream. Wire names are pinned in Facts/FactTypes.cs.

/// <summary>An organisation the ledger tracks, with its display name.</summary>
public sealed record PartyReported(FactInfo Fact, string Name, string? Country, string? Description) : IFact;

/// <summary>A party hired an executive (e.g. OpenAI hiring Fidji Simo).</summary>
public sealed record ExecutiveHired(FactInfo Fact, string Person, string Role, string? PreviousEmployer) : IFact;
