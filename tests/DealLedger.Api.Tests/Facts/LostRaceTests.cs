using DealLedger.Api.Facts;
using DealLedger.Testing;
using Marten;
using Marten.Services;

namespace DealLedger.Api.Tests.Facts;

/// <summary>A write that passes every check but loses the race at commit.</summary>
public class LostRaceTests(ApiFixture api) : ApiTest(api)
{
    private const string Deal = "stargate-2025";

    [Fact]
    public async Task a_write_that_loses_the_race_at_commit_is_a_conflict_and_the_winner_is_kept()
    {
        (await Api.PostFactAsync(Envelopes.Deal("d1", Deal, "2025-01-21"))).EnsureSuccessStatusCode();
        var winner = Envelopes.Parse(Envelopes.Value("winner", Deal, "2025-01-21", 500_000_000_000m));
        var loser = Envelopes.Parse(Envelopes.Envelope("loser", "deal.status-changed", Deal, "2025-09-11", new { status = "stalled" }));

        await using var session = Api.Store.LightweightSession(new SessionOptions { Listeners = { new CommitFirst(Api.Store, winner) } });
        var outcome = await FactLedger.RecordAsync(session, loser, ifMatch: null, CancellationToken.None);

        var conflict = Assert.IsType<RecordOutcome.Conflict>(outcome);
        Assert.Contains(Deal, conflict.Detail);
        var history = (await Api.GetJsonAsync($"/deals/{Deal}/history"))["items"]!.AsArray();
        Assert.Equal(["d1", "winner"], history.Select(e => (string?)e!["factId"]));
    }

    [Fact]
    public async Task resending_a_fact_that_was_recorded_during_the_race_is_answered_as_a_resend()
    {
        (await Api.PostFactAsync(Envelopes.Deal("d1", Deal, "2025-01-21"))).EnsureSuccessStatusCode();
        var fact = Envelopes.Parse(Envelopes.Value("same", Deal, "2025-01-21", 500_000_000_000m));

        await using var session = Api.Store.LightweightSession(new SessionOptions { Listeners = { new CommitFirst(Api.Store, fact) } });
        var outcome = await FactLedger.RecordAsync(session, fact, ifMatch: null, CancellationToken.None);

        var duplicate = Assert.IsType<RecordOutcome.Duplicate>(outcome);
        Assert.Equal(2, duplicate.Fact.Version);
        Assert.Equal(2, await Api.EventCountAsync());
    }

    [Fact]
    public async Task the_same_fact_id_recorded_meanwhile_on_another_subject_is_a_conflict_not_a_second_copy()
    {
        (await Api.PostFactAsync(Envelopes.Deal("d1", Deal, "2025-01-21"))).EnsureSuccessStatusCode();
        (await Api.PostFactAsync(Envelopes.Deal("d2", "other-deal", "2025-01-21"))).EnsureSuccessStatusCode();
        var here = Envelopes.Parse(Envelopes.Value("shared-id", Deal, "2025-01-21", 1m));
        var there = Envelopes.Parse(Envelopes.Value("shared-id", "other-deal", "2025-01-21", 1m));

        await using var session = Api.Store.LightweightSession(new SessionOptions { Listeners = { new CommitFirst(Api.Store, there) } });
        var outcome = await FactLedger.RecordAsync(session, here, ifMatch: null, CancellationToken.None);

        Assert.IsType<RecordOutcome.Conflict>(outcome);
        Assert.Equal(3, await Api.EventCountAsync());
    }

    /// <summary>Just before the session commits, another writer records a fact on the same deal.</summary>
    private sealed class CommitFirst(IDocumentStore store, Domain.Facts.ParsedFact other) : DocumentSessionListenerBase
    {
        public override async Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
        {
            await using var rival = store.LightweightSession();
            var state = await rival.Events.FetchStreamStateAsync(other.Subject, token);
            rival.Events.Append(other.Subject, state!.Version + 1, other.Event);
            await rival.SaveChangesAsync(token);
        }
    }
}
