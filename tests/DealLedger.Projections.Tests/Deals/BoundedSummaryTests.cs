using DealLedger.Projections.Deals;
using DealLedger.Testing;
using Marten;

namespace DealLedger.Projections.Tests.Deals;

/// <summary>
/// The stored deal summary keeps current values only; every answer puts the per-report history back
/// (<see cref="DealSummaries"/>), from a whole summary kept in memory or folded again from the deal's events.
/// Whatever the path, the answer is the fold of the deal's committed events.
/// </summary>
public class BoundedSummaryTests(LedgerStoreFixture ledger) : StoreTest(ledger)
{
    private const string Deal = "oracle-openai-cloud-2025";

    [Fact]
    public async Task facts_recorded_one_at_a_time_give_every_deal_the_summary_its_whole_stream_folds_to()
    {
        // The seed has corrections, retractions, corroborations, disputes, milestones, relations and rights.
        foreach (var fact in SeedData.Facts())
        {
            await Ledger.RecordAsync([fact]);
        }

        await AssertComposedIsTheFoldAsync();
    }

    [Fact]
    public async Task the_stored_document_keeps_no_per_report_history_and_does_not_grow_with_it()
    {
        await Record(Envelopes.Deal("d1", Deal, "2025-09-10"), Envelopes.Value("v0", Deal, "2025-09-10", 1m));
        var sizes = new List<int>();
        for (var i = 1; i <= 60; i++)
        {
            await Record(Envelopes.Value($"v{i}", Deal, "2025-09-11", i + 1m, publisher: i % 2 == 0 ? "WSJ" : "Reuters"));
            if (i is 10 or 60)
            {
                sizes.Add(Ledger.Store.Options.Serializer().ToJson(await StoredAsync()).Length);
            }
        }

        var stored = await StoredAsync();
        Assert.All(stored.Terms.Values, t => Assert.Empty(t.Reports));
        Assert.Empty(stored.Statuses);
        // 50 more reports; only a few digits (ids, amounts, versions) may differ.
        Assert.InRange(sizes[1], sizes[0] - 16, sizes[0] + 16);
        Assert.Equal(61, (await Load<DealSummary>(Deal)).Terms["total-value"].Reports.Count);
        await AssertComposedIsTheFoldAsync();
    }

    [Fact]
    public async Task a_write_that_fails_leaves_nothing_of_itself_in_later_answers()
    {
        await Record(Envelopes.Deal("d1", Deal, "2025-09-10"), Envelopes.Value("v1", Deal, "2025-09-10", 1m));

        // Appended at a version the stream already has: the inline fold runs, the commit fails.
        await using (var session = Ledger.Store.LightweightSession())
        {
            session.Events.Append(Deal, 2, Envelopes.Parse(Envelopes.Value("lost", Deal, "2025-09-12", 99m)).Event);
            await Assert.ThrowsAnyAsync<Exception>(() => session.SaveChangesAsync());
        }

        Assert.DoesNotContain((await Load<DealSummary>(Deal)).Terms["total-value"].Reports, r => r.Source.FactId == "lost");
        await Record(Envelopes.Value("v2", Deal, "2025-09-13", 2m));
        var total = (await Load<DealSummary>(Deal)).Terms["total-value"];
        Assert.Equal(["v1", "v2"], total.Reports.Select(r => r.Source.FactId));
        await AssertComposedIsTheFoldAsync();
    }

    [Fact]
    public async Task a_node_whose_summary_is_behind_another_nodes_writes_answers_with_them()
    {
        await Record(Envelopes.Deal("d1", Deal, "2025-09-10"), Envelopes.Value("v1", Deal, "2025-09-10", 1m));
        await Load<DealSummary>(Deal);

        // Another node (a store of its own, so a cache of its own) records two more facts.
        using (var other = Ledger.CreateStore())
        {
            await LedgerStoreFixture.RecordAsync(other, [Envelopes.Parse(Envelopes.Value("v2", Deal, "2025-09-11", 2m))]);
            await LedgerStoreFixture.RecordAsync(other, [Envelopes.Parse(Envelopes.Value("v3", Deal, "2025-09-12", 3m))]);
        }

        Assert.Equal(["v1", "v2", "v3"], (await Load<DealSummary>(Deal)).Terms["total-value"].Reports.Select(r => r.Source.FactId));
        await Record(Envelopes.Value("v4", Deal, "2025-09-13", 4m));
        Assert.Equal(["v1", "v2", "v3", "v4"], (await Load<DealSummary>(Deal)).Terms["total-value"].Reports.Select(r => r.Source.FactId));
        await AssertComposedIsTheFoldAsync();
    }

    private async Task<DealSummary> StoredAsync()
    {
        await using var session = Ledger.Store.QuerySession();
        return (await session.LoadAsync<DealSummary>(Deal))!;
    }

    private async Task AssertComposedIsTheFoldAsync()
    {
        var serializer = Ledger.Store.Options.Serializer();
        await using var session = Ledger.Store.QuerySession();
        var ids = await session.Query<DealSummary>().Select(d => d.Id).ToListAsync();
        Assert.NotEmpty(ids);
        foreach (var id in ids)
        {
            var composed = await DealSummaries.LoadAsync(session, id, default);
            var folded = DealSummaryProjection.Fold(null, id, await session.Events.FetchStreamAsync(id));
            folded.Version = composed!.Version;
            Assert.Equal(serializer.ToJson(folded), serializer.ToJson(composed));
        }
    }
}
