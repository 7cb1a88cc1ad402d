using DealLedger.Domain.Relations;
using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Current;

/// <summary>
/// The one fold of facts about facts, shared by every subject's read model: a correction marks the fact it
/// corrects, a retraction the fact it withdraws, a corroboration or a dispute adds its publisher to the
/// fact it is about. Subjects keep their own extras (a deal's list of disputes) beside it.
/// </summary>
public static class FactStatuses
{
    /// <summary>Applies one fact; returns the ids of the facts whose status it changed (none for most facts).</summary>
    public static IReadOnlyList<string> Apply(IDictionary<string, FactStatus> statuses, IFact fact)
    {
        IReadOnlyList<string> changed = [];
        if (fact.Fact.Corrects is { } corrected)
        {
            var status = StatusOf(statuses, corrected);
            status.State = FactStatus.Corrected;
            status.CorrectedBy = fact.Fact.FactId;
            changed = [corrected];
        }

        switch (fact)
        {
            case FactCorroborated corroborated:
                StatusOf(statuses, corroborated.CorroboratedFactId).CorroboratedBy.Add(fact.Fact.Source.Publisher);
                return [.. changed, corroborated.CorroboratedFactId];
            case FactDisputed disputed:
                StatusOf(statuses, disputed.DisputedFactId).DisputedBy.Add(fact.Fact.Source.Publisher);
                return [.. changed, disputed.DisputedFactId];
            case FactRetracted retracted:
                var status = StatusOf(statuses, retracted.RetractedFactId);
                status.State = FactStatus.Retracted;
                status.RetractedBy = fact.Fact.FactId;
                return [.. changed, retracted.RetractedFactId];
            default:
                return changed;
        }
    }

    /// <summary>The facts whose status <see cref="Apply"/> may change for this fact (what it corrects, and what it is about).</summary>
    public static IEnumerable<string> TargetsOf(IFact fact)
    {
        if (fact.Fact.Corrects is { } corrected)
        {
            yield return corrected;
        }

        if (fact switch
            {
                FactCorroborated c => c.CorroboratedFactId,
                FactDisputed d => d.DisputedFactId,
                FactRetracted r => r.RetractedFactId,
                _ => null,
            } is { } target)
        {
            yield return target;
        }
    }

    /// <summary>A status that can be changed without changing this one.</summary>
    public static FactStatus Copy(FactStatus status) => new()
    {
        State = status.State,
        CorrectedBy = status.CorrectedBy,
        RetractedBy = status.RetractedBy,
        CorroboratedBy = [.. status.CorroboratedBy],
        DisputedBy = [.. status.DisputedBy],
    };

    private static FactStatus StatusOf(IDictionary<string, FactStatus> statuses, string factId)
    {
        if (!statuses.TryGetValue(factId, out var status))
        {
            statuses[factId] = status = new FactStatus();
        }

        return status;
    }
}
