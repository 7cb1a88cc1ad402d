using DealLedger.Domain.Deals;
using DealLedger.Domain.Estimates;
using DealLedger.Domain.Parties;
using DealLedger.Domain.Relations;
using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Facts;

public enum StreamKind
{
    Deal,
    Estimate,
    Party,
}

/// <summary>
/// One entry of the fact vocabulary: its wire name (also the event's stored type name, pinned forever),
/// the event record behind it, the kind of stream it belongs to (null: a fact about another fact, valid on
/// any stream), whether it may start that stream, and how its <c>data</c> object is read.
/// </summary>
public sealed record FactType(
    string Name,
    Type EventType,
    StreamKind? Stream,
    bool MayStartStream,
    Func<JsonFields, FactInfo, IFact?> ReadData)
{
    /// <summary>True for corroborations, disputes and retractions.</summary>
    public bool IsAboutAnotherFact => Stream is null;
}

/// <summary>The whole vocabulary. Names here are contracts: never rename one, only add new ones.</summary>
public static class FactTypes
{
    public static readonly IReadOnlyList<FactType> All =
    [
        new("deal.reported", typeof(DealReported), StreamKind.Deal, true, DealReported),
        new("deal.party-joined", typeof(DealPartyJoined), StreamKind.Deal, false, (d, f) =>
            Build(d.Slug("party", true), d.Word("role", true, DealVocabulary.Roles),
                (party, role) => new DealPartyJoined(f, party, role))),
        new("deal.value-reported", typeof(DealValueReported), StreamKind.Deal, false, (d, f) =>
        {
            var term = d.Word("term", true, DealVocabulary.ValueTerms);
            var value = d.Money("value", true);
            var note = d.Text("note", false, FactLimits.Note);
            return Build(term, value, (t, v) => new DealValueReported(f, t, v, note));
        }),
        new("deal.duration-reported", typeof(DealDurationReported), StreamKind.Deal, false, (d, f) =>
        {
            var months = d.Whole("months", true, FactLimits.DurationMonths);
            var precision = d.Word("precision", false, DealVocabulary.QuantityPrecisions) ?? "exact";
            return months is null ? null : new DealDurationReported(f, months.Value, precision);
        }),
        new("deal.start-reported", typeof(DealStartReported), StreamKind.Deal, false, (d, f) =>
            d.Effective("start", true) is { } start ? new DealStartReported(f, start) : null),
        new("deal.capacity-reported", typeof(DealCapacityReported), StreamKind.Deal, false, (d, f) =>
        {
            var gigawatts = d.Number("gigawatts", true, FactLimits.Gigawatts);
            var precision = d.Word("precision", false, DealVocabulary.QuantityPrecisions) ?? "exact";
            return gigawatts is null ? null : new DealCapacityReported(f, gigawatts.Value, precision);
        }),
        new("deal.milestone-reported", typeof(DealMilestoneReported), StreamKind.Deal, false, (d, f) =>
        {
            var milestone = d.Slug("milestone", true);
            var description = d.Text("description", true, FactLimits.Note);
            var expected = d.Effective("expected", false);
            return Build(milestone, description, (m, text) => new DealMilestoneReported(f, m, text, expected));
        }),
        new("deal.status-changed", typeof(DealStatusChanged), StreamKind.Deal, false, (d, f) =>
        {
            var status = d.Word("status", true, DealVocabulary.Statuses);
            var reason = d.Text("reason", false, FactLimits.Note);
            return status is null ? null : new DealStatusChanged(f, status, reason);
        }),
        new("deal.exclusivity-lifted", typeof(DealExclusivityLifted), StreamKind.Deal, false, (d, f) =>
            new DealExclusivityLifted(f, d.Text("reason", false, FactLimits.Note))),
        new("deal.relation-reported", typeof(DealRelationReported), StreamKind.Deal, false, (d, f) =>
        {
            var relation = d.Word("relation", true, DealVocabulary.Relations);
            var target = d.Slug("target", true);
            var description = d.Text("description", false, FactLimits.Note);
            return Build(relation, target, (r, t) => new DealRelationReported(f, r, t, description));
        }),
        new("estimate.reported", typeof(EstimateReported), StreamKind.Estimate, true, (d, f) =>
        {
            var party = d.Slug("party", true);
            var metric = d.Word("metric", true, EstimateVocabulary.Metrics);
            var horizon = d.Effective("horizon", true);
            var value = d.Money("value", true);
            var note = d.Text("note", false, FactLimits.Note);
            return party is null || metric is null || horizon is null || value is null
                ? null
                : new EstimateReported(f, party, metric, horizon, value, note);
        }),
        new("estimate.revised", typeof(EstimateRevised), StreamKind.Estimate, false, (d, f) =>
        {
            var value = d.Money("value", true);
            var horizon = d.Effective("horizon", false);
            var statedChange = d.Money("statedChange", false, FactLimits.StatedChange);
            var note = d.Text("note", false, FactLimits.Note);
            return value is null ? null : new EstimateRevised(f, value, horizon, statedChange, note);
        }),
        new("party.reported", typeof(PartyReported), StreamKind.Party, true, (d, f) =>
        {
            var name = d.Text("name", true, FactLimits.Name);
            var country = d.Text("country", false, FactLimits.Country);
            var description = d.Text("description", false, FactLimits.Description);
            return name is null ? null : new PartyReported(f, name, country, description);
        }),
        new("party.executive-hired", typeof(ExecutiveHired), StreamKind.Party, true, (d, f) =>
        {
            var person = d.Text("person", true, FactLimits.Name);
            var role = d.Text("role", true, FactLimits.Name);
            var previous = d.Text("previousEmployer", false, FactLimits.Name);
            return Build(person, role, (p, r) => new ExecutiveHired(f, p, r, previous));
        }),
        new("fact.corroborated", typeof(FactCorroborated), null, false, (d, f) =>
            d.Text("factId", true, FactLimits.FactId) is { } id ? new FactCorroborated(f, id) : null),
        new("fact.disputed", typeof(FactDisputed), null, false, (d, f) =>
            Build(d.Text("factId", true, FactLimits.FactId), d.Text("reason", true, FactLimits.Note), (id, reason) => new FactDisputed(f, id, reason))),
        new("fact.retracted", typeof(FactRetracted), null, false, (d, f) =>
            d.Text("factId", true, FactLimits.FactId) is { } id ? new FactRetracted(f, id, d.Text("reason", false, FactLimits.Note)) : null),
    ];

    public static readonly IReadOnlyDictionary<string, FactType> ByName =
        All.ToDictionary(t => t.Name, StringComparer.Ordinal);

    public static readonly IReadOnlyDictionary<Type, FactType> ByEventType = All.ToDictionary(t => t.EventType);

    public static FactType Of(IFact fact) => ByEventType[fact.GetType()];

    private static IFact? DealReported(JsonFields d, FactInfo f)
    {
        var title = d.Text("title", true, FactLimits.DealTitle);
        var kind = d.Word("kind", true, DealVocabulary.Kinds);
        var parties = new List<DealParty>();
        foreach (var p in d.Objects("parties", true, FactLimits.PartiesPerReport) ?? [])
        {
            var party = p.Slug("party", true);
            var role = p.Word("role", true, DealVocabulary.Roles);
            p.RejectUnknown();
            if (party is not null && role is not null)
            {
                parties.Add(new DealParty(party, role));
            }
        }

        var status = d.Word("status", false, DealVocabulary.Statuses);
        var description = d.Text("description", false, FactLimits.Description);
        return Build(title, kind, (t, k) => new DealReported(f, t, k, parties, status, description));
    }

    private static IFact? Build<TA, TB>(TA? a, TB? b, Func<TA, TB, IFact> build)
        where TA : class where TB : class =>
        a is null || b is null ? null : build(a, b);
}
