using System.Collections.Concurrent;
using DealLedger.Domain.Deals;
using DealLedger.Testing;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events;
using Marten.Events.Aggregation;
using Marten.Internal.Sessions;
using Marten.Services;

namespace DealLedger.Projections.Tests.Replay;

/// <summary>
/// A read model that sends a message per deal it sees: a new version catching up over the history its
/// previous version already handled, and a rebuild, send nothing again; new facts are still announced once.
/// </summary>
public class SideEffectsTests(LedgerStoreFixture ledger) : StoreTest(ledger)
{
    private const string Schema = "test_side_effects";

    [Fact]
    public async Task a_new_version_and_a_rebuild_do_not_send_again_what_the_previous_version_sent()
    {
        var first = new RecordingOutbox();
        using (var v1 = Store(1, first))
        {
            await v1.Advanced.Clean.CompletelyRemoveAllAsync();
            await LedgerStoreFixture.RecordAsync(v1, SeedData.Facts());
            await CatchUpAsync(v1);
        }

        var deals = SeedData.Facts().Where(f => f.Type.Name == "deal.reported").Select(f => f.Subject).Distinct().Order().ToList();
        Assert.Equal(deals, first.Sent.Order());

        var second = new RecordingOutbox();
        using var v2 = Store(2, second);
        await CatchUpAsync(v2);
        Assert.Empty(second.Sent);
        await using (var session = v2.QuerySession())
        {
            Assert.Equal(deals.Count, await session.Query<DealNotice>().CountAsync());
        }

        await LedgerStoreFixture.RecordAsync(v2, [Envelopes.Parse(Envelopes.Deal("late-deal", "a-late-deal", "2026-01-05"))]);
        await CatchUpAsync(v2);
        Assert.Equal(["a-late-deal"], second.Sent);

        using var daemon = await v2.BuildProjectionDaemonAsync();
        await CatchUp.RebuildAsync(daemon, v2, "DealNotices");
        Assert.Equal(["a-late-deal"], second.Sent);
    }

    private DocumentStore Store(uint version, RecordingOutbox outbox) =>
        DocumentStore.For(options =>
        {
            LedgerStore.Configure(options, Ledger.ConnectionString, Schema, models: []);
            ReadModels.Add(options, new ReadModel("DealNotices", typeof(DealNotice), ProjectionLifecycle.Async, () => new DealNoticesProjection(), version));
            options.Events.MessageOutbox = outbox;
        });

    private static async Task CatchUpAsync(DocumentStore store)
    {
        using var daemon = await store.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();
        await CatchUp.WaitAsync(store, store.WaitForNonStaleProjectionDataAsync);
        await daemon.StopAllAsync();
    }
}

public sealed class DealNotice
{
    public string Id { get; set; } = "";
    public int Facts { get; set; }
}

public sealed record DealAnnounced(string Deal);

/// <summary>Announces each newly reported deal (a side effect).</summary>
public sealed partial class DealNoticesProjection : SingleStreamProjection<DealNotice, string>
{
    public static void Apply(DealNotice notice, DealReported reported) => notice.Facts++;

    public override ValueTask RaiseSideEffects(IDocumentOperations operations, IEventSlice<DealNotice> slice)
    {
        foreach (var reported in slice.Events().Where(e => e.Data is DealReported))
        {
            slice.PublishMessage(new DealAnnounced(reported.StreamKey!));
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>Collects what the projections publish, as a message bus would receive it.</summary>
public sealed class RecordingOutbox : IMessageOutbox
{
    private readonly ConcurrentQueue<string> _sent = new();

    public IReadOnlyList<string> Sent => _sent.ToList();

    public ValueTask<IMessageBatch> CreateBatch(DocumentSessionBase session) => new(new Batch(_sent));

    // Marten publishes from parallel event slices into one batch, so the batch must take concurrent adds.
    private sealed class Batch(ConcurrentQueue<string> sent) : IMessageBatch
    {
        private readonly ConcurrentQueue<string> _pending = new();

        public ValueTask PublishAsync<T>(T message, string tenantId) => PublishAsync(message, new MessageMetadata());

        public ValueTask PublishAsync<T>(T message, MessageMetadata metadata)
        {
            if (message is DealAnnounced announced)
            {
                _pending.Enqueue(announced.Deal);
            }

            return ValueTask.CompletedTask;
        }

        public Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
        {
            foreach (var deal in _pending)
            {
                sent.Enqueue(deal);
            }

            return Task.CompletedTask;
        }

        public Task BeforeCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token) => Task.CompletedTask;
    }
}
