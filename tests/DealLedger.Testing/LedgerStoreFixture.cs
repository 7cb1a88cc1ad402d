using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DealLedger.Domain.Facts;
using DealLedger.Projections;
using JasperFx.Events.Daemon;
using Marten;
using Marten.Events;

namespace DealLedger.Testing;

/// <summary>
/// A Marten store on the run's PostgreSQL, configured exactly as the API configures it. A test assembly that
/// shares a server with another one derives its own fixture from this one: the schema is named after the
/// assembly of the fixture's type, so the two never reset each other's data.
/// </summary>
public class LedgerStoreFixture : IAsyncLifetime
{
    private readonly PostgresServer _server = new();

    public LedgerStoreFixture() => Schema = PostgresServer.SchemaFor(GetType().Assembly.GetName().Name + "_store");

    public DocumentStore Store { get; private set; } = null!;

    public string ConnectionString => _server.ConnectionString;

    public string Schema { get; }

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

    /// <summary>Records facts as an import stores them (see <see cref="RecordAsync(IDocumentStore, IEnumerable{ParsedFact}, string)"/>).</summary>
    public Task RecordAsync(IEnumerable<ParsedFact> facts, string recorder = "test") => RecordAsync(Store, facts, recorder);

    /// <summary>
    /// Appends facts to a store's ledger as <c>POST /facts/import</c> stores them: in one transaction, by subject in
    /// order of first appearance, each new subject's stream started with its kind's aggregate type, each existing one
    /// appended at its expected version, the recorder's name on every event. The ledger's rules (references,
    /// stream kinds, repeats) are not checked here: they have their own tests; these tests are about what the read
    /// models make of the log.
    /// </summary>
    public static async Task RecordAsync(IDocumentStore store, IEnumerable<ParsedFact> facts, string recorder = "test")
    {
        await using var session = store.LightweightSession();
        session.LastModifiedBy = recorder;
        var bySubject = facts.GroupBy(f => f.Subject, StringComparer.Ordinal).ToList();
        var batch = session.CreateBatchQuery();
        var states = bySubject.Select(g => batch.Events.FetchStreamState(g.Key)).ToList();
        await batch.Execute();
        foreach (var (subject, state) in bySubject.Zip(states))
        {
            var events = subject.Select(f => (object)f.Event).ToArray();
            if (await state is { } existing)
            {
                session.Events.Append(subject.Key, existing.Version + events.Length, events);
            }
            else
            {
                var kind = subject.First().Type.Stream
                    ?? throw new InvalidOperationException($"'{subject.Key}' is not in the ledger and a {subject.First().Type.Name} cannot start it");
                session.Events.StartStream(LedgerStore.AggregateTypeOf(kind), subject.Key, events);
            }
        }

        await session.SaveChangesAsync();
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
            $"select data::text from {((Marten.IReadOnlyStoreOptions)Store.Options).FindOrResolveDocumentType(model.DocumentType).TableName.QualifiedName} order by id", CancellationToken.None);
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
