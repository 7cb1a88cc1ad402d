using DealLedger.Domain.Current;
using DealLedger.Domain.Deals;
using DealLedger.Domain.Facts;
using DealLedger.Domain.Relations;
using DealLedger.Domain.Sources;
using System.Text.Json.Serialization;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Aggregation;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Aggregation;

namespace DealLedger.Projections.Deals;

/// <summary>
/// The state of a deal as reported: parties, kind, status, the current value of every term with the fact
/// it came from and who else reported it, every report of every term, conflicts between sources, relations,
/// disputes and what later facts said about earlier ones.
/// </summary>
public sealed class DealSummary : IRevisioned
{
    public string Id { get; set; } = "";
    public string? Title { get; set; }
    public string? Kind { get; set; }
    public string? Status { get; set; }

    /// <summary>Whether the current status binds the parties: binding, non-binding or unknown (<see cref="DealVocabulary.BindingOf"/>).</summary>
    public string? StatusBinding { get; set; }

    public string? Description { get; set; }

    /// <summary>The <c>deal.reported</c> fact that title, kind and description come from (the current one by the rule).</summary>
    public FactRef? ReportedBy { get; set; }

    /// <summary>The earliest-reported <c>deal.reported</c> fact: who broke the news.</summary>
    public FactRef? FirstReportedBy { get; set; }

    /// <summary>Other publishers that reported or corroborated the deal, in the order they did.</summary>
    public List<string> AlsoReportedBy { get; set; } = [];

    public List<DealPartyView> Parties { get; set; } = [];
    public SortedDictionary<string, DealTerm> Terms { get; set; } = new(StringComparer.Ordinal);
    /// <summary>The current report of each milestone (live reports only, by <see cref="CurrentValueRule"/>).</summary>
    public List<DealMilestoneView> Milestones { get; set; } = [];

    /// <summary>Every milestone report, in log order, so a retraction can fall back to an older one.</summary>
    public List<DealMilestoneView> MilestoneReports { get; set; } = [];
    public List<DealRelationView> Relations { get; set; } = [];
    public List<DealDisputeView> Disputes { get; set; } = [];

    /// <summary>Each stage the deal went through, in reported order (live reports that changed the status; repeats are left out).</summary>
    public List<DealStatusStage> StatusHistory { get; set; } = [];

    /// <summary>Each right granted in the deal, by right, grantor and grantee, with its state now (from its <c>right:</c> term).</summary>
    public List<DealRightView> Rights { get; set; } = [];

    /// <summary>Facts of this deal that later facts corroborated, disputed, corrected or retracted, by fact id.</summary>
    public SortedDictionary<string, FactStatus> Statuses { get; set; } = new(StringComparer.Ordinal);

    public DealFlags Flags { get; set; } = new();
    public List<string> Publishers { get; set; } = [];
    public int FactCount { get; set; }
    public DateOnly? FirstReportedOn { get; set; }
    public DateOnly? LastReportedOn { get; set; }

    /// <summary>The deal stream's version: the ETag of reads and the If-Match of writes.</summary>
    public int Version { get; set; }

    /// <summary>
    /// Stored only: the id of the last event folded into the stored document, which tells whether a whole summary
    /// kept in memory is the one at this version (<see cref="DealSummaries"/>). Never part of an answer.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Guid? LastEventId { get; set; }
}

public sealed record DealPartyView(string Party, string Role, FactRef Source);

/// <summary>
/// A term's value, of whichever shape the term has: money, a quantity with unit, a period or a word. A money figure
/// also says who pays whom (<see cref="Payer"/>, <see cref="Payee"/>) and in what (<see cref="Consideration"/>) when
/// reported; a direction term has only payer and payee; a share term has a <see cref="Percent"/>, money, or both.
/// Added with issue 10, and left out of the JSON when absent: a stake's holder, company and dilution
/// (<see cref="Stake"/>, with <see cref="Percent"/> and the stake's worth as <see cref="Money"/>); securities'
/// instrument, issuer, holder, exercise price, expiry and vesting (<see cref="Securities"/>, with the count as
/// <see cref="Quantity"/> of "shares"); a quantity's delivery <see cref="Schedule"/>; a right's parties, scope and
/// replacement (<see cref="Right"/>, with its state as <see cref="Text"/> and when it holds as <see cref="Period"/>).
/// For figures (money, percent, quantity, count) <see cref="Text"/> is the note; for states it is the state.
/// </summary>
public sealed record TermValue(Money? Money, decimal? Quantity, string? Unit, string? Precision, Effective? Period, string? Text,
    string? Payer = null, string? Payee = null, string? Consideration = null, decimal? Percent = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] StakeDetails? Stake = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SecuritiesDetails? Securities = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ScheduledQuantity>? Schedule = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RightDetails? Right = null)
{
    /// <summary>
    /// The same value, whatever note came with it: for money, shares and stakes, the same amount, currency,
    /// precision, percent and dilution, and no contrary payer, payee or consideration; for a direction, the same payer and payee; for quantities and securities,
    /// the same number, unit, precision, schedule and terms of the securities; for states, the same state, period
    /// and right.
    /// </summary>
    public bool SameAs(TermValue? other) => other is not null && (Money is not null || Percent is not null
        ? Money == other.Money && Percent == other.Percent && Precision == other.Precision && Stake == other.Stake && SameFlow(other)
        : Payer is not null
            ? Payer == other.Payer && Payee == other.Payee
            : Quantity is not null
                ? Quantity == other.Quantity && Unit == other.Unit && Precision == other.Precision && Period == other.Period
                    && SameSchedule(Schedule, other.Schedule) && SecuritiesDetails.Same(Securities, other.Securities)
                : this with { Right = Right?.WithoutReason() } == other with { Right = other.Right?.WithoutReason() });

    /// <summary>A figure that states who pays whom, or what is paid, differs from one that states otherwise; one that does not say agrees.</summary>
    private bool SameFlow(TermValue other) =>
        (Payer is null || other.Payer is null || (Payer == other.Payer && Payee == other.Payee))
        && (Consideration is null || other.Consideration is null || Consideration == other.Consideration);

    private static bool SameSchedule(IReadOnlyList<ScheduledQuantity>? a, IReadOnlyList<ScheduledQuantity>? b) =>
        (a ?? []).SequenceEqual(b ?? []);
}

/// <summary>Whose stake in which company, and before or after dilution when reported.</summary>
public sealed record StakeDetails(string Holder, string Company, string? Dilution);

/// <summary>Shares, warrants or options: of which issuer, held by whom, at what exercise price, until when, vesting on what.</summary>
public sealed record SecuritiesDetails(
    string Instrument,
    string Issuer,
    string Holder,
    Money? ExercisePrice,
    Effective? Expires,
    IReadOnlyList<VestingStep> Vesting)
{
    public static bool Same(SecuritiesDetails? a, SecuritiesDetails? b) =>
        a is null || b is null
            ? a is null && b is null
            : a with { Vesting = [] } == b with { Vesting = [] } && a.Vesting.SequenceEqual(b.Vesting);
}

/// <summary>
/// A right as one report states it: which right, granted by whom to whom, over what scope (a grant), what replaced
/// it and why it ended (a lift).
/// </summary>
public sealed record RightDetails(string Right, string Grantor, string Grantee, string? Scope, string? ReplacedBy, string? Reason)
{
    /// <summary>A reason is a note: two lifts of the same right for different reasons are the same state.</summary>
    public RightDetails WithoutReason() => this with { Reason = null };
}

/// <summary>
/// One report of a term: the value, the fact it came from, and what the report is to the chain before it
/// (<see cref="Repeats"/>: first, revision, restatement or corroboration). Its status, if any, is in <see cref="DealSummary.Statuses"/>.
/// </summary>
public sealed record TermReport(TermValue Value, FactRef Source, string? Change = null);

/// <summary>
/// One stage of a deal's status history, marked binding, non-binding or unknown (<see cref="DealVocabulary.BindingOf"/>),
/// with the fact that reported it (its full source is in the status term's revisions: a stage does not copy it).
/// </summary>
public sealed record DealStatusStage(string Status, string Binding, string FactId, DateOnly ReportedOn, Effective? Effective, string Publisher);

/// <summary>
/// A right granted in the deal, as it stands: in force, lifted or replaced (<see cref="RightStates"/>); the scope and
/// period of its current grant; the grant and the lift behind the state, by fact id, and the day the lift holds from
/// (its effective start, else its reported date); and the live facts about it, in reported order. The sources are
/// in the right's term (<see cref="DealTerms.ForRight"/>), not copied here.
/// </summary>
public sealed record DealRightView(
    string Right,
    string Grantor,
    string Grantee,
    string State,
    string? Scope,
    Effective? Period,
    string? ReplacedBy,
    string? GrantedBy,
    string? LiftedBy,
    DateOnly? LiftedFrom,
    IReadOnlyList<string> Facts);

/// <summary>The states of a right: granted and holding, lifted, or lifted and replaced by something else.</summary>
public static class RightStates
{
    public const string InForce = "in-force";
    public const string Lifted = "lifted";
    public const string Replaced = "replaced";
}

/// <summary>
/// A term of the deal: its current value under the rule, who reported that value (first, then the others),
/// every report in log order, and, when live sources disagree over overlapping effective time, each source's
/// latest value.
/// </summary>
public sealed class DealTerm
{
    public string Term { get; set; } = "";
    public TermValue? Value { get; set; }
    public FactRef? Source { get; set; }

    /// <summary>The reports that gave the term a value: its first and its revisions, never restatements or corroborations.</summary>
    public int Revisions { get; set; }
    public List<string> ReportedBy { get; set; } = [];
    public List<TermReport> Conflicts { get; set; } = [];
    public List<TermReport> Reports { get; set; } = [];

    /// <summary>
    /// The places in <see cref="Reports"/> in chain order (reported date, then log order), kept in memory so a new
    /// report is inserted in order instead of the chain being sorted again; rebuilt when missing.
    /// </summary>
    [JsonIgnore]
    internal List<int>? Chain { get; private set; }

    /// <summary>A term that can be changed without changing this one (the reports, immutable, are shared).</summary>
    internal DealTerm Clone() => new()
    {
        Term = Term,
        Value = Value,
        Source = Source,
        Revisions = Revisions,
        ReportedBy = [.. ReportedBy],
        Conflicts = [.. Conflicts],
        Reports = [.. Reports],
        Chain = Chain is { } chain && chain.Count == Reports.Count ? [.. chain] : null,
    };

    /// <summary>Adds a report in log order and puts it in its place in the chain: after every report of its reported date or earlier.</summary>
    internal void Add(TermReport report)
    {
        if (Chain is { } chain && chain.Count == Reports.Count)
        {
            int low = 0, high = chain.Count;
            while (low < high)
            {
                var middle = (low + high) / 2;
                if (Reports[chain[middle]].Source.ReportedOn <= report.Source.ReportedOn)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            chain.Insert(low, Reports.Count);
        }

        Reports.Add(report);
    }

    /// <summary>The places of the reports in chain order (sorted once, then kept in order by <see cref="Add"/>).</summary>
    internal List<int> ChainOrder()
    {
        if (Chain is not { } chain || chain.Count != Reports.Count)
        {
            var reports = Reports;
            Chain = chain = Enumerable.Range(0, reports.Count).OrderBy(i => reports[i].Source.ReportedOn).ToList();
        }

        return chain;
    }
}

public sealed record DealMilestoneView(string Milestone, string Description, Effective? Expected, FactRef Source);

public sealed record DealRelationView(string Relation, string Target, string? Description, FactRef Source, bool Disputed, string State);

public sealed record DealDisputeView(string DisputedFactId, string Reason, FactRef Source);

public sealed class DealFlags
{
    public bool HasDisputedClaims { get; set; }

    /// <summary>Some term has live sources that disagree (see each term's <see cref="DealTerm.Conflicts"/>).</summary>
    public bool HasConflicts { get; set; }

    /// <summary>Null when the deal is not an exclusivity; else whether the exclusivity is still in force.</summary>
    public bool? ExclusivityInForce { get; set; }
}

/// <summary>Term names, shared by the summary, the revision history and the docs.</summary>
public static class DealTerms
{
    public const string Status = "status";
    public const string Duration = "duration";
    public const string Start = "start";
    public const string Capacity = "capacity";
    public const string Exclusivity = "exclusivity";

    /// <summary>Terms whose reports are states in time, not competing figures: no conflict is flagged on them.</summary>
    public static readonly IReadOnlySet<string> States = new HashSet<string>(StringComparer.Ordinal) { Status, Exclusivity };

    /// <summary>A state term: status, exclusivity, and every right (<see cref="ForRight"/>).</summary>
    public static bool IsState(string term) => States.Contains(term) || term.StartsWith(RightPrefix, StringComparison.Ordinal);

    public const string Direction = "direction";

    /// <summary>The prefix of the terms of rights.</summary>
    public const string RightPrefix = "right:";

    /// <summary>The term of an equity stake: <c>stake:microsoft:openai</c> (holder, then company).</summary>
    public static string ForStake(string holder, string company) => $"stake:{holder}:{company}";

    /// <summary>The term of shares, warrants or options: <c>warrant:amd:openai</c> (instrument, issuer, holder).</summary>
    public static string ForSecurities(string instrument, string issuer, string holder) => $"{instrument}:{issuer}:{holder}";

    /// <summary>The term of a quantity of one scope and unit: <c>total-quantity:GW</c>, <c>first-phase-quantity:sites</c>.</summary>
    public static string ForQuantity(string quantityTerm, string unit) => $"{quantityTerm}-quantity:{unit}";

    /// <summary>The term of a right: <c>right:right-of-first-refusal:openai:microsoft</c> (right, grantor, grantee).</summary>
    public static string ForRight(string right, string grantor, string grantee) => $"{RightPrefix}{right}:{grantor}:{grantee}";

    /// <summary>The term of a money figure of one scope: <c>total-value</c>, <c>first-year-value</c>, <c>tranche-value:series-a</c>...</summary>
    public static string ForValue(string valueTerm, string? part = null) => part is null ? valueTerm + "-value" : $"{valueTerm}-value:{part}";

    /// <summary>The term of one party's share of a figure: <c>total-share:softbank</c>.</summary>
    public static string ForShare(string valueTerm, string party) => $"{valueTerm}-share:{party}";

    /// <summary>The terms a fact reports, with their values (a deal report may give a status and an exclusivity).</summary>
    public static IEnumerable<(string Term, TermValue Value)> Of(IFact fact)
    {
        switch (fact)
        {
            case DealValueReported v:
                yield return (ForValue(v.Term, v.Part), new TermValue(v.Value, null, null, v.Value.Precision, null, v.Note, v.Payer, v.Payee, v.Consideration));
                break;
            case DealDirectionReported d:
                yield return (Direction, new TermValue(null, null, null, null, null, d.Note, d.Payer, d.Payee));
                break;
            case DealShareReported share:
                yield return (ForShare(share.Term, share.Party),
                    new TermValue(share.Value, null, share.Percent is null ? null : "%", share.Value?.Precision, null, share.Note, Percent: share.Percent));
                break;
            case DealStakeReported stake:
                yield return (ForStake(stake.Holder, stake.Company), new TermValue(stake.Value, null, "%", stake.Precision, null, stake.Note,
                    Percent: stake.Percent, Stake: new StakeDetails(stake.Holder, stake.Company, stake.Dilution)));
                break;
            case DealSecuritiesReported securities:
                yield return (ForSecurities(securities.Instrument, securities.Issuer, securities.Holder),
                    new TermValue(null, securities.Count, "shares", securities.Precision, null, securities.Note,
                        Securities: new SecuritiesDetails(securities.Instrument, securities.Issuer, securities.Holder, securities.ExercisePrice,
                            securities.Expires, securities.Vesting)));
                break;
            case DealQuantityReported quantity:
                yield return (ForQuantity(quantity.Term, quantity.Unit), new TermValue(null, quantity.Quantity, quantity.Unit, quantity.Precision, null,
                    quantity.Note, Schedule: quantity.Schedule.Count == 0 ? null : quantity.Schedule));
                break;
            case DealRightGranted granted:
                yield return (ForRight(granted.Right, granted.Grantor, granted.Grantee), new TermValue(null, null, null, null,
                    granted.Period ?? fact.Fact.Effective, RightStates.InForce,
                    Right: new RightDetails(granted.Right, granted.Grantor, granted.Grantee, granted.Scope, null, null)));
                break;
            case DealRightLifted lifted:
                yield return (ForRight(lifted.Right, lifted.Grantor, lifted.Grantee), new TermValue(null, null, null, null, fact.Fact.Effective,
                    lifted.ReplacedBy is null ? RightStates.Lifted : RightStates.Replaced,
                    Right: new RightDetails(lifted.Right, lifted.Grantor, lifted.Grantee, null, lifted.ReplacedBy, lifted.Reason)));
                break;
            case DealDurationReported d:
                yield return (Duration, new TermValue(null, d.Months, "months", d.Precision, null, null));
                break;
            case DealStartReported s:
                yield return (Start, new TermValue(null, null, null, null, s.Start, null));
                break;
            case DealCapacityReported c:
                yield return (Capacity, new TermValue(null, c.Gigawatts, "GW", c.Precision, null, null));
                break;
            case DealStatusChanged s:
                yield return (Status, new TermValue(null, null, null, null, null, s.Status));
                break;
            case DealExclusivityLifted:
                yield return (Exclusivity, new TermValue(null, null, null, null, fact.Fact.Effective, "lifted"));
                break;
            case DealReported reported:
                if (reported.Status is { } status)
                {
                    yield return (Status, new TermValue(null, null, null, null, null, status));
                }

                if (reported.Kind == "exclusivity")
                {
                    yield return (Exclusivity, new TermValue(null, null, null, null, fact.Fact.Effective, "in-force"));
                }

                break;
        }
    }
}

/// <summary>Builds <see cref="DealSummary"/> inline, in the same transaction as the facts.</summary>
public sealed partial class DealSummaryProjection : SingleStreamProjection<DealSummary, string>
{
    public DealSummaryProjection()
    {
        // Deal facts and facts about facts: estimate and party streams must not get a deal summary.
        foreach (var type in FactTypes.All.Where(t => t.Stream is StreamKind.Deal or null))
        {
            IncludeType(type.EventType);
        }
    }

    /// <summary>
    /// Folds the new events onto the whole summary at the stored version (kept in memory, else folded from the
    /// deal's events: <see cref="DealSummaries"/>) and stores its bounded part, so a write costs the same on a deal
    /// of any history. Inline, in rebuilds and in the daemon alike.
    /// </summary>
    public override async ValueTask<(DealSummary?, ActionType)> DetermineActionAsync(IQuerySession session, DealSummary? snapshot,
        string identity, IIdentitySetter<DealSummary, string> identitySetter, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        // A stream that is not a deal (an estimate or party with a fact about a fact) never gets a summary.
        if (snapshot is null && !events.Any(e => e.Data is IFact fact && FactTypes.Of(fact).Stream == StreamKind.Deal))
        {
            return (null, ActionType.Nothing);
        }

        if (events.Count == 0)
        {
            return (snapshot, ActionType.Nothing);
        }

        var cache = DealSummaries.For(session.DocumentStore);
        var whole = snapshot is null ? null : await cache.AtAsync(session, identity, snapshot.Version, snapshot.LastEventId, cancellation);
        var deal = whole is not null
            ? Fold(DealSummaries.Fork(whole), identity, events)
            : snapshot is null
                ? Fold(null, identity, events)
                : Fold(null, identity, [.. await session.Events.FetchStreamAsync(identity, token: cancellation), .. events]);
        deal.Version = (int)events[^1].Version;
        cache.Keep(deal, events[^1]);
        var stored = DealSummaries.Bounded(deal);
        stored.LastEventId = events[^1].Id;
        return (stored, ActionType.Store);
    }

    /// <summary>
    /// The one fold behind the inline document, rebuilds and every temporal answer. Deterministic: it reads
    /// only the events (payload and recorded timestamp), never the clock. Each event is applied cheaply; the
    /// current values of the terms it touched are recomputed once at the end, so folding a deal of 10,000
    /// facts is linear, not quadratic. A deal known only through a later fact (its <c>deal.reported</c>
    /// filtered out by a temporal question) still gets a summary.
    /// </summary>
    public static DealSummary Fold(DealSummary? snapshot, string id, IEnumerable<IEvent> events)
    {
        var deal = snapshot ?? new DealSummary { Id = id };
        // The terms and statuses this fold made or copied: only those are changed, so a snapshot may share the
        // others with a summary kept elsewhere (DealSummaries.Fork).
        var touched = new HashSet<DealTerm>();
        var ownStatuses = new HashSet<string>(StringComparer.Ordinal);
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            Take(deal, e, touched, ownStatuses, referenced);
        }

        foreach (var factId in referenced)
        {
            foreach (var (name, term) in deal.Terms.Where(t => t.Value.Reports.Any(r => r.Source.FactId == factId)).ToList())
            {
                Own(deal, name, term, touched);
            }

            RefreshViews(deal, factId);
        }

        // A summary stored before reports were classified (issue 10) is brought up to date by its deal's next fact.
        foreach (var (name, term) in deal.Terms.Where(t => t.Value.Reports.Count > 0 && t.Value.Reports[0].Change is null).ToList())
        {
            Own(deal, name, term, touched);
        }

        foreach (var term in touched)
        {
            Recompute(deal, term, statusesChanged: referenced.Count > 0);
        }

        deal.Milestones = deal.MilestoneReports
            .Where(m => CurrentValueRule.IsLive(deal.Statuses, m.Source.FactId))
            .GroupBy(m => m.Milestone, StringComparer.Ordinal)
            .Select(g => CurrentValueRule.Pick(g, m => m.Source)!)
            .OrderBy(m => m.Milestone, StringComparer.Ordinal)
            .ToList();

        deal.Status = deal.Terms.GetValueOrDefault(DealTerms.Status)?.Value?.Text;
        deal.StatusBinding = deal.Status is null ? null : DealVocabulary.BindingOf(deal.Status);
        if (referenced.Count > 0 || deal.Terms.GetValueOrDefault(DealTerms.Status) is not { } status || touched.Contains(status)
            || deal.StatusHistory.Count == 0)
        {
            deal.StatusHistory = StatusHistoryOf(deal);
        }

        deal.Rights = RightsOf(deal);
        deal.Flags.ExclusivityInForce = deal.Terms.GetValueOrDefault(DealTerms.Exclusivity)?.Value?.Text switch
        {
            "in-force" => true,
            "lifted" => false,
            _ => null,
        };
        deal.Flags.HasConflicts = deal.Terms.Values.Any(t => t.Conflicts.Count > 0);
        return deal;
    }

    /// <summary>The deal's term to change: itself when this fold made or copied it, else a copy put in its place.</summary>
    private static DealTerm Own(DealSummary deal, string name, DealTerm term, HashSet<DealTerm> touched)
    {
        if (touched.Contains(term))
        {
            return term;
        }

        var own = term.Clone();
        deal.Terms[name] = own;
        touched.Add(own);
        return own;
    }

    private static void Take(DealSummary deal, IEvent e, HashSet<DealTerm> touched, HashSet<string> ownStatuses, HashSet<string> referenced)
    {
        if (e.Data is not IFact fact)
        {
            return;
        }

        var source = FactRef.Of(fact, e);
        var publisher = fact.Fact.Source.Publisher;
        deal.FactCount++;
        deal.FirstReportedOn = Min(deal.FirstReportedOn, fact.Fact.ReportedOn);
        deal.LastReportedOn = Max(deal.LastReportedOn, fact.Fact.ReportedOn);
        if (!deal.Publishers.Contains(publisher))
        {
            deal.Publishers.Add(publisher);
        }

        foreach (var about in FactStatuses.TargetsOf(fact))
        {
            if (ownStatuses.Add(about) && deal.Statuses.TryGetValue(about, out var shared))
            {
                deal.Statuses[about] = FactStatuses.Copy(shared);
            }
        }

        FactStatuses.Apply(deal.Statuses, fact);
        switch (fact)
        {
            case DealReported reported:
                ApplyReport(deal, reported, source);
                break;
            case DealPartyJoined joined:
                AddParty(deal, joined.Party, joined.Role, source);
                break;
            case DealMilestoneReported milestone:
                deal.MilestoneReports.Add(new DealMilestoneView(milestone.Milestone, milestone.Description, milestone.Expected, source));
                break;
            case DealRelationReported relation:
                deal.Relations.Add(new DealRelationView(relation.Relation, relation.Target, relation.Description, source, false, FactStatus.Live));
                break;
            case FactCorroborated corroborated:
                if (IsDealReport(deal, corroborated.CorroboratedFactId) && !deal.AlsoReportedBy.Contains(publisher))
                {
                    deal.AlsoReportedBy.Add(publisher);
                }

                break;
            case FactDisputed disputed:
                deal.Disputes.Add(new DealDisputeView(disputed.DisputedFactId, disputed.Reason, source));
                deal.Flags.HasDisputedClaims = true;
                break;
        }

        foreach (var (term, value) in DealTerms.Of(fact))
        {
            if (!deal.Terms.TryGetValue(term, out var dealTerm))
            {
                deal.Terms[term] = dealTerm = new DealTerm { Term = term };
                touched.Add(dealTerm);
            }

            Own(deal, term, dealTerm, touched).Add(new TermReport(value, source));
        }

        if (FactReferences.TargetOf(fact) is { } target)
        {
            referenced.Add(target);
        }
    }

    private static void ApplyReport(DealSummary deal, DealReported reported, FactRef source)
    {
        if (source.Supersedes(deal.ReportedBy))
        {
            deal.Title = reported.Title;
            deal.Kind = reported.Kind;
            deal.Description = reported.Description ?? deal.Description;
            deal.ReportedBy = source;
        }

        if (deal.FirstReportedBy is null || source.ReportedOn < deal.FirstReportedBy.ReportedOn)
        {
            if (deal.FirstReportedBy is { } earlier && !deal.AlsoReportedBy.Contains(earlier.Source.Publisher))
            {
                deal.AlsoReportedBy.Insert(0, earlier.Source.Publisher);
            }

            deal.FirstReportedBy = source;
            deal.AlsoReportedBy.Remove(source.Source.Publisher);
        }
        else if (source.Source.Publisher != deal.FirstReportedBy.Source.Publisher && !deal.AlsoReportedBy.Contains(source.Source.Publisher))
        {
            deal.AlsoReportedBy.Add(source.Source.Publisher);
        }

        foreach (var party in reported.Parties)
        {
            AddParty(deal, party.Party, party.Role, source);
        }
    }

    /// <summary>After a fact about <paramref name="factId"/>, update the relation view it feeds.</summary>
    private static void RefreshViews(DealSummary deal, string factId)
    {
        var status = deal.Statuses.GetValueOrDefault(factId);
        deal.Relations = deal.Relations
            .Select(r => r.Source.FactId == factId && status is not null
                ? r with { Disputed = status.DisputedBy.Count > 0, State = status.State }
                : r)
            .ToList();
    }

    /// <summary>
    /// Applies <see cref="CurrentValueRule"/> to a term and finds who reported its value and who disagrees: one pass
    /// over its reports, the current value and each publisher's own latest view picked together.
    /// </summary>
    private static void Recompute(DealSummary deal, DealTerm term, bool statusesChanged)
    {
        Classify(deal, term, statusesChanged);
        TermReport? current = null;
        var views = new Dictionary<string, TermReport>(StringComparer.Ordinal);
        foreach (var report in term.Reports)
        {
            if (!CurrentValueRule.IsLive(deal.Statuses, report.Source.FactId))
            {
                continue;
            }

            if (report.Source.Supersedes(current?.Source))
            {
                current = report;
            }

            var publisher = report.Source.Source.Publisher;
            if (!views.TryGetValue(publisher, out var own) || report.Source.Supersedes(own.Source))
            {
                views[publisher] = report;
            }
        }

        term.Value = current?.Value;
        term.Source = current?.Source;
        term.ReportedBy = current is null
            ? []
            : term.Reports.Where(r => CurrentValueRule.IsLive(deal.Statuses, r.Source.FactId) && r.Value.SameAs(current.Value))
                .OrderBy(r => r.Source.ReportedOn)
                .SelectMany(r => (IEnumerable<string>)[r.Source.Source.Publisher, .. deal.Statuses.GetValueOrDefault(r.Source.FactId)?.CorroboratedBy ?? []])
                .Distinct()
                .ToList();
        term.Conflicts = [];
        if (current is null || DealTerms.IsState(term.Term))
        {
            return;
        }

        // Each source's own latest view; they conflict when they differ over overlapping effective time.
        var overlapping = views.Values.Where(r => CurrentValueRule.Overlap(r.Source.Effective, current.Source.Effective)).ToList();
        if (overlapping.Any(v => !v.Value.SameAs(current.Value)))
        {
            term.Conflicts = overlapping.OrderBy(v => v.Source.ReportedOn).ThenBy(v => v.Source.Source.Publisher, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>
    /// Classifies each report against the previous live value in chain order (reported date, then log order, as
    /// the revision history lists them) and counts the revisions: firsts and revisions only (<see cref="Repeats"/>).
    /// When this fold only added reports at the end of the chain and changed no status, the reports before them keep
    /// their kinds, so the chain is classified again only from the last live change before them.
    /// </summary>
    private static void Classify(DealSummary deal, DealTerm term, bool statusesChanged)
    {
        var order = term.ChainOrder();
        var added = 0;
        while (added < term.Reports.Count && term.Reports[^(added + 1)].Change is null)
        {
            added++;
        }

        var from = 0;
        var revisions = 0;
        var atEnd = !statusesChanged && added < term.Reports.Count;
        for (var i = 1; atEnd && i <= added; i++)
        {
            atEnd = order[^i] >= term.Reports.Count - added;
        }

        if (atEnd)
        {
            revisions = term.Revisions;
            for (from = order.Count - added - 1; from > 0; from--)
            {
                var report = term.Reports[order[from]];
                if (Repeats.IsChange(report.Change!) && CurrentValueRule.IsLive(deal.Statuses, report.Source.FactId))
                {
                    break;
                }
            }
        }

        var chain = new TermReport[order.Count - from];
        for (var i = 0; i < chain.Length; i++)
        {
            chain[i] = term.Reports[order[from + i]];
        }

        var kinds = Repeats.OfChain(chain, r => CurrentValueRule.IsLive(deal.Statuses, r.Source.FactId),
            (a, b) => a.Value.SameAs(b.Value), r => r.Source.Source.Publisher);
        for (var i = atEnd ? chain.Length - added : 0; i < chain.Length; i++)
        {
            if (chain[i].Change != kinds[i])
            {
                term.Reports[order[from + i]] = chain[i] with { Change = kinds[i] };
            }

            revisions += Repeats.IsChange(kinds[i]) ? 1 : 0;
        }

        term.Revisions = revisions;
    }

    /// <summary>A term's reports in chain order (reported date, then log order).</summary>
    private static IEnumerable<TermReport> ChainOf(DealTerm term) => term.ChainOrder().Select(i => term.Reports[i]);

    private static List<DealStatusStage> StatusHistoryOf(DealSummary deal) =>
        deal.Terms.GetValueOrDefault(DealTerms.Status) is not { } status
            ? []
            : ChainOf(status)
                .Where(r => r.Change is not null && Repeats.IsChange(r.Change) && CurrentValueRule.IsLive(deal.Statuses, r.Source.FactId))
                .Select(r => new DealStatusStage(r.Value.Text!, DealVocabulary.BindingOf(r.Value.Text!), r.Source.FactId, r.Source.ReportedOn,
                    r.Source.Effective, r.Source.Source.Publisher))
                .ToList();

    /// <summary>The rights as their terms stand: a right whose every report was retracted or corrected away is left out.</summary>
    private static List<DealRightView> RightsOf(DealSummary deal) =>
        deal.Terms.Values
            .Where(t => t.Term.StartsWith(DealTerms.RightPrefix, StringComparison.Ordinal) && t.Value?.Right is not null)
            .Select(t =>
            {
                var live = t.Reports.Where(r => CurrentValueRule.IsLive(deal.Statuses, r.Source.FactId)).ToList();
                var grant = CurrentValueRule.Pick(live.Where(r => r.Value.Text == RightStates.InForce), r => r.Source);
                var right = t.Value!.Right!;
                var state = t.Value.Text ?? RightStates.InForce;
                var lift = state == RightStates.InForce ? null : t.Source;
                return new DealRightView(right.Right, right.Grantor, right.Grantee, state, grant?.Value.Right?.Scope, grant?.Value.Period,
                    right.ReplacedBy, grant?.Source.FactId, lift?.FactId, lift is null ? null : lift.Effective?.From ?? lift.ReportedOn,
                    live.OrderBy(r => r.Source.ReportedOn).Select(r => r.Source.FactId).ToList());
            })
            .ToList();

    private static bool IsDealReport(DealSummary deal, string factId) =>
        deal.FirstReportedBy?.FactId == factId || deal.ReportedBy?.FactId == factId;

    private static void AddParty(DealSummary deal, string party, string role, FactRef source)
    {
        if (!deal.Parties.Any(p => p.Party == party && p.Role == role))
        {
            deal.Parties.Add(new DealPartyView(party, role, source));
        }
    }

    private static DateOnly Min(DateOnly? a, DateOnly b) => a is null || b < a ? b : a.Value;

    private static DateOnly Max(DateOnly? a, DateOnly b) => a is null || b > a ? b : a.Value;
}
