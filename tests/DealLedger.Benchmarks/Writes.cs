using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using DealLedger.Hosting;
using DealLedger.Projections;
using DealLedger.Testing;
using Marten;
using Npgsql;

namespace DealLedger.Benchmarks;

/// <summary>
/// B2: facts per second through POST /facts, one fact per request, 16 concurrent clients, against a real API
/// process on a loopback port; baseline: the same facts appended in process through Marten, 16 concurrent
/// sessions, with no HTTP, validation or idempotency check. B2b: the same POSTs against the floor of any
/// durable write (one small JSON row committed per transaction), on a cluster with fsync on. B2c: the same POSTs
/// on deals that already hold 1,000 facts, against young deals.
/// </summary>
public static class Writes
{
    private const int Clients = 16;

    public static async Task<Result> PostVersusMartenAppendAsync(ApiFixture api, Options options)
    {
        const string Schema = "bench_writes";
        var deals = LedgerGenerator.Generate(seed: 12, deals: options.Quick ? 60 : 400, factsPerDeal: 1);
        var values = Enumerable.Range(0, options.Quick ? 100 : 1_000)
            .Select(i => Envelopes.Value($"w-{i}", (string)deals[i % deals.Count]["subject"]!, "2025-01-01", i + 1m))
            .ToList();
        using var store = DocumentStore.For(o => LedgerStore.Configure(o, api.ConnectionString, Schema));
        await using var node = await ApiNode.StartAsync(api.ConnectionString, Schema, [("Projections:DaemonMode", "Disabled"), .. ApiFixture.NoClientLimits]);

        async Task ResetAsync()
        {
            await store.Advanced.ResetAllData();
            (await node.Client.PostAsync("/facts/import", new StringContent(string.Join('\n', deals.Select(d => d.ToJsonString())),
                Encoding.UTF8, "application/x-ndjson"))).EnsureSuccessStatusCode();
        }

        var (http, marten) = await Measure.AlternateAsync(options.Rounds,
            async () =>
            {
                await ResetAsync();
                return await RateAsync(values, async fact =>
                {
                    using var response = await node.Client.PostAsync("/facts", new StringContent(fact.ToJsonString(), Encoding.UTF8, "application/json"));
                    response.EnsureSuccessStatusCode();
                });
            },
            async () =>
            {
                await ResetAsync();
                return await RateAsync(values, async fact =>
                {
                    var parsed = Envelopes.Parse(fact);
                    await using var session = store.LightweightSession();
                    session.Events.Append(parsed.Subject, parsed.Event);
                    await session.SaveChangesAsync();
                });
            });
        var ratio = http / marten;
        return new Result("B2", $"facts/s through POST /facts, one per request, {Clients} concurrent clients", $"{http:N0}/s",
            $"in-process Marten append of the same facts, {Clients} concurrent sessions", $"{marten:N0}/s", ratio, ">= 0.6", ratio >= 0.6,
            "API in its own process on loopback; each request validates, checks the fact id and writes the inline read models");
    }

    public static async Task<Result> PostVersusRawCommitAsync(ApiFixture api, Options options)
    {
        const string Schema = "bench_durable";

        // The run's own cluster has fsync off; the floor of a durable write is only meaningful with it on.
        await using var durable = LocalPostgres.BinariesAvailable() ? await LocalPostgres.StartThrowawayAsync(durable: true) : null;
        var connectionString = durable?.ConnectionString() ?? api.ConnectionString;
        var deals = LedgerGenerator.Generate(seed: 12, deals: options.Quick ? 60 : 400, factsPerDeal: 1);
        List<JsonObject> Facts(string prefix) => Enumerable.Range(0, options.Quick ? 200 : 1_000)
            .Select(i => Envelopes.Value($"{prefix}-{i}", (string)deals[i % deals.Count]["subject"]!, "2025-01-01", i + 1m))
            .ToList();
        var values = Facts("d");
        using var store = DocumentStore.For(o => LedgerStore.Configure(o, connectionString, Schema));
        await using var node = await ApiNode.StartAsync(connectionString, Schema, [("Projections:DaemonMode", "Disabled"), .. ApiFixture.NoClientLimits]);
        await using var raw = NpgsqlDataSource.Create(connectionString);
        await using (var create = raw.CreateCommand("drop table if exists public.bench_commit; " +
                         "create table public.bench_commit (id bigserial primary key, data jsonb not null)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        string settings;
        await using (var show = raw.CreateCommand("select current_setting('fsync') || '/' || current_setting('synchronous_commit')"))
        {
            settings = (string)(await show.ExecuteScalarAsync())!;
        }

        async Task ResetAsync()
        {
            await store.Advanced.ResetAllData();
            (await node.Client.PostAsync("/facts/import", new StringContent(string.Join('\n', deals.Select(d => d.ToJsonString())),
                Encoding.UTF8, "application/x-ndjson"))).EnsureSuccessStatusCode();
            await using var truncate = raw.CreateCommand("truncate public.bench_commit");
            await truncate.ExecuteNonQueryAsync();
        }

        Task Post(JsonObject fact) => PostAsync(node.Client, fact);
        async Task Insert(JsonObject fact)
        {
            // Autocommit: one statement, one transaction, one WAL flush (fsync on).
            await using var command = raw.CreateCommand("insert into public.bench_commit (data) values ($1::jsonb)");
            command.Parameters.Add(new NpgsqlParameter { Value = fact.ToJsonString() });
            await command.ExecuteNonQueryAsync();
        }

        // Both paths warm (JIT tiers, pools, auto-prepared statements) before the first measured round.
        await ResetAsync();
        var warm = Facts("warm");
        await RateAsync(warm, Post);
        await RateAsync(warm, Insert);
        var (http, commits) = await Measure.AlternateAsync(options.Rounds,
            async () =>
            {
                await ResetAsync();
                return await RateAsync(values, Post);
            },
            async () =>
            {
                await ResetAsync();
                return await RateAsync(values, Insert);
            });
        var ratio = http / commits;
        var bytes = (int)values.Average(v => Encoding.UTF8.GetByteCount(v.ToJsonString()));
        return new Result("B2b", $"facts/s through POST /facts, one per request, {Clients} concurrent clients, PostgreSQL with fsync/synchronous_commit {settings}",
            $"{http:N0}/s", $"raw Npgsql single-row commits: one ~{bytes}-byte jsonb row per transaction, {Clients} concurrent writers, same server", $"{commits:N0}/s",
            ratio, ">= 0.3", ratio >= 0.3,
            $"its own throwaway cluster with fsync {settings.Split('/')[0]} (B2's has fsync off), both paths warmed first");
    }

    public static async Task<Result> PostOnLongHistoryAsync(ApiFixture api, Options options)
    {
        const string Schema = "bench_history";
        const int History = 1_000;
        var dealCount = options.Quick ? 24 : 48;
        var perRound = options.Quick ? 96 : 480;
        using var store = DocumentStore.For(o => LedgerStore.Configure(o, api.ConnectionString, Schema));
        await using var node = await ApiNode.StartAsync(api.ConnectionString, Schema, [("Projections:DaemonMode", "Disabled"), .. ApiFixture.NoClientLimits]);
        await store.Advanced.ResetAllData();
        async Task ImportAsync(IEnumerable<JsonObject> facts) =>
            (await node.Client.PostAsync("/facts/import", new StringContent(string.Join('\n', facts.Select(f => f.ToJsonString())),
                Encoding.UTF8, "application/x-ndjson"))).EnsureSuccessStatusCode();
        for (var d = 0; d < dealCount; d++)
        {
            await ImportAsync(LedgerGenerator.SingleDeal(seed: 20 + d, $"old-{d}", History));
        }

        // Each round writes to deals of its own: fresh young deals, and the old ones grow by perRound / dealCount facts.
        var round = 0;
        List<JsonObject> Facts(string deal) => Enumerable.Range(0, perRound)
            .Select(i => Envelopes.Value($"{deal}-r{round}-{i}", $"{deal}-{i % dealCount}", "2026-01-01", i + 1m))
            .ToList();
        Task Post(JsonObject fact) => PostAsync(node.Client, fact);
        async Task<double> Young()
        {
            await ImportAsync(Enumerable.Range(0, dealCount).Select(d => Envelopes.Deal($"young{round}-{d}", $"young{round}-{d}", "2025-01-01")));
            return await RateAsync(Facts($"young{round}"), Post);
        }

        await Young();
        await RateAsync(Facts("old"), Post);
        var (old, young) = await Measure.AlternateAsync(options.Rounds,
            async () =>
            {
                round++;
                return await RateAsync(Facts("old"), Post);
            },
            Young);
        var ratio = old / young;
        return new Result("B2c", $"facts/s through POST /facts on deals already holding {History:N0} facts, {Clients} concurrent clients",
            $"{old:N0}/s", "the same on young deals (one fact each)", $"{young:N0}/s", ratio, ">= 0.8 (not slower as history grows)", ratio >= 0.8,
            $"{dealCount} deals of each kind, {perRound} facts a round, the old ones grow by {perRound / dealCount} a round");
    }

    /// <summary>
    /// Not a table row (<c>--one-more</c>): the time of one more POST /facts, one at a time, on a deal holding 1, 1,000
    /// and 3,000 facts (median of 21), and the size of its stored DealSummary document afterwards.
    /// </summary>
    public static async Task OneMoreFactAsync(ApiFixture api)
    {
        const string Schema = "bench_one_more";
        using var store = DocumentStore.For(o => LedgerStore.Configure(o, api.ConnectionString, Schema));
        await using var node = await ApiNode.StartAsync(api.ConnectionString, Schema, [("Projections:DaemonMode", "Disabled"), .. ApiFixture.NoClientLimits]);
        await store.Advanced.ResetAllData();
        int[] sizes = [1, 1_000, 3_000];
        foreach (var size in sizes)
        {
            var file = string.Join('\n', LedgerGenerator.SingleDeal(seed: 7, $"deal-{size}", size).Select(f => f.ToJsonString()));
            (await node.Client.PostAsync("/facts/import", new StringContent(file, Encoding.UTF8, "application/x-ndjson"))).EnsureSuccessStatusCode();
        }

        var next = 0;
        foreach (var size in sizes.Concat(sizes))
        {
            // The first pass warms up (JIT tiers, pools, prepared statements); the second is reported.
            var ms = await Measure.MillisecondsAsync(21, () => PostAsync(node.Client,
                Envelopes.Value($"one-more-{next++}", $"deal-{size}", "2026-01-01", next)));
            await using var session = store.QuerySession();
            var bytes = await session.QueryAsync<long>(
                $"select octet_length(data::text)::bigint from {Schema}.mt_doc_dealsummary where id = ?", $"deal-{size}");
            Console.WriteLine($"  one more fact on a deal of {size:N0} facts: {ms:0.0} ms (median of 21); stored summary {bytes[0]:N0} bytes of JSON");
        }
    }

    /// <summary>One POST; a 409 (two writes to one deal in flight at once, a lost race) is sent again.</summary>
    private static async Task PostAsync(HttpClient client, JsonObject fact)
    {
        while (true)
        {
            using var response = await client.PostAsync("/facts", new StringContent(fact.ToJsonString(), Encoding.UTF8, "application/json"));
            if (response.StatusCode != System.Net.HttpStatusCode.Conflict)
            {
                response.EnsureSuccessStatusCode();
                return;
            }
        }
    }

    private static async Task<double> RateAsync(List<JsonObject> facts, Func<JsonObject, Task> write)
    {
        var queue = new ConcurrentQueue<JsonObject>(facts);
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            while (queue.TryDequeue(out var fact))
            {
                await write(fact);
            }
        }));
        return facts.Count / watch.Elapsed.TotalSeconds;
    }
}
