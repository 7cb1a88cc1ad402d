using DealLedger.Testing;

namespace DealLedger.Api.Tests;

/// <summary>
/// A bare ledger store (no API host) for tests that run the API's command line on it, in a schema of this
/// assembly's own (named after it: see <see cref="LedgerStoreFixture"/>).
/// </summary>
public sealed class CliLedgerFixture : LedgerStoreFixture;

[CollectionDefinition(Name)]
public sealed class CliTests : ICollectionFixture<CliLedgerFixture>
{
    public const string Name = "cli";
}

/// <summary>Every test starts from an empty ledger.</summary>
[Collection(CliTests.Name)]
public abstract class CliTest(CliLedgerFixture ledger) : IAsyncLifetime
{
    protected LedgerStoreFixture Ledger { get; } = ledger;

    public Task InitializeAsync() => Ledger.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}
