using System.Net;
using System.Text.Json.Nodes;
using DealLedger.Api.Facts;
using DealLedger.Testing;
using Marten;
using Marten.Services;
using Npgsql;

namespace DealLedger.Api.Tests.Adversarial;

/// <summary>
/// Writers racing on the same subjects and fact ids. A write that loses is answered before it appends, so it never
/// takes an event sequence number it would roll back: such a gap holds every async read model still until the daemon
/// gives up on it.
/// </summary>
public class RaceTests(ApiFixture api) : ApiTest(api)
{
    private static readonly string[] Subjects = ["race-a", "race-b", "race-c", "race-d"];

    [Fact]
    public async Task a_burst_of_racing_writes_on_four_subjects_records_every_fact_once_and_leaves_no_sequence_gap()
    {
        await CreateDealsAsync(Subjects);

        // Writers 8-15 send again, at the same moment, the facts writers 0-7 send: twins racing on one fact id.
        const int rounds = 5;
        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(async writer =>
        {
            var seen = new List<(string FactId, HttpStatusCode Status)>();
            for (var round = 0; round < rounds; round++)
            {
                var twin = writer % 8;
                var factId = $"f-{twin}-{round}";
                var response = await Api.PostFactAsync(Envelopes.Value(factId, Subjects[twin % 4], "2025-09-10", 1_000m * (twin + 1) + round));
                seen.Add((factId, response.StatusCode));
            }

            return seen;
        }));

        foreach (var fact in answers.SelectMany(a => a).GroupBy(a => a.FactId))
        {
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Created], fact.Select(a => a.Status).Order());
        }

        Assert.Equal(Subjects.Length + 8 * rounds, await Api.EventCountAsync());
        await AssertEverySequenceNumberHoldsAFactAsync();
    }

    [Fact]
    public async Task writers_racing_on_one_version_lose_with_a_412_before_appending()
    {
        await CreateDealsAsync(Subjects);

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(writer =>
            Api.PostFactAsync(Envelopes.Value($"v-{writer}", Subjects[writer % 4], "2025-09-10", writer + 1m), ifMatch: "\"1\"")));

        foreach (var subject in Enumerable.Range(0, 4))
        {
            var answers = responses.Where((_, writer) => writer % 4 == subject).Select(r => r.StatusCode).ToList();
            Assert.Single(answers, s => s == HttpStatusCode.Created);
            Assert.All(answers.Where(s => s != HttpStatusCode.Created), s => Assert.Equal(HttpStatusCode.PreconditionFailed, s));
        }

        await AssertEverySequenceNumberHoldsAFactAsync();
    }

    [Fact]
    public async Task a_write_on_a_subject_another_node_is_recording_waits_for_it_instead_of_losing_at_commit()
    {
        await CreateDealsAsync(["race-a"]);
        var first = Envelopes.Parse(Envelopes.Value("first", "race-a", "2025-09-10", 1m));
        var gate = new HoldBeforeCommit();

        await using var session = Api.Store.LightweightSession(new SessionOptions { Listeners = { gate } });
        var held = FactLedger.RecordAsync(session, first, ifMatch: null, CancellationToken.None);
        await gate.Reached.Task;
        var second = Api.PostFactAsync(Envelopes.Value("second", "race-a", "2025-09-11", 2m));

        try
        {
            // The second write is seen waiting on the first one's lock in PostgreSQL, not answered.
            while (!second.IsCompleted && !await AnAdvisoryLockIsAwaitedAsync())
            {
                await Task.Delay(20);
            }

            Assert.False(second.IsCompleted, "the second write was answered while the first held the subject");
        }
        finally
        {
            gate.Release.TrySetResult();
        }

        Assert.IsType<RecordOutcome.Recorded>(await held);
        Assert.Equal(HttpStatusCode.Created, (await second).StatusCode);
        var history = (await Api.GetJsonAsync("/deals/race-a/history"))["items"]!.AsArray();
        Assert.Equal(["d-race-a", "first", "second"], history.Select(e => (string?)e!["factId"]));
        await AssertEverySequenceNumberHoldsAFactAsync();
    }

    [Fact]
    public async Task imports_and_single_writes_crossing_the_same_subjects_in_opposite_orders_all_succeed_without_a_deadlock_or_a_gap()
    {
        var subjects = Enumerable.Range(0, 40).Select(i => $"cross-{i:00}").ToArray();
        await CreateDealsAsync(subjects);

        var crossing = await Task.WhenAll(new[]
            {
                Api.ImportAsync(NdJson(subjects.Select(s => Envelopes.Value($"up-{s}", s, "2025-09-10", 1m)))),
                Api.ImportAsync(NdJson(subjects.Reverse().Select(s => Envelopes.Value($"down-{s}", s, "2025-09-11", 2m)))),
            }
            .Concat(subjects.Select(s => Api.PostFactAsync(Envelopes.Value($"one-{s}", s, "2025-09-12", 3m)))));

        // This import names more subjects and fact ids than a write locks one by one: it locks the ledger whole.
        var big = Enumerable.Range(0, 300).Select(i => Envelopes.Deal($"big-{i}", $"big-deal-{i:000}", "2025-09-10"))
            .Concat(subjects.Select(s => Envelopes.Value($"big-{s}", s, "2025-09-13", 4m)));
        var beside = await Task.WhenAll(new[] { Api.ImportAsync(NdJson(big)) }
            .Concat(subjects.Select(s => Api.PostFactAsync(Envelopes.Value($"two-{s}", s, "2025-09-14", 5m)))));

        Assert.All(crossing.Take(2).Append(beside[0]), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(crossing.Skip(2).Concat(beside.Skip(1)), r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(subjects.Length * 6 + 300, await Api.EventCountAsync());
        await AssertEverySequenceNumberHoldsAFactAsync();
    }

    [Fact]
    public async Task while_a_running_transaction_holds_a_sequence_number_health_and_the_status_name_it_and_since_when_and_clear_once_it_ends()
    {
        await CreateDealsAsync(["race-a"]);
        await Api.CatchUpAsync();
        var schema = Api.Store.Options.Events.DatabaseSchemaName;
        await using var holder = new NpgsqlConnection(Api.ConnectionString);
        await holder.OpenAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        long held;
        // As an append does: a transaction that has written (it has a transaction id) takes the number, and is still at work.
        await using (var take = new NpgsqlCommand($"select txid_current(), nextval('{schema}.mt_events_sequence')", holder))
        await using (var reader = await take.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            held = reader.GetInt64(1);
        }

        var tookAt = DateTimeOffset.UtcNow;
        using var stop = new CancellationTokenSource();
        await using var work = new NpgsqlCommand("select pg_sleep(120)", holder);
        var working = work.ExecuteNonQueryAsync(stop.Token);
        (await Api.PostFactAsync(Envelopes.Value("after-the-gap", "race-a", "2025-09-10", 1m))).EnsureSuccessStatusCode();

        var (check, status) = await ReadModelsAsync((c, s) => (string?)c["status"] == "Degraded" && s.Any(m => m!["waitingOnSequence"] is not null));

        Assert.Contains($"sequence number {held}", (string?)check["description"]);
        Assert.Equal(held, (long)check["data"]!["waitingOnSequence"]!);
        Assert.InRange(DateTimeOffset.Parse((string)check["data"]!["waitingSince"]!, System.Globalization.CultureInfo.InvariantCulture),
            tookAt.AddMinutes(-1), DateTimeOffset.UtcNow);
        Assert.All(status.Where(s => (string?)s!["lifecycle"] == "async"), s => Assert.Equal(held, (long?)s!["waitingOnSequence"]));

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => working);
        await ReadModelsAsync((c, _) => (string?)c["status"] == "Healthy");
        await Api.CatchUpAsync();
    }

    /// <summary>
    /// The read models' health check and status, read together until they answer as expected (the read models move at
    /// their daemon's polls, and a gap is reported once it is a second old).
    /// </summary>
    private async Task<(JsonNode Check, JsonArray Status)> ReadModelsAsync(Func<JsonNode, JsonArray, bool> expected)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var check = (await Api.GetJsonAsync("/health", ApiFixture.AdminKey))["checks"]!.AsArray().Single(c => (string?)c!["name"] == "read-models")!;
            var status = (await Api.GetJsonAsync("/admin/projections", ApiFixture.AdminKey)).AsArray();
            if (expected(check, status))
            {
                return (check, status);
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), $"the read models' health stayed {check.ToJsonString()}");
            await Task.Delay(100);
        }
    }

    private async Task CreateDealsAsync(IEnumerable<string> subjects)
    {
        var response = await Api.ImportAsync(NdJson(subjects.Select(s => Envelopes.Deal($"d-{s}", s, "2025-09-01"))));
        response.EnsureSuccessStatusCode();
    }

    private static string NdJson(IEnumerable<JsonObject> facts) => string.Join('\n', facts.Select(f => f.ToJsonString()));

    /// <summary>
    /// No sequence number was taken by a write that then rolled back: every number the sequence handed out since
    /// the first event is held by a fact (a failed append leaves either a hole or one of Marten's tombstones).
    /// </summary>
    private async Task AssertEverySequenceNumberHoldsAFactAsync()
    {
        var schema = Api.Store.Options.Events.DatabaseSchemaName;
        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select (select last_value from {schema}.mt_events_sequence), min(seq_id), count(*) from {schema}.mt_events", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (handedOut, first, events) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));

        Assert.Equal(handedOut - first + 1, events);
        Assert.Equal(events, await Api.EventCountAsync());
    }

    private async Task<bool> AnAdvisoryLockIsAwaitedAsync()
    {
        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select exists (select 1 from pg_locks where locktype = 'advisory' and not granted)", connection);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Holds a session just before it commits, until released.</summary>
    private sealed class HoldBeforeCommit : DocumentSessionListenerBase
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
        {
            Reached.SetResult();
            await Release.Task;
        }
    }
}
