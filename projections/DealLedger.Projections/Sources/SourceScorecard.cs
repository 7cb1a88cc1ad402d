using DealLedger.Domain.Facts;
using DealLedger.Domain.Relations;
using DealLedger.Domain.Sources;
using DealLedger.Projections.Facts;
using JasperFx.Events;
using JasperFx.Events.Aggregation;
using JasperFx.Events.Daemon;
using JasperFx.Events.Grouping;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Aggregation;
using Marten.Events.Projections;

namespace DealLedger.Projections.Sources;

/// <summary>
/// Per publisher: how many facts it reported, how many of them opened a subject (the first report of a deal,
/// estimate or party), and how many were later corroborated, disputed, corrected or retracted.
/// </summary>
public sealed class SourceScorecard
{
    public string Id { get; set; } = "";
    public List<string> Kinds { get; set; } = [];
    public int Facts { get; set; }
    public int FirstReports { get; set; }
    public int Corroborated { get; set; }
    public int Disputed { get; set; }
    public int Corrected { get; set; }
    public int Retracted { get; set; }
    public DateOnly? FirstReportedOn { get; set; }
    public DateOnly? LastReportedOn { get; set; }
}

/// <summary>
/// Async, multi-stream. A fact counts for its own publisher; a fact about an earlier fact (or a correction)
/// also counts for the earlier fact's publisher, found through the inline <see cref="FactIndexEntry"/>.
/// </summary>
public sealed partial class SourceScorecardProjection : MultiStreamProjection<SourceScorecard, string>
{
    public SourceScorecardProjection()
    {
        CustomGrouping(new PublisherGrouper());
    }

    public override async ValueTask<(SourceScorecard?, ActionType)> DetermineActionAsync(IQuerySession session, SourceScorecard? snapshot,
        string identity, IIdentitySetter<SourceScorecard, string> identitySetter, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var card = snapshot ?? new SourceScorecard { Id = identity };
        var targets = events.Select(e => FactReferences.TargetOf((IFact)e.Data)).OfType<string>().Distinct().ToArray();
        var publishers = targets.Length == 0
            ? []
            : (await session.LoadManyAsync<FactIndexEntry>(cancellation, targets)).ToDictionary(x => x.Id, x => x.Publisher);
        foreach (var e in events)
        {
            var fact = (IFact)e.Data;
            if (fact.Fact.Source.Publisher == identity)
            {
                CountOwn(card, fact, e);
            }

            if (FactReferences.TargetOf(fact) is { } target && publishers.GetValueOrDefault(target) == identity)
            {
                CountAbout(card, fact);
            }
        }

        return (card, ActionType.Store);
    }

    private static void CountOwn(SourceScorecard card, IFact fact, IEvent e)
    {
        card.Facts++;
        card.FirstReports += e.Version == 1 ? 1 : 0;
        card.FirstReportedOn = card.FirstReportedOn is { } first && first < fact.Fact.ReportedOn ? first : fact.Fact.ReportedOn;
        card.LastReportedOn = card.LastReportedOn is { } last && last > fact.Fact.ReportedOn ? last : fact.Fact.ReportedOn;
        if (!card.Kinds.Contains(fact.Fact.Source.Kind))
        {
            card.Kinds.Add(fact.Fact.Source.Kind);
        }
    }

    private static void CountAbout(SourceScorecard card, IFact fact)
    {
        switch (fact)
        {
            // A publisher "corroborating" its own fact (refused since; older ledgers may hold one) corroborates nothing.
            case FactCorroborated when fact.Fact.Source.Publisher != card.Id:
                card.Corroborated++;
                break;
            case FactDisputed:
                card.Disputed++;
                break;
            case FactRetracted:
                card.Retracted++;
                break;
            case { Fact.Corrects: not null }:
                card.Corrected++;
                break;
        }
    }

    /// <summary>Sends each fact to its publisher and, when it refers to an earlier fact, to that fact's publisher too.</summary>
    private sealed class PublisherGrouper : IAggregateGrouper<string>
    {
        public async Task Group(IQuerySession session, IReadOnlyList<IEvent> events, IEventGrouping<string> grouping)
        {
            var targets = events.Select(e => e.Data is IFact fact ? FactReferences.TargetOf(fact) : null).OfType<string>().Distinct().ToArray();
            var publishers = targets.Length == 0
                ? new Dictionary<string, string>()
                : (await session.LoadManyAsync<FactIndexEntry>(targets)).ToDictionary(x => x.Id, x => x.Publisher);
            foreach (var e in events.Where(e => e.Data is IFact))
            {
                var fact = (IFact)e.Data;
                grouping.AddEvent(fact.Fact.Source.Publisher, e);
                if (FactReferences.TargetOf(fact) is { } target && publishers.TryGetValue(target, out var publisher)
                    && publisher != fact.Fact.Source.Publisher)
                {
                    grouping.AddEvent(publisher, e);
                }
            }
        }
    }
}
