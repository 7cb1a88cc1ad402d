using DealLedger.Domain.Sources;
using DealLedger.Domain.Temporal;
using DealLedger.Testing;

namespace DealLedger.Domain.Tests.Temporal;

/// <summary>Which facts an answer on the three time axes and a pinned log position is computed on.</summary>
public class InclusionTests
{
    private static readonly DateTimeOffset Recorded = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A value reported on 2025-09-10, true from 2027 on.</summary>
    private static readonly IFact Value = Envelopes.Parse(
        Envelopes.Envelope("v1", "deal.value-reported", "oracle-openai-cloud-2025", "2025-09-10",
            new { term = "total", value = new { amount = 300_000_000_000m, currency = "USD" } }, effective: "2027")).Event;

    /// <summary>A dispute reported on 2025-09-12 of a fact true from 2027 on.</summary>
    private static readonly IFact Dispute = Envelopes.Parse(
        Envelopes.Envelope("x1", "fact.disputed", "oracle-openai-cloud-2025", "2025-09-12", new { factId = "v1", reason = "denied" })).Event;

    private static bool Includes(Inclusion basis, IFact fact, long sequence = 10) => basis.Includes(fact, sequence, Recorded);

    [Fact]
    public void no_axis_asked_includes_every_fact()
    {
        Assert.True(Includes(default, Value));
        Assert.True(Includes(default, Dispute));
    }

    [Fact]
    public void as_of_a_date_includes_facts_reported_on_or_before_it()
    {
        Assert.True(Includes(new Inclusion(AsOf: new DateOnly(2025, 9, 10), null, null, null), Value));
        Assert.False(Includes(new Inclusion(AsOf: new DateOnly(2025, 9, 9), null, null, null), Value));
    }

    [Fact]
    public void recorded_as_of_an_instant_includes_facts_the_ledger_held_then()
    {
        Assert.True(Includes(new Inclusion(null, RecordedAsOf: Recorded, null, null), Value));
        Assert.False(Includes(new Inclusion(null, RecordedAsOf: Recorded.AddTicks(-10), null, null), Value));
    }

    [Fact]
    public void effective_at_a_date_includes_facts_that_had_started_to_hold_by_it()
    {
        Assert.True(Includes(new Inclusion(null, null, EffectiveAt: new DateOnly(2027, 1, 1), null), Value));
        Assert.False(Includes(new Inclusion(null, null, EffectiveAt: new DateOnly(2026, 12, 31), null), Value));
    }

    [Fact]
    public void a_fact_without_effective_time_holds_from_the_day_it_was_reported()
    {
        var undated = Envelopes.Parse(Envelopes.Value("v2", "oracle-openai-cloud-2025", "2025-09-10", 1m)).Event;

        Assert.True(Includes(new Inclusion(null, null, EffectiveAt: new DateOnly(2025, 9, 10), null), undated));
        Assert.False(Includes(new Inclusion(null, null, EffectiveAt: new DateOnly(2025, 9, 9), null), undated));
    }

    [Fact]
    public void facts_about_facts_are_knowledge_so_the_effective_axis_ignores_them()
    {
        var longBefore = new Inclusion(null, null, EffectiveAt: new DateOnly(1990, 1, 1), null);

        Assert.True(Includes(longBefore, Dispute));
        Assert.False(Includes(longBefore with { AsOf = new DateOnly(2025, 9, 11) }, Dispute));
    }

    [Fact]
    public void a_pinned_position_includes_facts_at_or_below_it()
    {
        Assert.True(Includes(new Inclusion(null, null, null, Position: 10), Value, sequence: 10));
        Assert.False(Includes(new Inclusion(null, null, null, Position: 9), Value, sequence: 10));
    }

    [Fact]
    public void every_axis_asked_must_include_the_fact()
    {
        var all = new Inclusion(new DateOnly(2025, 9, 10), Recorded, new DateOnly(2027, 1, 1), 10);

        Assert.True(Includes(all, Value));
        Assert.False(Includes(all with { AsOf = new DateOnly(2025, 1, 1) }, Value));
        Assert.False(Includes(all with { RecordedAsOf = Recorded.AddDays(-1) }, Value));
        Assert.False(Includes(all with { EffectiveAt = new DateOnly(2026, 1, 1) }, Value));
        Assert.False(Includes(all with { Position = 1 }, Value));
    }
}
