using DealLedger.Testing;

namespace DealLedger.Api.Tests;

[CollectionDefinition(Name)]
public sealed class ApiTests : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}

/// <summary>Every test starts from an empty ledger.</summary>
[Collection(ApiTests.Name)]
public abstract class ApiTest(ApiFixture api) : IAsyncLifetime
{
    protected ApiFixture Api { get; } = api;

    public Task InitializeAsync() => Api.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}
