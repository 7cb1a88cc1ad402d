using DealLedger.Domain.Deals;
using DealLedger.Domain.Facts;
using DealLedger.Domain.Parties;
using DealLedger.Domain.Relations;
using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Audit;

/// <summary>
/// What counts as a change between the subject as known before a <see cref="ReportedWindow"/> and at its end, and
/// what each fact reported within it says happened. The states compared come from the read models' folds.
/// </summary>
public static class ChangeDetection
{
    /// <summary>The subject's kind as its facts tell it: a deal if any fact is a deal's, else an estimate if any is an estimate's.</summary>
    public static StreamKind? KindOf(IEnumerable<IFact> facts)
    {
        var kinds = facts.Select(f => FactTypes.Of(f).Stream).ToHashSet();
        return kinds.Contains(StreamKind.Deal) ? StreamKind.Deal : kinds.Contains(StreamKind.Estimate) ? StreamKind.Estimate : null;
    }

    /// <summary>
    /// How a deal term changed: <paramref name="before"/> is its current value before the window, <paramref name="after"/>
    /// at its end (null: none is live, every report retracted or corrected). No change when the value is the
    /// same (<paramref name="same"/>), or when there was none and there still is no sourced one.
    /// </summary>
    public static string? OfTerm<TValue>(TValue? before, TValue? after, bool afterHasSource, bool isStatus, Func<TValue, TValue, bool> same)
        where TValue : class
    {
        if ((before is not null && after is not null && same(before, after)) || (before is null && !afterHasSource))
        {
            return null;
        }

        return before is null ? ChangeKinds.NewTerm : after is null ? ChangeKinds.Withdrawn : isStatus ? ChangeKinds.StatusChanged : ChangeKinds.Revised;
    }

    /// <summary>
    /// How an estimate changed, by the facts its current value came from before the window and at its end: another
    /// fact with another value is a revision; the same value again (a restatement or a corroboration, see
    /// <see cref="Sources.Repeats"/>) changes nothing; none at the end is no change.
    /// </summary>
    public static string? OfEstimate(string? beforeFactId, string? afterFactId, bool sameValue) =>
        afterFactId is null || afterFactId == beforeFactId || (beforeFactId is not null && sameValue)
            ? null
            : beforeFactId is null ? ChangeKinds.NewTerm : ChangeKinds.Revised;

    /// <summary>What a fact reported within the window says happened by itself, beyond changing a value; null for a plain report of a value.</summary>
    public static string? OfFact(IFact fact) => fact switch
    {
        FactCorroborated => ChangeKinds.Corroborated,
        FactDisputed => ChangeKinds.Disputed,
        FactRetracted => ChangeKinds.Retracted,
        DealRelationReported => ChangeKinds.Relation,
        DealMilestoneReported => ChangeKinds.Milestone,
        DealPartyJoined => ChangeKinds.PartyJoined,
        ExecutiveHired or PartyReported => ChangeKinds.Reported,
        { Fact.Corrects: not null } => ChangeKinds.Corrected,
        _ => null,
    };
}

/// <summary>The kinds of change a change answer lists (its <c>change</c> column).</summary>
public static class ChangeKinds
{
    public const string Reported = "reported";
    public const string NewTerm = "new-term";
    public const string Revised = "revised";
    public const string Withdrawn = "withdrawn";
    public const string StatusChanged = "status-changed";
    public const string Corroborated = "corroborated";
    public const string Disputed = "disputed";
    public const string Retracted = "retracted";
    public const string Corrected = "corrected";
    public const string Relation = "relation";
    public const string Milestone = "milestone";
    public const string PartyJoined = "party-joined";
}
