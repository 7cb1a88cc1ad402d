using DealLedger.Domain.Facts;
using DealLedger.Domain.Recording;
using DealLedger.Domain.Relations;
using DealLedger.Testing;

namespace DealLedger.Domain.Tests.Recording;

/// <summary>Givens for Decide: facts as a client sends them, and the view of a ledger that holds some.</summary>
internal static class Ledger
{
    public const string Deal = "stargate-2025";

    public static ParsedFact DealReported(string factId = "d1", string publisher = "Test Wire", string subject = Deal) =>
        Envelopes.Parse(Envelopes.Deal(factId, subject, "2025-01-21", publisher));

    public static ParsedFact Value(string factId, decimal amount, string publisher = "Test Wire", string subject = Deal) =>
        Envelopes.Parse(Envelopes.Value(factId, subject, "2025-02-01", amount, publisher: publisher));

    public static ParsedFact Correction(string factId, string corrects, decimal amount, string publisher = "Test Wire")
    {
        var envelope = Envelopes.Value(factId, Deal, "2025-02-02", amount, publisher: publisher);
        envelope["corrects"] = corrects;
        return Envelopes.Parse(envelope);
    }

    public static ParsedFact About(string factId, string type, string target, string publisher = "Other Wire") =>
        Envelopes.Parse(Envelopes.Envelope(factId, type, Deal, "2025-02-03", type == "fact.disputed"
            ? new { factId = target, reason = "denied" }
            : new { factId = target }, publisher));

    public static ParsedFact Relation(string factId, string target) =>
        Envelopes.Parse(Envelopes.Envelope(factId, "deal.relation-reported", Deal, "2025-02-04", new { relation = "part-of", target }));

    public static ParsedFact PartyJoined(string factId, string party) =>
        Envelopes.Parse(Envelopes.Envelope(factId, "deal.party-joined", Deal, "2025-02-05", new { party, role = "partner" }));

    public static ParsedFact Estimate(string factId, string subject) =>
        Envelopes.Parse(Envelopes.Estimate(factId, subject, "2025-03-01", 35_000_000_000m, first: true));

    /// <summary>
    /// What <c>FactLedger.LoadAsync</c> would find in a ledger holding these facts, in log order: each subject's
    /// stream (the kind of its first fact, one version per fact), every fact by id with its content, what
    /// retracted or corrected each, and each deal's parties.
    /// </summary>
    public static LedgerView Holding(params ParsedFact[] facts)
    {
        var streams = new Dictionary<string, SubjectState>(StringComparer.Ordinal);
        var stored = new Dictionary<string, StoredFact>(StringComparer.Ordinal);
        var parties = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var fact in facts)
        {
            var state = streams.TryGetValue(fact.Subject, out var existing)
                ? existing with { Version = existing.Version + 1 }
                : new SubjectState(fact.Type.Stream!.Value, 1);
            streams[fact.Subject] = state;
            stored[fact.FactId] = new StoredFact(fact.FactId, fact.Type.Name, fact.Subject, state.Version, EventId(stored.Count), fact.Event);
            if (!parties.TryGetValue(fact.Subject, out var named))
            {
                parties[fact.Subject] = named = new HashSet<string>(StringComparer.Ordinal);
            }

            named.UnionWith(LedgerRules.PartiesNamed(fact.Event));
        }

        var referenced = facts.ToDictionary(f => f.FactId, f => new ReferencedFact(f.FactId, f.Type, f.Subject, f.Event.Fact.Source.Publisher,
            facts.FirstOrDefault(r => r.Event is FactRetracted retracted && retracted.RetractedFactId == f.FactId)?.FactId,
            facts.FirstOrDefault(c => c.Event.Fact.Corrects == f.FactId)?.FactId), StringComparer.Ordinal);
        return new LedgerView
        {
            Streams = streams,
            Stored = stored,
            Referenced = referenced,
            Parties = parties.Where(p => streams[p.Key].Kind == StreamKind.Deal)
                .ToDictionary(p => p.Key, p => (IReadOnlySet<string>)p.Value, StringComparer.Ordinal),
        };
    }

    public static Guid EventId(int index) => new(index + 1, 0, 0, new byte[8]);
}
