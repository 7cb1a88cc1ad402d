using DealLedger.Domain.Deals;
using DealLedger.Domain.Facts;
using DealLedger.Domain.Relations;

namespace DealLedger.Domain.Recording;

/// <summary>
/// The facts one decision has accepted so far (one fact, or the lines of an import before the current one),
/// over what the ledger holds: a fact may start a stream, refer to a fact or relate to a deal that an earlier
/// fact of the same batch recorded.
/// </summary>
internal sealed class Batch(LedgerView ledger)
{
    private readonly Dictionary<string, ParsedFact> _facts = new(StringComparer.Ordinal);
    private readonly List<ParsedFact> _inOrder = [];

    /// <summary>Fact id → the fact of this batch that retracts it.</summary>
    private readonly Dictionary<string, string> _retractions = new(StringComparer.Ordinal);

    /// <summary>Fact id → the fact of this batch that corrects it.</summary>
    private readonly Dictionary<string, string> _corrections = new(StringComparer.Ordinal);

    /// <summary>The kind of every subject this batch writes to.</summary>
    private readonly Dictionary<string, StreamKind> _kinds = new(StringComparer.Ordinal);

    /// <summary>The parties of the deals this batch names parties of, as the ledger and the batch's facts give them.</summary>
    private readonly Dictionary<string, HashSet<string>> _parties = new(StringComparer.Ordinal);

    public int Count => _inOrder.Count;

    /// <summary>The fact of this batch with this id, if any.</summary>
    public ParsedFact? Find(string factId) => _facts.GetValueOrDefault(factId);

    /// <summary>Every rule the fact must pass against the ledger and the facts accepted before it.</summary>
    public IReadOnlyList<FieldError> Check(ParsedFact fact)
    {
        var errors = LedgerRules.Check(fact, SubjectOf(fact.Subject)).Concat(CheckReferences(fact)).ToList();
        if (errors.Count == 0 && LedgerRules.ConcernsParties(fact.Event))
        {
            errors.AddRange(LedgerRules.CheckParties(fact, PartiesOf(fact.Subject)));
        }

        return errors;
    }

    /// <summary>Adds a fact that passed <see cref="Check"/>.</summary>
    public void Accept(ParsedFact fact)
    {
        _kinds.TryAdd(fact.Subject, SubjectOf(fact.Subject)?.Kind ?? fact.Type.Stream!.Value);
        _facts.Add(fact.FactId, fact);
        _inOrder.Add(fact);
        if (fact.Event is FactRetracted retracted)
        {
            _retractions.TryAdd(retracted.RetractedFactId, fact.FactId);
        }

        if (fact.Event.Fact.Corrects is { } corrected)
        {
            _corrections.TryAdd(corrected, fact.FactId);
        }

        var named = LedgerRules.PartiesNamed(fact.Event);
        if (named.Count > 0)
        {
            PartiesOf(fact.Subject).UnionWith(named);
        }
    }

    /// <summary>The accepted facts as appends, one per subject in the order subjects first appear, facts in batch order.</summary>
    public IReadOnlyList<StreamAppend> Appends() =>
        _inOrder.GroupBy(f => f.Subject, StringComparer.Ordinal)
            .Select(group =>
            {
                var facts = group.Select(f => f.Event).ToList();
                return ledger.Streams.TryGetValue(group.Key, out var state)
                    ? new StreamAppend(group.Key, state.Kind, false, state.Version + facts.Count, facts)
                    : new StreamAppend(group.Key, _kinds[group.Key], true, facts.Count, facts);
            })
            .ToList();

    /// <summary>A subject's stream, in the ledger or started by this batch (version 0: not yet written).</summary>
    private SubjectState? SubjectOf(string slug) =>
        ledger.Streams.GetValueOrDefault(slug) ?? (_kinds.TryGetValue(slug, out var kind) ? new SubjectState(kind, 0) : null);

    /// <summary>References to other facts and deals must point at something the ledger or this batch holds.</summary>
    private IReadOnlyList<FieldError> CheckReferences(ParsedFact fact) =>
        FactReferences.TargetOf(fact.Event) is { } id
            ? LedgerRules.CheckReference(fact, ReferencedOf(id))
            : LedgerRules.CheckRelation(fact, fact.Event is DealRelationReported relation ? SubjectOf(relation.Target) : null);

    /// <summary>A fact another one refers to, from this batch or the ledger, with what already retracted or corrected it.</summary>
    private ReferencedFact? ReferencedOf(string factId)
    {
        if (_facts.TryGetValue(factId, out var inBatch))
        {
            return new ReferencedFact(factId, inBatch.Type, inBatch.Subject, inBatch.Event.Fact.Source.Publisher,
                _retractions.GetValueOrDefault(factId), _corrections.GetValueOrDefault(factId));
        }

        return ledger.Referenced.GetValueOrDefault(factId) is { } recorded
            ? recorded with
            {
                RetractedBy = recorded.RetractedBy ?? _retractions.GetValueOrDefault(factId),
                CorrectedBy = recorded.CorrectedBy ?? _corrections.GetValueOrDefault(factId),
            }
            : null;
    }

    private HashSet<string> PartiesOf(string deal)
    {
        if (!_parties.TryGetValue(deal, out var parties))
        {
            parties = ledger.Parties.TryGetValue(deal, out var current)
                ? new HashSet<string>(current, StringComparer.Ordinal)
                : new HashSet<string>(StringComparer.Ordinal);
            _parties[deal] = parties;
        }

        return parties;
    }
}
