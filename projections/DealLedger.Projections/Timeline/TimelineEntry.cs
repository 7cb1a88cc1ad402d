using System.Globalization;
using DealLedger.Domain.Current;
using DealLedger.Domain.Deals;
using DealLedger.Domain.Estimates;
using DealLedger.Domain.Facts;
using DealLedger.Domain.Parties;
using DealLedger.Domain.Relations;
using DealLedger.Domain.Sources;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace DealLedger.Projections.Timeline;

/// <summary>One fact on the ledger-wide timeline, in reported-date order, with a one-line description.</summary>
public sealed record TimelineEntry(
    string Id,
    string Type,
    string Subject,
    long Sequence,
    DateOnly ReportedOn,
    Effective? Effective,
    DateOnly EffectiveFrom,
    bool AboutAnotherFact,
    Source Source,
    DateTimeOffset RecordedAt,
    string? RecordedBy,
    string Summary);

/// <summary>Async: the timeline is a cross-stream view, it may trail the writes by a moment.</summary>
public sealed partial class TimelineProjection : EventProjection
{
    public TimelineProjection()
    {
        RegisterPublishedType(typeof(TimelineEntry));
    }

    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        if (e.Data is IFact fact)
        {
            var type = FactTypes.Of(fact);
            operations.Store(new TimelineEntry(fact.Fact.FactId, type.Name, e.StreamKey!, e.Sequence,
                fact.Fact.ReportedOn, fact.Fact.Effective, fact.Fact.EffectiveFrom, type.IsAboutAnotherFact, fact.Fact.Source, FactRef.RecordedTime(e), e.UserName,
                Describe(fact)));
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>A plain-English line for a fact, for timelines and exports.</summary>
    public static string Describe(IFact fact) => (fact.Fact.Corrects is null ? "" : $"corrects {fact.Fact.Corrects}: ") + fact switch
    {
        DealReported r => $"deal reported: {r.Title} ({r.Kind}; {string.Join(", ", r.Parties.Select(p => $"{p.Party} as {p.Role}"))})",
        DealPartyJoined j => $"{j.Party} joined as {j.Role}",
        DealValueReported v => $"{v.Term}{(v.Part is null ? "" : " " + v.Part)} value: {Format(v.Value)}"
            + (v.Payer is null ? "" : $", {v.Payer} pays {v.Payee}") + (v.Consideration is null ? "" : $", in {v.Consideration}"),
        DealDirectionReported d => $"direction: {d.Payer} pays {d.Payee}",
        DealShareReported s => $"{s.Party}'s share of the {s.Term} value: "
            + string.Join(", ", new[] { s.Percent is { } p ? $"{Number(p)}%" : null, s.Value is { } v ? Format(v) : null }.OfType<string>()),
        DealStakeReported s => $"stake: {s.Holder} holds {Precision(s.Precision)}{Number(s.Percent)}% of {s.Company}"
            + (s.Dilution is null ? "" : $" ({s.Dilution})") + (s.Value is null ? "" : $", worth {Format(s.Value)}"),
        DealSecuritiesReported s => $"{s.Instrument}: {Precision(s.Precision)}{s.Count.ToString("#,0", CultureInfo.InvariantCulture)} {s.Issuer} shares for {s.Holder}"
            + (s.ExercisePrice is null ? "" : $" at {Format(s.ExercisePrice)}") + (s.Vesting.Count == 0 ? "" : $", vesting in {Steps(s.Vesting.Count)}"),
        DealQuantityReported q => $"{q.Term} quantity: {Precision(q.Precision)}{Number(q.Quantity)} {q.Unit}"
            + (q.Schedule.Count == 0 ? "" : $", scheduled in {Steps(q.Schedule.Count)}"),
        DealRightGranted g => $"{g.Right} granted by {g.Grantor} to {g.Grantee}" + (g.Scope is null ? "" : $" ({g.Scope})"),
        DealRightLifted l => $"{l.Right} granted by {l.Grantor} to {l.Grantee} lifted" + (l.ReplacedBy is null ? "" : $", replaced by {l.ReplacedBy}"),
        DealDurationReported d => $"duration: {Precision(d.Precision)}{d.Months} months",
        DealStartReported s => $"start: {s.Start.Text}",
        DealCapacityReported c => $"capacity: {Precision(c.Precision)}{c.Gigawatts.ToString(CultureInfo.InvariantCulture)} GW",
        DealMilestoneReported m => $"milestone {m.Milestone}: {m.Description}" + (m.Expected is null ? "" : $" (expected {m.Expected.Text})"),
        DealStatusChanged s => $"status: {s.Status}" + (s.Reason is null ? "" : $" ({s.Reason})"),
        DealExclusivityLifted => "exclusivity lifted",
        DealRelationReported r => $"{r.Relation} {r.Target}",
        FactCorroborated c => $"corroborates fact {c.CorroboratedFactId}",
        FactDisputed d => $"disputes fact {d.DisputedFactId}: {d.Reason}",
        FactRetracted r => $"retracts fact {r.RetractedFactId}" + (r.Reason is null ? "" : $": {r.Reason}"),
        EstimateReported e => $"{e.Metric} of {e.Party} through {e.Horizon.Text}: {Format(e.Value)}",
        EstimateRevised e => $"revised to {Format(e.Value)}" + (e.StatedChange is null ? "" : $" (stated change {Format(e.StatedChange)})"),
        PartyReported p => $"party: {p.Name}",
        ExecutiveHired h => $"hired {h.Person} as {h.Role}",
        _ => FactTypes.Of(fact).Name,
    };

    public static string Format(Money money)
    {
        if (money.Amount is not { } amount)
        {
            return $"undisclosed ({money.Currency})";
        }

        var text = $"{money.Currency} {amount.ToString("#,0.##", CultureInfo.InvariantCulture)}";
        return money.Precision switch
        {
            Money.Range => $"{text} to {money.Max!.Value.ToString("#,0.##", CultureInfo.InvariantCulture)}",
            Money.Exact => text,
            _ => $"{money.Precision} {text}",
        };
    }

    private static string Precision(string precision) => precision == "exact" ? "" : precision + " ";

    private static string Steps(int count) => count == 1 ? "1 step" : $"{count} steps";

    private static string Number(decimal number) => number.ToString("#,0.####", CultureInfo.InvariantCulture);
}
