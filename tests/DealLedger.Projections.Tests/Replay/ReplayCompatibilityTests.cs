using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DealLedger.Domain.Facts;
using DealLedger.Domain.Sources;
using DealLedger.Projections.Deals;
using DealLedger.Projections.Estimates;
using DealLedger.Projections.Facts;
using DealLedger.Testing;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace DealLedger.Projections.Tests.Replay;

/// <summary>
/// Events written by commit 0395752 (tests/fixtures/ledger-0395752.*: the seed, every docs/facts.md example, a few
/// extra shapes and a generated ledger, exported row by row from mt_events and mt_streams) are loaded exactly as
/// stored into a fresh schema of this version, read back and replayed into every read model this version registers.
/// Read models may change on purpose (docs/reliability.md lists the intended differences); what a stored event says
/// may not. The fixture is never edited: a stored shape that has to change gets an upcaster.
/// </summary>
[Collection(StoreTests.Name)]
public sealed class ReplayCompatibilityTests(LedgerStoreFixture ledger, Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const string Commit = "0395752";
    private static readonly string Events = Fixture($"ledger-{Commit}.ndjson.gz");
    private static readonly string Streams = Fixture($"ledger-{Commit}.streams.ndjson");

    /// <summary>
    /// Stored members this version derives instead of reading (serialized by the version that wrote them, ignored on
    /// read). A path belongs here only when nothing is lost by not reading it; a stored shape mapped by an upcaster
    /// is listed with the upcaster's name.
    /// </summary>
    private static readonly HashSet<string> DerivedOnRead = new(StringComparer.Ordinal)
    {
        "fact.effectiveFrom", // FactInfo.EffectiveFrom: Effective.From ?? ReportedOn
    };

    private readonly string _schema = PostgresServer.SchemaFor(typeof(ReplayCompatibilityTests).Assembly.GetName().Name + "_replay_" + Commit);
    private DocumentStore _store = null!;

    public async Task InitializeAsync()
    {
        await DropSchemaAsync();
        _store = ledger.CreateStore(options => options.DatabaseSchemaName = _schema);
        await _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        _store.Dispose();
        await DropSchemaAsync();
    }

    [Fact]
    public async Task a_ledger_written_by_0395752_loads_reads_back_and_replays_into_every_read_model()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var stored = ReadLines(Events);
        var streams = ReadLines(Streams);
        Assert.Equal(2048, stored.Count);
        Assert.Equal(188, streams.Count);
        await LoadAsync("mt_streams", streams);
        await LoadAsync("mt_events", stored);
        await SetSequenceAsync(stored.Count);

        output.WriteLine($"loaded {stored.Count} events, {streams.Count} streams: {clock.ElapsedMilliseconds} ms");

        // 1. Every event reads back as its current event type, with its metadata, and drops nothing it stored.
        var kinds = new Dictionary<string, StreamKind>(StringComparer.Ordinal);
        await using (var session = _store.QuerySession())
        {
            var events = await session.Events.QueryAllRawEvents().OrderBy(e => e.Sequence).ToListAsync();
            Assert.Equal(stored.Count, events.Count);
            var serializer = _store.Options.Serializer();
            foreach (var (row, e) in stored.Zip(events))
            {
                var type = row.GetProperty("type").GetString()!;
                Assert.True(FactTypes.ByName.TryGetValue(type, out var factType), $"seq {e.Sequence}: '{type}' is not a fact type");
                Assert.IsType(factType.EventType, e.Data);
                var fact = Assert.IsAssignableFrom<IFact>(e.Data);
                Assert.NotNull(fact.Fact);
                Assert.NotNull(fact.Fact.Source);
                Assert.Equal(row.GetProperty("data").GetProperty("fact").GetProperty("factId").GetString(), fact.Fact.FactId);

                Assert.Equal(row.GetProperty("seq_id").GetInt64(), e.Sequence);
                Assert.Equal(row.GetProperty("id").GetGuid(), e.Id);
                Assert.Equal(row.GetProperty("stream_id").GetString(), e.StreamKey);
                Assert.Equal(row.GetProperty("version").GetInt64(), e.Version);
                Assert.Equal(type, e.EventTypeName);
                Assert.Equal(DateTimeOffset.Parse(row.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture), e.Timestamp);
                Assert.Equal(row.GetProperty("correlation_id").GetString(), e.CorrelationId);
                Assert.Equal(row.GetProperty("user_name").GetString(), e.UserName);

                var dropped = Dropped(row.GetProperty("data"), JsonNode.Parse(serializer.ToJson(e.Data)), "").ToList();
                Assert.True(dropped.Count == 0, $"seq {e.Sequence} ({type}): stored values not read back: {string.Join("; ", dropped)}");
            }

            // 2. Every stream keeps its kind (from the aggregate type stored in mt_streams) and its version.
            foreach (var stream in streams)
            {
                var id = stream.GetProperty("id").GetString()!;
                var state = await session.Events.FetchStreamStateAsync(id);
                Assert.NotNull(state);
                Assert.Equal(stream.GetProperty("version").GetInt64(), state.Version);
                var kind = FactTypes.Of((IFact)events.First(e => e.StreamKey == id).Data).Stream!.Value;
                kinds[id] = kind;
                Assert.True(LedgerStore.KindOf(state) == kind,
                    $"stream '{id}' (stored type '{stream.GetProperty("type").GetString()}') reads as {LedgerStore.KindOf(state)?.ToString() ?? "no kind"}");
            }
        }

        output.WriteLine($"read back and checked: {clock.ElapsedMilliseconds} ms");

        // 3. Every read model this version registers rebuilds from the stored log, skipping nothing.
        var rebuildErrors = _store.Options.Projections.RebuildErrors;
        Assert.False(rebuildErrors.SkipApplyErrors || rebuildErrors.SkipSerializationErrors || rebuildErrors.SkipUnknownEvents);
        using (var daemon = await _store.BuildProjectionDaemonAsync())
        {
            foreach (var model in ReadModels.All)
            {
                await CatchUp.RebuildAsync(daemon, _store, model.Name);
            }
        }

        output.WriteLine($"rebuilt {ReadModels.All.Count} read models: {clock.ElapsedMilliseconds} ms");

        // Async read models record how far they read; inline ones leave no progression row (their counts and
        // versions are checked below).
        var progress = await _store.Advanced.AllProjectionProgress();
        foreach (var model in ReadModels.All.Where(m => m.Lifecycle == ProjectionLifecycle.Async))
        {
            Assert.True(ReadModels.ProgressOf(progress, model) == stored.Count, $"{model.Name} rebuilt to {ReadModels.ProgressOf(progress, model)}");
        }

        await using (var session = _store.QuerySession())
        {
            Assert.Equal(0, await session.Query<DeadLetterEvent>().CountAsync());
            foreach (var model in ReadModels.All)
            {
                var count = await session.AdvancedSql.QueryAsync<long>(
                    $"select count(*) from {((Marten.IReadOnlyStoreOptions)_store.Options).FindOrResolveDocumentType(model.DocumentType).TableName.QualifiedName}", CancellationToken.None);
                Assert.True(count.Single() > 0, $"{model.Name} is empty after its rebuild");
            }

            // 4. What the ledger answers from these facts, in words that must never change meaning.
            // One summary per deal and one history per estimate, each at its stream's version (the deal's ETag).
            var versions = streams.ToDictionary(s => s.GetProperty("id").GetString()!, s => s.GetProperty("version").GetInt64());
            var deals = await session.Query<DealSummary>().ToListAsync();
            Assert.Equal(kinds.Where(k => k.Value == StreamKind.Deal).Select(k => k.Key).Order(), deals.Select(d => d.Id).Order());
            Assert.All(deals, d => Assert.Equal(versions[d.Id], d.Version));
            var estimates = await session.Query<EstimateHistory>().ToListAsync();
            Assert.Equal(kinds.Where(k => k.Value == StreamKind.Estimate).Select(k => k.Key).Order(), estimates.Select(d => d.Id).Order());
            Assert.All(estimates, d => Assert.Equal(versions[d.Id], d.Version));
            Assert.Equal(stored.Count, await session.Query<FactIndexEntry>().CountAsync());

            // The seed's cash-burn estimate: ~$35B, then ~$115B (+$80B as stated).
            var burn = (await session.LoadAsync<EstimateHistory>("openai-cash-burn-2025-2029"))!;
            Assert.Equal([35_000_000_000m, 115_000_000_000m], burn.Revisions.Select(r => r.Value.Amount!.Value));
            Assert.Equal((115_000_000_000m, "USD", Money.About), Of(burn.Current!.Value));
            Assert.Equal(80_000_000_000m, burn.Current.StatedChange!.Amount);
            Assert.Equal("2025/2029", burn.Horizon!.Text);

            // The Oracle contract: $300B over about 60 months from 2027, corroborated by Reuters; its first-year
            // figure retracted (docs example).
            var oracle = (await DealSummaries.LoadAsync(session, "oracle-openai-cloud-2025", default))!;
            Assert.Equal((300_000_000_000m, "USD", Money.Exact), Of(oracle.Terms["total-value"].Value!.Money!));
            Assert.Equal((60m, "about"), (oracle.Terms[DealTerms.Duration].Value!.Quantity!.Value, oracle.Terms[DealTerms.Duration].Value!.Precision));
            Assert.Equal("2027", oracle.Terms[DealTerms.Start].Value!.Period!.Text);
            Assert.Equal(["openai", "oracle"], oracle.Parties.Select(p => p.Party).Order());
            Assert.Contains("Reuters", oracle.Terms["total-value"].ReportedBy);
            Assert.False(oracle.Terms.TryGetValue("first-year-value", out var firstYear) && firstYear.Value is not null,
                "the retracted first-year figure is still current");

            // Stargate stalled, with Oracle joined as a partner (docs example); the Texas claim disputed.
            var stargate = (await DealSummaries.LoadAsync(session, "stargate-2025", default))!;
            Assert.Equal("stalled", stargate.Status);
            Assert.Contains(stargate.Parties, p => p is { Party: "oracle", Role: "partner" });
            Assert.True((await DealSummaries.LoadAsync(session, "oracle-openai-texas-datacenter", default))!.Flags.HasDisputedClaims);

            // The extra shapes: a correction replaces the corrected value; a range keeps both bounds; an estimate
            // revision with a negative stated change and a new horizon.
            var extra = (await DealSummaries.LoadAsync(session, "compat-example-deal-2024", default))!;
            Assert.Equal(25_000_000_000m, extra.Terms["total-value"].Value!.Money!.Amount);
            var annual = extra.Terms["annual-value"].Value!.Money!;
            Assert.Equal((5_000_000_000m, "EUR", Money.Range, 8_000_000_000m), (annual.Amount, annual.Currency, annual.Precision, annual.Max));
            Assert.Equal(["amd", "microsoft", "openai"], extra.Parties.Select(p => p.Party).Distinct().Order());
            var valuation = (await session.LoadAsync<EstimateHistory>("compat-example-valuation"))!;
            Assert.Equal((150_000_000_000m, "USD", Money.AtLeast), Of(valuation.Current!.Value));
            Assert.Equal(-7_000_000_000m, valuation.Current.StatedChange!.Amount);
            Assert.Equal("winter 2025", valuation.Horizon!.Text);
        }

        output.WriteLine($"answers checked: {clock.ElapsedMilliseconds} ms");

        // 5. The loaded ledger takes new facts after the stored ones (resending a stored fact is the recording rule's
        // business, tested in Domain.Tests and through the API).
        await LedgerStoreFixture.RecordAsync(_store, [
            Envelopes.Parse(Envelopes.Estimate("replay-compat-new-revision", "openai-cash-burn-2025-2029", "2025-10-01", 120_000_000_000m, first: false)),
        ]);
        await using (var session = _store.QuerySession())
        {
            var added = Assert.Single(await session.Events.QueryAllRawEvents().Where(e => e.Sequence > stored.Count).ToListAsync());
            Assert.Equal((stored.Count + 1L, "openai-cash-burn-2025-2029", 3L), (added.Sequence, added.StreamKey, added.Version));
            Assert.Equal(120_000_000_000m, (await session.LoadAsync<EstimateHistory>("openai-cash-burn-2025-2029"))!.Current!.Value.Amount);
        }
    }

    private static (decimal?, string, string) Of(Money money) => (money.Amount, money.Currency, money.Precision);

    /// <summary>Stored values (non-null leaves, by path) that the current type does not give back the same.</summary>
    private static IEnumerable<string> Dropped(JsonElement stored, JsonNode? read, string path)
    {
        if (DerivedOnRead.Contains(path))
        {
            yield break;
        }

        switch (stored.ValueKind)
        {
            case JsonValueKind.Null:
                yield break;
            case JsonValueKind.Object:
                foreach (var property in stored.EnumerateObject())
                {
                    var child = read is JsonObject o && o.TryGetPropertyValue(property.Name, out var value) ? value : null;
                    foreach (var d in Dropped(property.Value, child, path.Length == 0 ? property.Name : $"{path}.{property.Name}"))
                    {
                        yield return d;
                    }
                }

                yield break;
            case JsonValueKind.Array:
                if (read is not JsonArray array || array.Count != stored.GetArrayLength())
                {
                    yield return $"{path}: {stored.GetRawText()} read as {read?.ToJsonString() ?? "nothing"}";
                    yield break;
                }

                var i = 0;
                foreach (var item in stored.EnumerateArray())
                {
                    foreach (var d in Dropped(item, array[i], $"{path}[{i}]"))
                    {
                        yield return d;
                    }

                    i++;
                }

                yield break;
            default:
                if (!SameLeaf(stored, read))
                {
                    yield return $"{path}: {stored.GetRawText()} read as {read?.ToJsonString() ?? "nothing"}";
                }

                yield break;
        }
    }

    private static bool SameLeaf(JsonElement stored, JsonNode? read)
    {
        if (read is not JsonValue value)
        {
            return false;
        }

        var element = value.GetValue<JsonElement>();
        return stored.ValueKind == element.ValueKind && stored.ValueKind switch
        {
            JsonValueKind.Number => stored.GetDecimal() == element.GetDecimal(),
            JsonValueKind.String => stored.GetString() == element.GetString(),
            _ => true,
        };
    }

    /// <summary>
    /// Inserts the fixture's rows as they were stored: each column the row and this version's table both have, values
    /// converted by PostgreSQL from the row's JSON (jsonb data kept as it is). Columns this version added take their
    /// defaults; columns it dropped are left out.
    /// </summary>
    private async Task LoadAsync(string table, List<JsonElement> rows)
    {
        await using var connection = new NpgsqlConnection(ledger.ConnectionString);
        await connection.OpenAsync();
        var current = new HashSet<string>(StringComparer.Ordinal);
        await using (var columns = new NpgsqlCommand(
            "select column_name from information_schema.columns where table_schema = @schema and table_name = @table", connection))
        {
            columns.Parameters.AddWithValue("schema", _schema);
            columns.Parameters.AddWithValue("table", table);
            await using var reader = await columns.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                current.Add(reader.GetString(0));
            }
        }

        var shared = string.Join(", ", rows[0].EnumerateObject().Select(p => p.Name).Where(current.Contains).Select(c => $"\"{c}\""));
        var json = new StringBuilder("[");
        foreach (var row in rows)
        {
            json.Append(json.Length > 1 ? "," : "").Append(row.GetRawText());
        }

        await using var insert = new NpgsqlCommand(
            $"insert into {_schema}.{table} ({shared}) select {shared} from jsonb_populate_recordset(null::{_schema}.{table}, @rows)", connection);
        insert.Parameters.Add(new NpgsqlParameter("rows", NpgsqlDbType.Jsonb) { Value = json.Append(']').ToString() });
        Assert.Equal(rows.Count, await insert.ExecuteNonQueryAsync());
    }

    /// <summary>The next append takes the sequence number after the last stored event, as it would have.</summary>
    private async Task SetSequenceAsync(long last)
    {
        await using var connection = new NpgsqlConnection(ledger.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select setval('{_schema}.mt_events_sequence', {last})", connection);
        await command.ExecuteScalarAsync();
    }

    private async Task DropSchemaAsync()
    {
        await using var connection = new NpgsqlConnection(ledger.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"drop schema if exists {_schema} cascade", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static List<JsonElement> ReadLines(string path)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var rows = new List<JsonElement>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                rows.Add(JsonDocument.Parse(line).RootElement);
            }
        }

        return rows;
    }

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);
}
