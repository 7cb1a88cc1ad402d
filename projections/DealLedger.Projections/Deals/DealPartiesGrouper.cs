using DealLedger.Domain.Deals;
using DealLedger.Domain.Facts;
using DealLedger.Domain.Parties;
using DealLedger.Domain.Sources;
using JasperFx.Events;
using JasperFx.Events.Grouping;
using Marten;
using Marten.Events.Aggregation;

namespace DealLedger.Projections.Deals;

/// <summary>
/// Groups deal events by party for cross-deal views: each deal event goes to every party the deal has now
/// (from its inline <see cref="DealSummary"/>, optionally only those in <paramref name="role"/>), plus any
/// party the event itself names; a party's own <c>party.reported</c> goes to that party.
/// </summary>
public sealed class DealPartiesGrouper(string? role = null) : IAggregateGrouper<string>
{
    public static bool IsDealFact(object data) => data is IFact fact && FactTypes.Of(fact).Stream is StreamKind.Deal or null;

    public async Task Group(IQuerySession session, IReadOnlyList<IEvent> events, IEventGrouping<string> grouping)
    {
        foreach (var (party, e) in await RouteAsync(session, events))
        {
            grouping.AddEvent(party, e);
        }
    }

    /// <summary>Each event with each party it goes to.</summary>
    public async Task<IReadOnlyList<(string Party, IEvent Event)>> RouteAsync(IQuerySession session, IReadOnlyList<IEvent> events)
    {
        var routes = events.Where(e => e.Data is PartyReported).Select(e => (e.StreamKey!, e)).ToList();
        var dealEvents = events.Where(e => IsDealFact(e.Data)).ToList();
        if (dealEvents.Count == 0)
        {
            return routes;
        }

        var ids = dealEvents.Select(e => e.StreamKey!).Distinct().ToArray();
        var summaries = (await session.LoadManyAsync<DealSummary>(ids)).ToDictionary(s => s.Id);
        foreach (var e in dealEvents)
        {
            var parties = new HashSet<string>(StringComparer.Ordinal);
            if (summaries.TryGetValue(e.StreamKey!, out var summary))
            {
                parties.UnionWith(summary.Parties.Where(p => role is null || p.Role == role).Select(p => p.Party));
            }

            switch (e.Data)
            {
                case DealReported reported:
                    parties.UnionWith(reported.Parties.Where(p => role is null || p.Role == role).Select(p => p.Party));
                    break;
                case DealPartyJoined joined when role is null || joined.Role == role:
                    parties.Add(joined.Party);
                    break;
            }

            routes.AddRange(parties.Select(party => (party, e)));
        }

        return routes;
    }
}
