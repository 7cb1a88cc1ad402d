using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DealLedger.Api.Facts;
using DealLedger.Domain.Facts;
using DealLedger.Projections;
using JasperFx.Events.Daemon;
using Marten;
using Marten.Events;

namespace DealLedger.Testing;

/// <summary>A Marten store on the run's PostgreSQL, configured exactly as the API configures it.</summary>
public sealed class LedgerStoreFixture : IAsyncLifetime
{
    private readonly PostgresServer _server = new();

    public DocumentStore Store { get; private set; } = null!;

    public string ConnectionString => _server.ConnectionString;

    public string Schema { get; } = PostgresServer.SchemaFor(typeof(LedgerStoreFixture).Assembly.GetName().Name + "_store");

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        Store = CreateStore();
        await Store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    }

    /// <summary>Another store on the same database, optionally with more read models (as a later version would add).</summary>
    public DocumentStore CreateStore(Action<StoreOptions>? more = null) =>
        DocumentStore.For(options =>
        {
            LedgerStore.Configure(options, ConnectionString, Schema);
            more?.Invoke(options);
        });

    public async Task ResetAsync()
    {
        await Store.Advanced.Clean.DeleteAllDocumentsAsync();
        await Store.Advanced.Clean.DeleteAllEventDataAsync();
    }

    /// <summary>Records facts through the same path as <c>POST /facts/import</c>.</summary>
    public Task RecordAsync(IEnumerable<ParsedFact> facts, string recorder = "test") => RecordAsync(Store, facts, recorder);

    /// <summary>Records facts into another store's ledger, through the same path as <c>POST /facts/import</c>.</summary>
    public static async Task RecordAsync(IDocumentStore store, IEnumerable<ParsedFact> facts, string recorder = "test")
    {
        await using var session = store.LightweightSession();
        session.LastModifiedBy = recorder;
        var (summary, errors, conflict) = await FactLedger.ImportAsync(session, facts.Select((f, i) => (i + 1, f)).ToList(), CancellationToken.None);
        if (summary is null)
        {
            throw new InvalidOperationException(conflict ?? string.Join("; ", errors.Select(e => $"{e.Line}: {string.Join(", ", e.Errors)}")));
        }
    }

    /// <summary>Runs the async daemon until every async read model has caught up with the log.</summary>
    public async Task CatchUpAsync()
    {
        using var daemon = await Store.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();
        await CatchUp.WaitAsync(Store, Store.WaitForNonStaleProjectionDataAsync);
        await daemon.StopAllAsync();
    }

    /// <summary>Every document of a read model as normalised JSON (re-encoded, so jsonb key order is no noise), in id order.</summary>
    public async Task<IReadOnlyList<string>> DocumentsAsync(ReadModel model)
    {
        await using var session = Store.QuerySession();
        var json = await session.AdvancedSql.QueryAsync<string>(
            $"select data::text from {((IReadOnlyStoreOptions)Store.Options).FindOrResolveDocumentType(model.DocumentType).TableName.QualifiedName} order by id", CancellationToken.None);
        return json.Select(d => JsonSerializer.Serialize(JsonSerializer.Deserialize<JsonElement>(d))).ToList();
    }

    /// <summary>A read model's document count and a SHA-256 over all its documents.</summary>
    public async Task<string> HashAsync(ReadModel model)
    {
        var documents = await DocumentsAsync(model);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var document in documents)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(document));
        }

        return $"{documents.Count}:{Convert.ToHexString(hash.GetHashAndReset())}";
    }

    public async Task DisposeAsync()
    {
        Store?.Dispose();
        await _server.DisposeAsync();
    }
}
