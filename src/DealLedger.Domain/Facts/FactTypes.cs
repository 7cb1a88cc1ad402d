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
            Build(d.Slug("party", true), d.Text("role", true, allowed: DealVocabulary.Roles),
                (party, role) => new DealPartyJoined(f, party, role))),
        new("deal.value-reported", typeof(DealValueReported), StreamKind.Deal, false, (d, f) =>
        {
            var term = d.Text("term", true, allowed: DealVocabulary.ValueTerms);
            var value = d.Money("value", true);
            var note = d.Text("note", false, 1000);
            return Build(term, value, (t, v) => new DealValueReported(f, t, v, note));
        }),
        new("deal.duration-reported", typeof(DealDurationReported), StreamKind.Deal, false, (d, f) =>
        {
            var months = d.PositiveInt("months", true);
            var precision = d.Text("precision", false, allowed: DealVocabulary.QuantityPrecisions) ?? "exact";
            return months is null ? null : new DealDurationReported(f, months.Value, precision);
        }),
        new("deal.start-reported", typeof(DealStartReported), StreamKind.Deal, false, (d, f) =>
            d.Effective("start", true) is { } start ? new DealStartReported(f, start) : null),
        new("deal.capacity-reported", typeof(DealCapacityReported), StreamKind.Deal, false, (d, f) =>
        {
            var gigawatts = d.Number("gigawatts", true, allowZero: false);
            var precision = d.Text("precision", false, allowed: DealVocabulary.QuantityPrecisions) ?? "exact";
            return gigawatts is null ? null : new DealCapacityReported(f, gigawatts.Value, precision);
        }),
        new("deal.milestone-reported", typeof(DealMilestoneReported), StreamKind.Deal, false, (d, f) =>
        {
            var milestone = d.Slug("milestone", true);
            var description = d.Text("description", true, 1000);
            var expected = d.Effective("expected", false);
            return Build(milestone, description, (m, text) => new DealMilestoneReported(f, m, text, expected));
        }),
        new("deal.status-changed", typeof(DealStatusChanged), StreamKind.Deal, false, (d, f) =>
        {
            var status = d.Text("status", true, allowed: DealVocabulary.Statuses);
            var reason = d.Text("reason", false, 1000);
            return status is null ? null : new DealStatusChanged(f, status, reason);
        }),
        new("deal.exclusivity-lifted", typeof(DealExclusivityLifted), StreamKind.Deal, false, (d, f) =>
            new DealExclusivityLifted(f, d.Text("reason", false, 1000))),
        new("deal.relation-reported", typeof(DealRelationReported), StreamKind.Deal, false, (d, f) =>
        {
            var relation = d.Text("relation", true, allowed: DealVocabulary.Relations);
            var target = d.Slug("target", true);
            var description = d.Text("description", false, 1000);
            return Build(relation, target, (r, t) => new DealRelationReported(f, r, t, description));
        }),
        new("estimate.reported", typeof(EstimateReported), StreamKind.Estimate, true, (d, f) =>
        {
            var party = d.Slug("party", true);
            var metric = d.Text("metric", true, allowed: EstimateVocabulary.Metrics);
            var horizon = d.Effective("horizon", true);
            var value = d.Money("value", true);
            var note = d.Text("note", false, 1000);
            return party is null || metric is null || horizon is null || value is null
                ? null
                : new EstimateReported(f, party, metric, horizon, value, note);
        }),
        new("estimate.revised", typeof(EstimateRevised), StreamKind.Estimate, false, (d, f) =>
        {
            var value = d.Money("value", true);
            var horizon = d.Effective("horizon", false);
            var statedChange = d.Money("statedChange", false, allowNegative: true);
            var note = d.Text("note", false, 1000);
            return value is null ? null : new EstimateRevised(f, value, horizon, statedChange, note);
        }),
        new("party.reported", typeof(PartyReported), StreamKind.Party, true, (d, f) =>
        {
            var name = d.Text("name", true, 200);
            var country = d.Text("country", false, 2);
            var description = d.Text("description", false, 1000);
            return name is null ? null : new PartyReported(f, name, country, description);
        }),
        new("party.executive-hired", typeof(ExecutiveHired), StreamKind.Party, true, (d, f) =>
        {
            var person = d.Text("person", true, 200);
            var role = d.Text("role", true, 200);
            var previous = d.Text("previousEmployer", false, 200);
            return Build(person, role, (p, r) => new ExecutiveHired(f, p, r, previous));
        }),
        new("fact.corroborated", typeof(FactCorroborated), null, false, (d, f) =>
            d.Text("factId", true, 200) is { } id ? new FactCorroborated(f, id) : null),
        new("fact.disputed", typeof(FactDisputed), null, false, (d, f) =>
            Build(d.Text("factId", true, 200), d.Text("reason", true, 1000), (id, reason) => new FactDisputed(f, id, reason))),
        new("fact.retracted", typeof(FactRetracted), null, false, (d, f) =>
            d.Text("factId", true, 200) is { } id ? new FactRetracted(f, id, d.Text("reason", false, 1000)) : null),
    ];

    public static readonly IReadOnlyDictionary<string, FactType> ByName =
        All.ToDictionary(t => t.Name, StringComparer.Ordinal);

    public static readonly IReadOnlyDictionary<Type, FactType> ByEventType = All.ToDictionary(t => t.EventType);

    public static FactType Of(IFact fact) => ByEventType[fact.GetType()];

    private static IFact? DealReported(JsonFields d, FactInfo f)
    {
        var title = d.Text("title", true, 300);
        var kind = d.Text("kind", true, allowed: DealVocabulary.Kinds);
        var parties = new List<DealParty>();
        foreach (var p in d.Objects("parties", true, min: 1) ?? [])
        {
            var party = p.Slug("party", true);
            var role = p.Text("role", true, allowed: DealVocabulary.Roles);
            p.RejectUnknown();
            if (party is not null && role is not null)
            {
                parties.Add(new DealParty(party, role));
            }
        }

        var status = d.Text("status", false, allowed: DealVocabulary.Statuses);
        var description = d.Text("description", false, 2000);
        return Build(title, kind, (t, k) => new DealReported(f, t, k, parties, status, description));
    }

    private static IFact? Build<TA, TB>(TA? a, TB? b, Func<TA, TB, IFact> build)
        where TA : class where TB : class =>
        a is null || b is null ? null : build(a, b);
}
