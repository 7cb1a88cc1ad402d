using DealLedger.Domain.Deals;
using DealLedger.Domain.Facts;
using DealLedger.Domain.Sources;
using JasperFx;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace DealLedger.Projections.Deals;

/// <summary>
/// The current state of a deal as reported: parties, kind, status, the current value of every term with the
/// fact it came from, how often each term was revised, flags, relations and disputes.
/// </summary>
public sealed class DealSummary : IRevisioned
{
    public string Id { get; set; } = "";
    public string? Title { get; set; }
    public string? Kind { get; set; }
    public string? Status { get; set; }
    public string? Description { get; set; }

    /// <summary>The <c>deal.reported</c> fact that title, kind and description come from (the latest reported).</summary>
    public FactRef? ReportedBy { get; set; }

    /// <summary>The earliest-reported <c>deal.reported</c> fact: who broke the news.</summary>
    public FactRef? FirstReportedBy { get; set; }

    public List<DealPartyView> Parties { get; set; } = [];
    public SortedDictionary<string, DealTerm> Terms { get; set; } = new(StringComparer.Ordinal);
    public List<DealMilestoneView> Milestones { get; set; } = [];
    public List<DealRelationView> Relations { get; set; } = [];
    public List<DealDisputeView> Disputes { get; set; } = [];
    public DealFlags Flags { get; set; } = new();
    public List<string> Publishers { get; set; } = [];
    public int FactCount { get; set; }
    public DateOnly? FirstReportedOn { get; set; }
    public DateOnly? LastReportedOn { get; set; }

    /// <summary>The deal stream's version: the ETag of reads and the If-Match of writes.</summary>
    public int Version { get; set; }
}

public sealed record DealPartyView(string Party, string Role, FactRef Source);

/// <summary>
/// The current value of one term. Exactly one of <see cref="Money"/>, <see cref="Quantity"/>,
/// <see cref="Period"/> or <see cref="Text"/> is set, as the term requires.
/// </summary>
public sealed record DealTerm(
    string Term,
    Money? Money,
    decimal? Quantity,
    string? Unit,
    string? Precision,
    Effective? Period,
    string? Text,
    FactRef Source,
    int Revisions);

public sealed record DealMilestoneView(string Milestone, string Description, Effective? Expected, FactRef Source);

public sealed record DealRelationView(string Relation, string Target, string? Description, FactRef Source, bool Disputed);

public sealed record DealDisputeView(string DisputedFactId, string Reason, FactRef Source);

public sealed class DealFlags
{
    public bool HasDisputedClaims { get; set; }

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

    public static string ForValue(string valueTerm) => valueTerm + "-value";
}

/// <summary>Builds <see cref="DealSummary"/> inline, in the same transaction as the facts.</summary>
public sealed partial class DealSummaryProjection : SingleStreamProjection<DealSummary, string>
{
    public DealSummaryProjection()
    {
        // Only deal facts: estimate and party streams must not get a deal summary.
        foreach (var type in FactTypes.All.Where(t => t.Stream == StreamKind.Deal))
        {
            IncludeType(type.EventType);
        }
    }

    public override DealSummary? Evolve(DealSummary? snapshot, string id, IEvent e) => Fold(snapshot, id, e);

    /// <summary>
    /// The one fold behind the inline document and every as-of answer. Deterministic: it reads only the event
    /// (payload and recorded timestamp), never the clock. A deal known only through a later fact (its
    /// <c>deal.reported</c> filtered out by an as-of date) still gets a summary.
    /// </summary>
    public static DealSummary Fold(DealSummary? snapshot, string id, IEvent e)
    {
        var deal = snapshot ?? new DealSummary { Id = id };
        if (e.Data is not IFact fact)
        {
            return deal;
        }

        var source = FactRef.Of(fact, e);
        deal.FactCount++;
        deal.FirstReportedOn = Min(deal.FirstReportedOn, fact.Fact.ReportedOn);
        deal.LastReportedOn = Max(deal.LastReportedOn, fact.Fact.ReportedOn);
        if (!deal.Publishers.Contains(fact.Fact.Source.Publisher))
        {
            deal.Publishers.Add(fact.Fact.Source.Publisher);
        }

        switch (fact)
        {
            case DealReported reported:
                if (source.Supersedes(deal.ReportedBy))
                {
                    deal.Title = reported.Title;
                    deal.Kind = reported.Kind;
                    deal.Description = reported.Description ?? deal.Description;
                    deal.ReportedBy = source;
                }

                if (deal.FirstReportedBy is null || source.ReportedOn < deal.FirstReportedBy.ReportedOn)
                {
                    deal.FirstReportedBy = source;
                }

                foreach (var party in reported.Parties)
                {
                    AddParty(deal, party.Party, party.Role, source);
                }

                if (reported.Status is not null)
                {
                    SetTerm(deal, new DealTerm(DealTerms.Status, null, null, null, null, null, reported.Status, source, 0));
                }

                if (reported.Kind == "exclusivity" && !deal.Terms.ContainsKey(DealTerms.Exclusivity))
                {
                    SetTerm(deal, new DealTerm(DealTerms.Exclusivity, null, null, null, null, fact.Fact.Effective, "in-force", source, 0));
                }

                break;
            case DealPartyJoined joined:
                AddParty(deal, joined.Party, joined.Role, source);
                break;
            case DealValueReported value:
                SetTerm(deal, new DealTerm(DealTerms.ForValue(value.Term), value.Value, null, null, value.Value.Precision, null, value.Note, source, 0));
                break;
            case DealDurationReported duration:
                SetTerm(deal, new DealTerm(DealTerms.Duration, null, duration.Months, "months", duration.Precision, null, null, source, 0));
                break;
            case DealStartReported start:
                SetTerm(deal, new DealTerm(DealTerms.Start, null, null, null, null, start.Start, null, source, 0));
                break;
            case DealCapacityReported capacity:
                SetTerm(deal, new DealTerm(DealTerms.Capacity, null, capacity.Gigawatts, "GW", capacity.Precision, null, null, source, 0));
                break;
            case DealMilestoneReported milestone:
                deal.Milestones.RemoveAll(m => m.Milestone == milestone.Milestone && source.Supersedes(m.Source));
                if (deal.Milestones.All(m => m.Milestone != milestone.Milestone))
                {
                    deal.Milestones.Add(new DealMilestoneView(milestone.Milestone, milestone.Description, milestone.Expected, source));
                }

                break;
            case DealStatusChanged status:
                SetTerm(deal, new DealTerm(DealTerms.Status, null, null, null, null, null, status.Status, source, 0));
                break;
            case DealExclusivityLifted lifted:
                SetTerm(deal, new DealTerm(DealTerms.Exclusivity, null, null, null, null, fact.Fact.Effective, "lifted", source, 0));
                break;
            case DealRelationReported relation:
                deal.Relations.Add(new DealRelationView(relation.Relation, relation.Target, relation.Description, source,
                    deal.Disputes.Any(d => d.DisputedFactId == fact.Fact.FactId)));
                break;
            case DealClaimDisputed disputed:
                deal.Disputes.Add(new DealDisputeView(disputed.DisputedFactId, disputed.Reason, source));
                deal.Relations = deal.Relations
                    .Select(r => r.Source.FactId == disputed.DisputedFactId ? r with { Disputed = true } : r)
                    .ToList();
                deal.Flags.HasDisputedClaims = true;
                break;
        }

        deal.Status = deal.Terms.GetValueOrDefault(DealTerms.Status)?.Text;
        deal.Flags.ExclusivityInForce = deal.Terms.GetValueOrDefault(DealTerms.Exclusivity)?.Text switch
        {
            "in-force" => true,
            "lifted" => false,
            _ => null,
        };
        return deal;
    }

    private static void AddParty(DealSummary deal, string party, string role, FactRef source)
    {
        if (!deal.Parties.Any(p => p.Party == party && p.Role == role))
        {
            deal.Parties.Add(new DealPartyView(party, role, source));
        }
    }

    /// <summary>Every report of a term counts as a revision; the current value follows <see cref="FactRef.Supersedes"/>.</summary>
    private static void SetTerm(DealSummary deal, DealTerm term)
    {
        var current = deal.Terms.GetValueOrDefault(term.Term);
        var revisions = (current?.Revisions ?? 0) + 1;
        deal.Terms[term.Term] = term.Source.Supersedes(current?.Source)
            ? term with { Revisions = revisions }
            : current! with { Revisions = revisions };
    }

    private static DateOnly Min(DateOnly? a, DateOnly b) => a is null || b < a ? b : a.Value;

    private static DateOnly Max(DateOnly? a, DateOnly b) => a is null || b > a ? b : a.Value;
}
