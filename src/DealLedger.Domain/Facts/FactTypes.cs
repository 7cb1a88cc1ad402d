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
        new("deal.value-reported", typeof(DealValueReported), StreamKind.Deal, false, ReadValue),
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

        // Added with issue 10 (what deals really say); appended so the list only grows.
        new("deal.direction-reported", typeof(DealDirectionReported), StreamKind.Deal, false, (d, f) =>
        {
            var (payer, payee) = Flow(d, true);
            var note = d.Text("note", false, FactLimits.Note);
            return Build(payer, payee, (from, to) => new DealDirectionReported(f, from, to, note));
        }),
        new("deal.share-reported", typeof(DealShareReported), StreamKind.Deal, false, (d, f) =>
        {
            var party = d.Slug("party", true);
            var term = d.Word("term", false, DealVocabulary.ValueTerms) ?? "total";
            var percent = d.Number("percent", false, FactLimits.Percent);
            var value = d.Money("value", false);
            var note = d.Text("note", false, FactLimits.Note);
            if (!d.Has("percent") && !d.Has("value"))
            {
                d.Error("percent", "a share gives a percent of the figure, a value, or both");
            }

            return party is null || (percent is null && value is null) ? null : new DealShareReported(f, party, term, percent, value, note);
        }),
        new("deal.stake-reported", typeof(DealStakeReported), StreamKind.Deal, false, (d, f) =>
        {
            var holder = d.Slug("holder", true);
            var company = d.Slug("company", true);
            var percent = d.Number("percent", true, FactLimits.Percent);
            var precision = d.Word("precision", false, DealVocabulary.QuantityPrecisions) ?? "exact";
            var dilution = d.Word("dilution", false, DealVocabulary.Dilutions);
            var value = d.Money("value", false);
            var note = d.Text("note", false, FactLimits.Note);
            return holder is null || company is null || percent is null
                ? null
                : new DealStakeReported(f, holder, company, percent.Value, precision, dilution, value, note);
        }),
        new("deal.securities-reported", typeof(DealSecuritiesReported), StreamKind.Deal, false, ReadSecurities),
        new("deal.quantity-reported", typeof(DealQuantityReported), StreamKind.Deal, false, ReadQuantity),
        new("deal.right-granted", typeof(DealRightGranted), StreamKind.Deal, false, (d, f) =>
        {
            var right = d.Word("right", true, DealVocabulary.Rights);
            var grantor = d.Slug("grantor", true);
            var grantee = d.Slug("grantee", true);
            var scope = d.Text("scope", false, FactLimits.Note);
            var period = d.Effective("period", false);
            return right is null || grantor is null || grantee is null ? null : new DealRightGranted(f, right, grantor, grantee, scope, period);
        }),
        new("deal.right-lifted", typeof(DealRightLifted), StreamKind.Deal, false, (d, f) =>
        {
            var right = d.Word("right", true, DealVocabulary.Rights);
            var grantor = d.Slug("grantor", true);
            var grantee = d.Slug("grantee", true);
            var replacedBy = d.Text("replacedBy", false, FactLimits.Note);
            var reason = d.Text("reason", false, FactLimits.Note);
            return right is null || grantor is null || grantee is null ? null : new DealRightLifted(f, right, grantor, grantee, replacedBy, reason);
        }),
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

    private static DealValueReported? ReadValue(JsonFields d, FactInfo f)
    {
        var term = d.Word("term", true, DealVocabulary.ValueTerms);
        var value = d.Money("value", true);
        var note = d.Text("note", false, FactLimits.Note);
        var (payer, payee) = Flow(d, false);
        var consideration = d.Word("consideration", false, DealVocabulary.Considerations);
        var part = d.Slug("part", false);
        if (part is not null && term is not null && term is not ("tranche" or "first-phase"))
        {
            d.Error("part", $"names one tranche or phase: only allowed with the terms 'tranche' and 'first-phase', not '{term}'");
        }

        return term is null || value is null ? null : new DealValueReported(f, term, value, note, payer, payee, consideration, part);
    }

    private static DealSecuritiesReported? ReadSecurities(JsonFields d, FactInfo f)
    {
        var instrument = d.Word("instrument", true, DealVocabulary.Instruments);
        var count = d.Number("count", true, FactLimits.SecurityCount);
        var precision = d.Word("precision", false, DealVocabulary.QuantityPrecisions) ?? "exact";
        var issuer = d.Slug("issuer", true);
        var holder = d.Slug("holder", true);
        var exercisePrice = d.Money("exercisePrice", false);
        var expires = d.Effective("expires", false);
        var vesting = new List<VestingStep>();
        foreach (var step in d.Objects("vesting", false, FactLimits.ScheduleSteps) ?? [])
        {
            var milestone = step.Text("milestone", true, FactLimits.Note);
            var stepCount = step.Number("count", false, FactLimits.SecurityCount);
            var expected = step.Effective("expected", false);
            step.RejectUnknown();
            if (milestone is not null)
            {
                vesting.Add(new VestingStep(milestone, (long?)stepCount, expected));
            }
        }

        var note = d.Text("note", false, FactLimits.Note);
        return instrument is null || count is null || issuer is null || holder is null
            ? null
            : new DealSecuritiesReported(f, instrument, (long)count.Value, precision, issuer, holder, exercisePrice, expires, vesting, note);
    }

    private static DealQuantityReported? ReadQuantity(JsonFields d, FactInfo f)
    {
        var unit = d.Text("unit", true, FactLimits.Word, DealVocabulary.QuantityUnits);
        var quantity = d.Number("quantity", true, FactLimits.Quantity);
        var precision = d.Word("precision", false, DealVocabulary.QuantityPrecisions) ?? "exact";
        var term = d.Word("term", false, DealVocabulary.QuantityTerms) ?? "total";
        var schedule = new List<ScheduledQuantity>();
        foreach (var step in d.Objects("schedule", false, FactLimits.ScheduleSteps) ?? [])
        {
            var period = step.Effective("period", true);
            var stepQuantity = step.Number("quantity", true, FactLimits.Quantity);
            step.RejectUnknown();
            if (period is not null && stepQuantity is not null)
            {
                schedule.Add(new ScheduledQuantity(period, stepQuantity.Value));
            }
        }

        if (quantity is not null && schedule.Count > 0 && schedule.Sum(s => s.Quantity) > quantity && precision is "exact" or "up-to")
        {
            d.Error("schedule", $"its steps add up to {schedule.Sum(s => s.Quantity):#,0.###}, more than the quantity {quantity:#,0.###}");
        }

        var note = d.Text("note", false, FactLimits.Note);
        return unit is null || quantity is null ? null : new DealQuantityReported(f, unit, quantity.Value, precision, term, schedule, note);
    }

    /// <summary>Reads payer and payee: both or neither, and not the same party.</summary>
    private static (string? Payer, string? Payee) Flow(JsonFields d, bool required)
    {
        var payer = d.Slug("payer", required);
        var payee = d.Slug("payee", required);
        if (!required && d.Has("payer") != d.Has("payee"))
        {
            d.Error(d.Has("payer") ? "payee" : "payer", "payer and payee are given together (who pays whom)");
            return (null, null);
        }

        if (payer is not null && payer == payee)
        {
            d.Error("payee", "must differ from the payer");
            return (null, null);
        }

        return (payer, payee);
    }

    private static IFact? Build<TA, TB>(TA? a, TB? b, Func<TA, TB, IFact> build)
        where TA : class where TB : class =>
        a is null || b is null ? null : build(a, b);
}
