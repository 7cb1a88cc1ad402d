using DealLedger.Domain.Facts;
using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Tests.Facts;

/// <summary>
/// Wire names are contracts with every event already stored: this list may only grow. Renaming or removing
/// a line here means stored events no longer load, so the fix is a new type plus an upcaster, never an edit.
/// </summary>
public class FactTypesContractTests
{
    private static readonly (string Name, string Event, StreamKind? Stream)[] Pinned =
    [
        ("deal.reported", "DealReported", StreamKind.Deal),
        ("deal.party-joined", "DealPartyJoined", StreamKind.Deal),
        ("deal.value-reported", "DealValueReported", StreamKind.Deal),
        ("deal.duration-reported", "DealDurationReported", StreamKind.Deal),
        ("deal.start-reported", "DealStartReported", StreamKind.Deal),
        ("deal.capacity-reported", "DealCapacityReported", StreamKind.Deal),
        ("deal.milestone-reported", "DealMilestoneReported", StreamKind.Deal),
        ("deal.status-changed", "DealStatusChanged", StreamKind.Deal),
        ("deal.exclusivity-lifted", "DealExclusivityLifted", StreamKind.Deal),
        ("deal.relation-reported", "DealRelationReported", StreamKind.Deal),
        ("estimate.reported", "EstimateReported", StreamKind.Estimate),
        ("estimate.revised", "EstimateRevised", StreamKind.Estimate),
        ("party.reported", "PartyReported", StreamKind.Party),
        ("party.executive-hired", "ExecutiveHired", StreamKind.Party),
        ("fact.corroborated", "FactCorroborated", null),
        ("fact.disputed", "FactDisputed", null),
        ("fact.retracted", "FactRetracted", null),
        ("deal.direction-reported", "DealDirectionReported", StreamKind.Deal),
        ("deal.share-reported", "DealShareReported", StreamKind.Deal),
        ("deal.stake-reported", "DealStakeReported", StreamKind.Deal),
        ("deal.securities-reported", "DealSecuritiesReported", StreamKind.Deal),
        ("deal.quantity-reported", "DealQuantityReported", StreamKind.Deal),
        ("deal.right-granted", "DealRightGranted", StreamKind.Deal),
        ("deal.right-lifted", "DealRightLifted", StreamKind.Deal),
    ];

    [Fact]
    public void the_name_map_is_exactly_the_pinned_contract()
    {
        var actual = FactTypes.All.Select(t => (t.Name, t.EventType.Name, t.Stream)).ToArray();
        Assert.Equal(Pinned, actual);
    }

    [Fact]
    public void every_event_record_in_the_domain_has_a_wire_name()
    {
        var events = typeof(IFact).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && typeof(IFact).IsAssignableFrom(t));
        Assert.All(events, e => Assert.True(FactTypes.ByEventType.ContainsKey(e), $"{e.Name} has no pinned wire name"));
    }

    [Fact]
    public void each_stream_kind_has_exactly_the_documented_starting_types()
    {
        var starters = FactTypes.All.Where(t => t.MayStartStream).Select(t => t.Name).ToArray();
        Assert.Equal(["deal.reported", "estimate.reported", "party.reported", "party.executive-hired"], starters);
    }
}
