using DealLedger.Domain.Facts;
using DealLedger.Domain.Sources;
using DealLedger.Projections.Deals;
using DealLedger.Projections.Estimates;
using DealLedger.Testing;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events;
using Marten.Events.Projections;

namespace DealLedger.Projections.Tests.Replay;

public class RebuildTests(LedgerStoreFixture ledger) : StoreTest(ledger)
{
    [Fact]
    public async Task rebuilding_every_read_model_from_the_log_gives_the_documents_built_live()
    {
        await Ledger.RecordAsync(SeedData.Facts());
        await Ledger.RecordAsync(LedgerGenerator.Generate(seed: 7, deals: 40, factsPerDeal: 12, estimates: 10, revisionsPerEstimate: 5)
            .Select(Envelopes.Parse));
        await Ledger.CatchUpAsync();
        var live = await SnapshotAsync();
        Assert.All(live, model => Assert.NotEmpty(model.Value));

        foreach (var model in ReadModels.All)
        {
            await Ledger.Store.Advanced.Clean.DeleteDocumentsByTypeAsync(model.DocumentType);
        }

        using (var daemon = await Ledger.Store.BuildProjectionDaemonAsync())
        {
            foreach (var model in ReadModels.All)
            {
                await CatchUp.RebuildAsync(daemon, Ledger.Store, model.Name);
            }
        }

        var rebuilt = await SnapshotAsync();
        foreach (var model in ReadModels.All)
        {
            Assert.Equal(live[model.Name].Count, rebuilt[model.Name].Count);
            foreach (var (before, after) in live[model.Name].Zip(rebuilt[model.Name]))
            {
                Assert.Equal(before, after);
            }
        }
    }

    [Fact]
    public async Task facts_recorded_one_at_a_time_give_the_documents_a_rebuild_and_a_whole_stream_fold_give()
    {
        var facts = new List<System.Text.Json.Nodes.JsonObject>(LedgerGenerator.Generate(seed: 3, deals: 15, factsPerDeal: 12, relations: true))
        {
            Envelopes.Deal("m0", "chip-deal", "2025-01-01"),
            Envelopes.Envelope("m1", "deal.milestone-reported", "chip-deal", "2025-05-01", new { milestone = "production-start", description = "late", expected = "summer 2026" }),
            Envelopes.Envelope("m2", "fact.retracted", "chip-deal", "2025-05-02", new { factId = "m1" }),
            Envelopes.Envelope("m3", "deal.milestone-reported", "chip-deal", "2025-03-01", new { milestone = "production-start", description = "early", expected = "Q1 2026" }),
            Envelopes.Value("m4", "chip-deal", "2025-03-01", 10m, publisher: "A"),
            Corrects(Envelopes.Value("m5", "chip-deal", "2025-03-02", 12m, publisher: "A"), "m4"),
            Envelopes.Value("m6", "chip-deal", "2025-03-03", 12m, publisher: "B"),
            Envelopes.Value("m7", "chip-deal", "2025-03-04", 12m, publisher: "A"),
            Envelopes.Envelope("m8", "deal.right-granted", "chip-deal", "2025-02-01", new { right = "exclusivity", grantor = "oracle", grantee = "openai", scope = "cloud" }),
            Envelopes.Envelope("m9", "deal.right-lifted", "chip-deal", "2025-06-01", new { right = "exclusivity", grantor = "oracle", grantee = "openai", replacedBy = "a first refusal" }),
            Envelopes.Envelope("m10", "fact.retracted", "chip-deal", "2025-06-02", new { factId = "m9" }),
            Envelopes.Envelope("m11", "deal.stake-reported", "chip-deal", "2025-02-02", new { holder = "openai", company = "oracle", percent = 1.5m, dilution = "after-dilution" }),
            Envelopes.Envelope("m12", "deal.securities-reported", "chip-deal", "2025-02-03", new
            {
                instrument = "option", count = 1000, issuer = "oracle", holder = "openai", vesting = new[] { new { milestone = "first site", count = 500, expected = "2026" } },
            }),
            Envelopes.Envelope("m13", "deal.quantity-reported", "chip-deal", "2025-02-04", new
            {
                unit = "MW", quantity = 300, precision = "about", schedule = new[] { new { period = "2026", quantity = 100 } },
            }),
            Envelopes.Envelope("m14", "deal.status-changed", "chip-deal", "2025-02-05", new { status = "memorandum-of-understanding" }),
            Envelopes.Estimate("e0", "burn", "2025-01-01", 35m, first: true),
            Envelopes.Envelope("e1", "estimate.revised", "burn", "2025-06-01",
                new { value = new { amount = 115m, currency = "USD" }, horizon = "2025/2030" }, "The Information"),
            Envelopes.Estimate("e2", "burn", "2025-04-01", 50m, first: false),
            Envelopes.Estimate("e3", "burn", "2025-07-01", 120m, first: false),
        };
        foreach (var fact in facts)
        {
            await Ledger.RecordAsync([Envelopes.Parse(fact)]);
        }

        await Ledger.CatchUpAsync();
        var live = await SnapshotAsync();

        await using (var session = Ledger.Store.QuerySession())
        {
            var serializer = Ledger.Store.Options.Serializer();
            foreach (var id in new[] { "chip-deal", "gen-deal-3-0", "gen-deal-3-7" })
            {
                var stored = await DealSummaries.LoadAsync(session, id, default);
                var folded = DealSummaryProjection.Fold(null, id, await session.Events.FetchStreamAsync(id));
                folded.Version = stored!.Version;
                Assert.Equal(serializer.ToJson(stored), serializer.ToJson(folded));
            }

            var chip = await DealSummaries.LoadAsync(session, "chip-deal", default);
            Assert.Equal("early", Assert.Single(chip!.Milestones).Description);
            Assert.Equal(12m, chip.Terms["total-value"].Value!.Money!.Amount);
            Assert.Equal(["first", "first", "corroboration", "restatement"], chip.Terms["total-value"].Reports.Select(r => r.Change));
            Assert.Equal("in-force", Assert.Single(chip.Rights).State);
            Assert.Equal(["signed:binding", "memorandum-of-understanding:non-binding"], chip.StatusHistory.Select(s => $"{s.Status}:{s.Binding}"));
            var burn = await session.LoadAsync<EstimateHistory>("burn");
            // A revision stating no horizon keeps the one stated last in log order (e2 was recorded after e1).
            Assert.Equal(["2025/2029", "2025/2030", "2025/2030", "2025/2030"], burn!.Revisions.Select(r => r.Horizon.Text));
        }

        using (var daemon = await Ledger.Store.BuildProjectionDaemonAsync())
        {
            foreach (var model in ReadModels.All)
            {
                await CatchUp.RebuildAsync(daemon, Ledger.Store, model.Name);
            }
        }

        var rebuilt = await SnapshotAsync();
        foreach (var model in ReadModels.All)
        {
            Assert.Equal(live[model.Name], rebuilt[model.Name]);
        }
    }

    private static System.Text.Json.Nodes.JsonObject Corrects(System.Text.Json.Nodes.JsonObject fact, string factId)
    {
        fact["corrects"] = factId;
        return fact;
    }

    [Fact]
    public async Task a_read_model_registered_later_is_filled_from_the_whole_history()
    {
        var seed = SeedData.Facts();
        await Ledger.RecordAsync(seed);

        using var later = Ledger.CreateStore(options => options.Projections.Add<PublisherTallyProjection>(ProjectionLifecycle.Async));
        await later.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        using (var daemon = await later.BuildProjectionDaemonAsync())
        {
            await daemon.StartAllAsync();
            await CatchUp.WaitAsync(later, later.WaitForNonStaleProjectionDataAsync);
            await daemon.StopAllAsync();
        }

        await using var session = later.QuerySession();
        var tallies = await session.Query<PublisherTally>().ToListAsync();
        var expected = seed.GroupBy(f => f.Event.Fact.Source.Publisher).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expected.OrderBy(e => e.Key), tallies.ToDictionary(t => t.Id, t => t.Facts).OrderBy(e => e.Key));
    }

    [Fact]
    public async Task events_are_stored_under_their_pinned_fact_type_names()
    {
        await Ledger.RecordAsync(SeedData.Facts());

        await using var session = Ledger.Store.QuerySession();
        var stored = await session.Events.QueryAllRawEvents().Select(e => e.EventTypeName).Distinct().ToListAsync();

        Assert.NotEmpty(stored);
        Assert.All(stored, name => Assert.True(FactTypes.ByName.ContainsKey(name), $"'{name}' is not a pinned fact type name"));
    }

    private async Task<Dictionary<string, IReadOnlyList<string>>> SnapshotAsync()
    {
        var snapshot = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var model in ReadModels.All)
        {
            snapshot[model.Name] = await Ledger.DocumentsAsync(model);
        }

        return snapshot;
    }
}

/// <summary>A read model a later version adds: facts per publisher.</summary>
public sealed class PublisherTally
{
    public string Id { get; set; } = "";
    public int Facts { get; set; }
}

public sealed partial class PublisherTallyProjection : MultiStreamProjection<PublisherTally, string>
{
    public PublisherTallyProjection()
    {
        Identity<IFact>(e => e.Fact.Source.Publisher);
    }

    public override PublisherTally Evolve(PublisherTally? snapshot, string id, IEvent e) =>
        new() { Id = id, Facts = (snapshot?.Facts ?? 0) + 1 };
}
