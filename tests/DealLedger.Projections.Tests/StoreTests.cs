using DealLedger.Projections.Deals;
using DealLedger.Testing;

namespace DealLedger.Projections.Tests;

[CollectionDefinition(Name)]
public sealed class StoreTests : ICollectionFixture<LedgerStoreFixture>
{
    public const string Name = "store";
}

/// <summary>Every test starts from an empty ledger.</summary>
[Collection(StoreTests.Name)]
public abstract class StoreTest(LedgerStoreFixture ledger) : IAsyncLifetime
{
    protected LedgerStoreFixture Ledger { get; } = ledger;

    public Task InitializeAsync() => Ledger.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    protected Task Record(params System.Text.Json.Nodes.JsonObject[] envelopes) =>
        Ledger.RecordAsync(envelopes.Select(Envelopes.Parse));

    protected async Task<T> Load<T>(string id) where T : notnull
    {
        await using var session = Ledger.Store.QuerySession();

        // A deal summary as every answer gives it: the stored document with its per-report history put back.
        var found = typeof(T) == typeof(DealSummary)
            ? (T?)(object?)await DealSummaries.LoadAsync(session, id, default)
            : await session.LoadAsync<T>(id);
        return found ?? throw new InvalidOperationException($"no {typeof(T).Name} '{id}'");
    }
}
