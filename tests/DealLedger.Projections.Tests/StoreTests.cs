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
        return await session.LoadAsync<T>(id) ?? throw new InvalidOperationException($"no {typeof(T).Name} '{id}'");
    }
}
