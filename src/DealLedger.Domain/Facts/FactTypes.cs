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
/// One entry of the fact vocabulary: its wire name (also the event's stored type name, pinned forever), the event
/// record behind it, the kind of stream it belongs to (null: a fact about another fact, valid on any stream), whether
/// it may start that stream, what it means, the shape of its <c>data</c> (fields and rules) and how a fact without
/// errors becomes its event.
/// </summary>
public sealed record FactType(
    string Name,
    Type EventType,
    StreamKind? Stream,
    bool MayStartStream,
    string Description,
    Shape Data,
    Func<JsonFields, FactInfo, IFact> Build)
{
    /// <summary>True for corroborations, disputes and retractions.</summary>
    public bool IsAboutAnotherFact => Stream is null;

    /// <summary>The type's name in schemas and generated clients, from its wire name: <c>deal.party-joined</c> is <c>DealPartyJoined</c>.</summary>
    public string SchemaName { get; } = string.Concat(Name.Split('.', '-').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
}

/// <summary>
/// The whole vocabulary, and the one description of each type's data: the parser reads it, the JSON Schema and the
/// OpenAPI document are exported from it, docs/facts.md lists it. Names here are contracts: never rename one, only
/// add new ones.
/// </summary>
public static class FactTypes
{
    private static readonly Field Note = Field.Text("note", FactLimits.Note, "Context, in a sentence or two.");
    private static readonly Field Reason = Field.Text("reason", FactLimits.Note, "Why, in a sentence or two.");
    private static readonly Field Precision = Field.Word("precision", DealVocabulary.QuantityPrecisions, "How precise the source was.")
        .Defaulting("exact");

    private static readonly Field FactId = Field.Text("factId", FactLimits.FactId, "The earlier fact's id; a fact of the same subject.")
        .Required();

    private static readonly Shape PartyRole = new("FactDealParty", "A party of the deal and its role.",
        Field.Slug("party", "The party's slug (e.g. openai).").Required(),
        Field.Word("role", DealVocabulary.Roles, "Its role in the deal.").Required());

    private static readonly Shape VestingStep = new("FactVestingStep", "One vesting step of securities.",
        Field.Text("milestone", FactLimits.Note, "What must happen, in words.").Required(),
        Field.Number("count", FactLimits.SecurityCount, "How many of the securities vest on it."),
        Field.Period("expected", "When it is expected."));

    private static readonly Shape ScheduleStep = new("FactScheduleStep", "The part of a quantity due in one period.",
        Field.Period("period", "When this part is due.").Required(),
        Field.Number("quantity", FactLimits.Quantity, "How much is due then, in the quantity's unit.").Required());

    private static readonly FieldRule PayeeIsNotPayer = new("the payee differs from the payer", d =>
    {
        if (d.OptionalText("payer") is { } payer && payer == d.OptionalText("payee"))
        {
            d.Error("payee", "must differ from the payer");
        }
    });

    public static readonly IReadOnlyList<FactType> All =
    [
        Type("deal.reported", StreamKind.Deal, true,
            "A source reports that a deal exists, its kind, parties and roles. Starts a deal stream; on an existing deal it is another " +
            "report of the same deal (its parties are merged).",
            [
                Field.Text("title", FactLimits.DealTitle, "The deal's headline.").Required(),
                Field.Word("kind", DealVocabulary.Kinds, "What kind of deal it is.").Required(),
                Field.List("parties", () => PartyRole, FactLimits.PartiesPerReport, "The parties the report names, each with its role.").Required(),
                Field.Word("status", DealVocabulary.Statuses, "Its status as reported."),
                Field.Text("description", FactLimits.Description, "A paragraph about the deal; the source holds the rest."),
            ],
            (d, f) => new DealReported(f, d.Text("title"), d.Text("kind"), d.List("parties", p => new DealParty(p.Text("party"), p.Text("role"))),
                d.OptionalText("status"), d.OptionalText("description"))),
        Type("deal.party-joined", StreamKind.Deal, false, "A party is reported to have joined the deal (e.g. SoftBank as a Stargate partner).",
            [Field.Slug("party", "The party that joined.").Required(), Field.Word("role", DealVocabulary.Roles, "Its role in the deal.").Required()],
            (d, f) => new DealPartyJoined(f, d.Text("party"), d.Text("role"))),
        Type("deal.value-reported", StreamKind.Deal, false,
            "A money figure of the deal. Each scope and part is its own term with its own revision chain (the summary's total-value, " +
            "first-year-value, annual-value, tranche-value:series-a... terms), so a partial figure (a first phase, what is committed so far, " +
            "a tranche) never revises the headline total. When payer and payee are not given, read models derive who pays whom from the " +
            "deal's kind and roles where that is unambiguous (docs/read-models.md, Party exposure).",
            [
                Field.Word("term", DealVocabulary.ValueTerms, "The figure's scope: the headline total, the first year, a year, one tranche, " +
                    "what is committed so far, a first phase.").Required(),
                Field.Money("value", "The figure.").Required(),
                Note,
                Field.Slug("payer", "Who pays: a party of the deal."),
                Field.Slug("payee", "Who is paid: a party of the deal."),
                Field.Word("consideration", DealVocabulary.Considerations, "What is paid; cash when absent."),
                Field.Slug("part", "Names one tranche or phase (e.g. series-a), with the terms tranche and first-phase."),
            ],
            (d, f) => new DealValueReported(f, d.Text("term"), d.Money("value"), d.OptionalText("note"), d.OptionalText("payer"),
                d.OptionalText("payee"), d.OptionalText("consideration"), d.OptionalText("part")),
            new FieldRule("payer and payee are given together", d =>
            {
                if (d.Has("payer") != d.Has("payee"))
                {
                    d.Error(d.Has("payer") ? "payee" : "payer", "payer and payee are given together (who pays whom)");
                }
            }),
            PayeeIsNotPayer,
            new FieldRule("a part is named only with the terms tranche and first-phase", d =>
            {
                if (d.OptionalText("part") is not null && d.OptionalText("term") is { } term && term is not ("tranche" or "first-phase"))
                {
                    d.Error("part", $"names one tranche or phase: only allowed with the terms 'tranche' and 'first-phase', not '{term}'");
                }
            })),
        Type("deal.duration-reported", StreamKind.Deal, false, "How long the deal runs.",
            [Field.Number("months", FactLimits.DurationMonths, "The duration in months.").Required(), Precision],
            (d, f) => new DealDurationReported(f, (int)d.Number("months"), d.Text("precision"))),
        Type("deal.start-reported", StreamKind.Deal, false, "When the deal starts (or started).",
            [Field.Period("start", "When the deal starts.").Required()],
            (d, f) => new DealStartReported(f, d.Period("start"))),
        Type("deal.capacity-reported", StreamKind.Deal, false, "Power capacity the deal covers.",
            [Field.Number("gigawatts", FactLimits.Gigawatts, "The capacity in gigawatts.").Required(), Precision],
            (d, f) => new DealCapacityReported(f, d.Number("gigawatts"), d.Text("precision"))),
        Type("deal.milestone-reported", StreamKind.Deal, false, "A milestone of the deal (production start, first delivery...) and when it is expected.",
            [
                Field.Slug("milestone", "The milestone, e.g. production-start.").Required(),
                Field.Text("description", FactLimits.Note, "What the milestone is, in words.").Required(),
                Field.Period("expected", "When it is expected."),
            ],
            (d, f) => new DealMilestoneReported(f, d.Text("milestone"), d.Text("description"), d.OptionalPeriod("expected"))),
        Type("deal.status-changed", StreamKind.Deal, false,
            "The deal moved to a new status. The deal's status history keeps every stage; the summary marks letter-of-intent, " +
            "memorandum-of-understanding and term-sheet as non-binding (no one is bound to the terms yet) and signed, in-progress and " +
            "completed as binding.",
            [Field.Word("status", DealVocabulary.Statuses, "The new status.").Required(), Reason],
            (d, f) => new DealStatusChanged(f, d.Text("status"), d.OptionalText("reason"))),
        Type("deal.exclusivity-lifted", StreamKind.Deal, false,
            "An exclusivity the deal granted no longer holds; the fact's effective time says since when.",
            [Reason],
            (d, f) => new DealExclusivityLifted(f, d.OptionalText("reason"))),
        Type("deal.relation-reported", StreamKind.Deal, false, "This deal relates to another: it substitutes (partly) for it, is part of it, expands it...",
            [
                Field.Word("relation", DealVocabulary.Relations, "How this deal relates to the target.").Required(),
                Field.Slug("target", "The other deal: one the ledger knows, not the subject itself.").Required(),
                Field.Text("description", FactLimits.Note, "The relation in words."),
            ],
            (d, f) => new DealRelationReported(f, d.Text("relation"), d.Text("target"), d.OptionalText("description"))),
        Type("estimate.reported", StreamKind.Estimate, true,
            "The first value of an estimate: a figure (metric) about a party over a horizon, e.g. OpenAI's cash burn through 2029. " +
            "Starts an estimate stream.",
            [
                Field.Slug("party", "The party the estimate is about.").Required(),
                Field.Word("metric", EstimateVocabulary.Metrics, "What is estimated.").Required(),
                Field.Period("horizon", "The period the figure covers.").Required(),
                Field.Money("value", "The figure.").Required(),
                Note,
            ],
            (d, f) => new EstimateReported(f, d.Text("party"), d.Text("metric"), d.Period("horizon"), d.Money("value"), d.OptionalText("note"))),
        Type("estimate.revised", StreamKind.Estimate, false,
            "A new value of the estimate; the read model computes its own delta and ratio to the previous one.",
            [
                Field.Money("value", "The new figure.").Required(),
                Field.Period("horizon", "The new horizon, when the source changed it."),
                Field.Nested("statedChange", () => FactShapes.MoneyChange, "The change as the source worded it (\"$80B more\")."),
                Note,
            ],
            (d, f) => new EstimateRevised(f, d.Money("value"), d.OptionalPeriod("horizon"),
                d.OptionalNested("statedChange") is { } change ? FactShapes.ToMoney(change) : null, d.OptionalText("note"))),
        Type("party.reported", StreamKind.Party, true, "An organisation the ledger tracks, with its display name. May start a party stream.",
            [
                Field.Text("name", FactLimits.Name, "Its display name.").Required(),
                Field.Text("country", FactLimits.Country, "Its country: an ISO 3166 alpha-2 code (US, FR...)."),
                Field.Text("description", FactLimits.Description, "A paragraph about it."),
            ],
            (d, f) => new PartyReported(f, d.Text("name"), d.OptionalText("country"), d.OptionalText("description"))),
        Type("party.executive-hired", StreamKind.Party, true, "The party hired an executive. May start a party stream.",
            [
                Field.Text("person", FactLimits.Name, "Who was hired.").Required(),
                Field.Text("role", FactLimits.Name, "The role they were hired for.").Required(),
                Field.Text("previousEmployer", FactLimits.Name, "Where they worked before."),
            ],
            (d, f) => new ExecutiveHired(f, d.Text("person"), d.Text("role"), d.OptionalText("previousEmployer"))),
        Type("fact.corroborated", null, false,
            "Another source reports the same thing as an earlier fact of the same subject; the summary lists it after the first reporter " +
            "(\"first reported by X, also by Y\"). A source does not corroborate its own fact (a 422 on data.factId): to repeat a value, " +
            "it records it again as a new report; a self-corroboration already in an older ledger is not counted in /sources.",
            [FactId],
            (d, f) => new FactCorroborated(f, d.Text("factId"))),
        Type("fact.disputed", null, false,
            "A source contradicts an earlier fact of the same subject; the fact stays live but is flagged, and the deal's " +
            "flags.hasDisputedClaims is set.",
            [FactId, Reason.Required()],
            (d, f) => new FactDisputed(f, d.Text("factId"), d.Text("reason"))),
        Type("fact.retracted", null, false,
            "The earlier fact is withdrawn: current state falls back to the best remaining value; history keeps both, marked.",
            [FactId, Reason],
            (d, f) => new FactRetracted(f, d.Text("factId"), d.OptionalText("reason"))),

        // Added with issue 10 (what deals really say); appended so the list only grows.
        Type("deal.direction-reported", StreamKind.Deal, false,
            "Who pays whom for the deal's money figures that do not state it themselves, without a new figure; a later report of the " +
            "direction replaces an earlier one by the current-value rule. The summary shows it as the direction term.",
            [Field.Slug("payer", "Who pays: a party of the deal.").Required(), Field.Slug("payee", "Who is paid: a party of the deal.").Required(), Note],
            (d, f) => new DealDirectionReported(f, d.Text("payer"), d.Text("payee"), d.OptionalText("note")),
            PayeeIsNotPayer),
        Type("deal.share-reported", StreamKind.Deal, false,
            "One party's part of a figure: a consortium partner's part of a joint venture, one investor's part of a round. Exposure " +
            "attributes the figure to a partner by its reported share, else shows it as \"share not disclosed\", never in full to each " +
            "partner; when a percent and a value are both given, exposure uses the value. The summary shows it as the total-share:softbank term.",
            [
                Field.Slug("party", "Whose share it is: a party of the deal.").Required(),
                Field.Word("term", DealVocabulary.ValueTerms, "The scope of the figure it is a share of.").Defaulting("total"),
                Field.Number("percent", FactLimits.Percent, "The share as a percentage of the figure."),
                Field.Money("value", "The share as an amount."),
                Note,
            ],
            (d, f) => new DealShareReported(f, d.Text("party"), d.Text("term"), d.OptionalNumber("percent"), d.OptionalMoney("value"), d.OptionalText("note")),
            new FieldRule("a share gives a percent, a value, or both", d =>
            {
                if (!d.Has("percent") && !d.Has("value"))
                {
                    d.Error("percent", "a share gives a percent of the figure, a value, or both");
                }
            })),
        Type("deal.stake-reported", StreamKind.Deal, false,
            "An equity stake: the holder holds a percentage of the company, before or after dilution when reported. A percentage is not " +
            "money: it never enters a money total. The summary shows it as the stake:microsoft:openai term.",
            [
                Field.Slug("holder", "Who holds the stake: a party of the deal.").Required(),
                Field.Slug("company", "The company whose equity it is; it need not be a party of the deal.").Required(),
                Field.Number("percent", FactLimits.Percent, "The stake as a percentage of the company.").Required(),
                Precision,
                Field.Word("dilution", DealVocabulary.Dilutions, "What the percentage is of."),
                Field.Money("value", "What the stake is worth, as reported."),
                Note,
            ],
            (d, f) => new DealStakeReported(f, d.Text("holder"), d.Text("company"), d.Number("percent"), d.Text("precision"),
                d.OptionalText("dilution"), d.OptionalMoney("value"), d.OptionalText("note"))),
        Type("deal.securities-reported", StreamKind.Deal, false,
            "Shares, warrants or options: a count of the issuer's shares held by or granted to the holder, with the exercise price, " +
            "expiry and vesting milestones when reported. A share count is not money. The summary shows it as the warrant:amd:openai term.",
            [
                Field.Word("instrument", DealVocabulary.Instruments, "What the securities are.").Required(),
                Field.Number("count", FactLimits.SecurityCount, "How many shares.").Required(),
                Precision,
                Field.Slug("issuer", "The company whose shares they are.").Required(),
                Field.Slug("holder", "Who holds them or is granted them: a party of the deal.").Required(),
                Field.Money("exercisePrice", "The price per share."),
                Field.Period("expires", "When they expire."),
                Field.List("vesting", () => VestingStep, FactLimits.ScheduleSteps, "The milestones on which they vest."),
                Note,
            ],
            (d, f) => new DealSecuritiesReported(f, d.Text("instrument"), (long)d.Number("count"), d.Text("precision"), d.Text("issuer"),
                d.Text("holder"), d.OptionalMoney("exercisePrice"), d.OptionalPeriod("expires"),
                d.List("vesting", v => new VestingStep(v.Text("milestone"), (long?)v.OptionalNumber("count"), v.OptionalPeriod("expected"))),
                d.OptionalText("note"))),
        Type("deal.quantity-reported", StreamKind.Deal, false,
            "A quantity the deal covers in its own unit (GW or MW of power, chips, GPUs, sites, racks) with its scope and, when reported, " +
            "its delivery schedule. The summary shows it as the total-quantity:GW term with its schedule. A quantity is not money: it " +
            "never enters a money total, and commitments per year place money by the money terms only.",
            [
                Field.Word("unit", DealVocabulary.QuantityUnits, "The quantity's unit.").Required(),
                Field.Number("quantity", FactLimits.Quantity, "How much, in that unit.").Required(),
                Precision,
                Field.Word("term", DealVocabulary.QuantityTerms, "The quantity's scope.").Defaulting("total"),
                Field.List("schedule", () => ScheduleStep, FactLimits.ScheduleSteps, "What is due when."),
                Note,
            ],
            (d, f) => new DealQuantityReported(f, d.Text("unit"), d.Number("quantity"), d.Text("precision"), d.Text("term"),
                d.List("schedule", s => new ScheduledQuantity(s.Period("period"), s.Number("quantity"))), d.OptionalText("note")),
            new FieldRule("an exact or up-to quantity is not exceeded by its schedule", d =>
            {
                var steps = d.Items("schedule").Where(s => s.OptionalPeriod("period") is not null && s.OptionalNumber("quantity") is not null).ToList();
                var sum = steps.Sum(s => s.OptionalNumber("quantity")!.Value);
                if (d.OptionalNumber("quantity") is { } quantity && steps.Count > 0 && sum > quantity && d.Text("precision") is "exact" or "up-to")
                {
                    d.Error("schedule", $"its steps add up to {sum:#,0.###}, more than the quantity {quantity:#,0.###}");
                }
            })),
        Type("deal.right-granted", StreamKind.Deal, false,
            "A right one party grants another over a scope (exclusivity, a right of first refusal, most-favoured terms...), for the fact's " +
            "effective period or the stated one. The summary lists each right (by right, grantor and grantee) with its state: in force, lifted, " +
            "or replaced (lifted with a replacedBy); each right is also the term right:right-of-first-refusal:openai:microsoft with its own chain.",
            [
                Field.Word("right", DealVocabulary.Rights, "The right granted.").Required(),
                Field.Slug("grantor", "Who grants it: a party of the deal.").Required(),
                Field.Slug("grantee", "Who is granted it: a party of the deal.").Required(),
                Field.Text("scope", FactLimits.Note, "What it covers, in words."),
                Field.Period("period", "When it holds."),
            ],
            (d, f) => new DealRightGranted(f, d.Text("right"), d.Text("grantor"), d.Text("grantee"), d.OptionalText("scope"), d.OptionalPeriod("period"))),
        Type("deal.right-lifted", StreamKind.Deal, false,
            "A right granted earlier no longer holds, or holds in another form, from the fact's effective time (else its reported date); " +
            "history keeps the grant, and a retracted lift puts the grant back in force.",
            [
                Field.Word("right", DealVocabulary.Rights, "The right, as granted.").Required(),
                Field.Slug("grantor", "Who granted it, as granted.").Required(),
                Field.Slug("grantee", "Who was granted it, as granted.").Required(),
                Field.Text("replacedBy", FactLimits.Note, "What replaces it, in words."),
                Reason,
            ],
            (d, f) => new DealRightLifted(f, d.Text("right"), d.Text("grantor"), d.Text("grantee"), d.OptionalText("replacedBy"), d.OptionalText("reason"))),
    ];

    public static readonly IReadOnlyDictionary<string, FactType> ByName =
        All.ToDictionary(t => t.Name, StringComparer.Ordinal);

    public static readonly IReadOnlyDictionary<Type, FactType> ByEventType = All.ToDictionary(t => t.EventType);

    public static FactType Of(IFact fact) => ByEventType[fact.GetType()];

    private static FactType Type<TEvent>(string name, StreamKind? stream, bool mayStartStream, string description, Field[] fields,
        Func<JsonFields, FactInfo, TEvent> build, params FieldRule[] rules)
        where TEvent : IFact
    {
        var type = new FactType(name, typeof(TEvent), stream, mayStartStream, description, null!, (d, f) => build(d, f));
        return type with { Data = new Shape(type.SchemaName + "Data", $"The data of a {name} fact.", fields, rules) };
    }
}
