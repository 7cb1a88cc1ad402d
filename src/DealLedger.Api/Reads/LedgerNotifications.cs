using System.Collections.Concurrent;
using System.Text.Json;
using DealLedger.Api.Admin;
using DealLedger.Projections;
using Npgsql;

namespace DealLedger.Api.Reads;

/// <summary>
/// What this node knows of the log without asking: one connection LISTENs to the notifications every append sends
/// at commit (<see cref="AppendNotifications"/>). While it is connected (<see cref="Live"/>) answers held in memory
/// are current up to what it has been told; when it is not (start-up, a dropped connection, a schema without the
/// trigger), readers go to the database, and on every (re)connection everything held is forgotten.
/// </summary>
public sealed class LedgerNotifications(NpgsqlDataSource dataSource, LedgerDatabase database, Hosting.Posture posture, Marten.IDocumentStore store,
    IConfiguration configuration, ILogger<LedgerNotifications> logger) : BackgroundService
{
    private readonly string _channel = AppendNotifications.ChannelOf(database.Schema);
    private readonly TimeSpan _heartbeat = TimeSpan.FromSeconds(configuration.GetValue("Reads:NotificationHeartbeatSeconds", 5));
    private readonly TimeSpan _settled = TimeSpan.FromSeconds(configuration.GetValue("Reads:SettledPositionSeconds", 60));
    private readonly bool _enabled = configuration.GetValue("Reads:ListenForAppends", true);

    // Positions told since connecting, with when: a position is vouched for once its own notification has arrived
    // (commits can be notified out of position order), or once it is older than every transaction still open.
    private readonly ConcurrentDictionary<long, long> _told = new();
    private readonly ConcurrentQueue<(long Position, long At)> _toldOrder = new();
    private readonly Lock _gate = new();
    private long _settledUpTo;
    private long _seen;
    private long _generation;
    private volatile bool _live;
    private TaskCompletionSource _advanced = NewSignal();

    /// <summary>Streams changed (null: everything, as after a reset or a reconnection).</summary>
    public event Action<IReadOnlyList<string>?>? Changed;

    /// <summary>Whether this node is being told of every append now; when false, nothing may be served from memory.</summary>
    public bool Live => _live;

    /// <summary>The highest log position this node has been told of (node-wide).</summary>
    public long Seen => Interlocked.Read(ref _seen);

    /// <summary>Raised on every change told; an answer rendered while it moved may be older than the news, so is not kept.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Whether every append up to <paramref name="position"/> has been told to this node.</summary>
    public bool Covers(long position) =>
        _live && (position <= Interlocked.Read(ref _settledUpTo) || _told.ContainsKey(position));

    /// <summary>Waits until <see cref="Covers"/> holds, at most <paramref name="timeout"/>; false if it still does not.</summary>
    public async Task<bool> WaitForAsync(long position, TimeSpan timeout, CancellationToken ct)
    {
        if (Covers(position))
        {
            return true;
        }

        if (!_live || timeout <= TimeSpan.Zero)
        {
            return false;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            while (!Covers(position))
            {
                Task advanced;
                lock (_gate)
                {
                    advanced = _advanced.Task;
                }

                if (Covers(position))
                {
                    break;
                }

                await advanced.WaitAsync(deadline.Token);
            }

            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Covers(position);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_enabled)
        {
            logger.LogInformation("Reads:ListenForAppends is off: every current read asks the database");
            return;
        }

        var retry = TimeSpan.FromSeconds(1);
        string? lastReason = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                if (e.Message != lastReason)
                {
                    logger.LogWarning("Not listening for appends ({Reason}); current reads ask the database until the listener connects",
                        e.Message);
                    lastReason = e.Message;
                }
            }
            finally
            {
                GoDark();
            }

            try
            {
                await Task.Delay(retry, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        // One connection of the process's budget (Database:MaxPoolSize) is held here for as long as the node runs.
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        connection.Notification += (_, e) => OnNotification(e.Payload);
        await using (var listen = new NpgsqlCommand($"listen \"{_channel}\"", connection))
        {
            await listen.ExecuteNonQueryAsync(ct);
        }

        if (!await InstalledAsync(connection, ct))
        {
            throw new InvalidOperationException(!posture.ApplySchema
                ? $"the append notification triggers are missing on {database.Schema}.mt_events (run db-apply)"
                : $"{database.Schema}.mt_events does not exist yet");
        }

        // Listening before reading the position: whatever commits after this read is notified.
        long position;
        await using (var command = new NpgsqlCommand($"select coalesce(max(seq_id), 0) from {database.Schema}.mt_events", connection))
        {
            position = (long)(await command.ExecuteScalarAsync(ct))!;
        }

        Reset(position);
        _live = true;
        logger.LogInformation("Listening for appends on {Channel} from log position {Position}", _channel, position);

        while (!ct.IsCancellationRequested)
        {
            if (!await connection.WaitAsync(_heartbeat, ct))
            {
                // Nothing told for a while: make sure the connection is still there (a dropped one says nothing).
                await using var ping = new NpgsqlCommand("select 1", connection);
                await ping.ExecuteScalarAsync(ct);
            }

            Settle();
        }
    }

    /// <summary>
    /// Whether the triggers exist. Marten creates a storage feature when it is first used, and nothing uses this one but
    /// the database itself, so a node allowed to change the schema has Marten create it here, once the events table exists.
    /// </summary>
    private async Task<bool> InstalledAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using (var installed = new NpgsqlCommand(AppendNotifications.InstalledSql(database.Schema), connection))
        {
            if (await installed.ExecuteScalarAsync(ct) is true)
            {
                return true;
            }
        }

        await using (var events = new NpgsqlCommand($"select to_regclass('{database.Schema}.mt_events') is not null", connection))
        {
            if (!posture.ApplySchema || await events.ExecuteScalarAsync(ct) is not true)
            {
                return false;
            }
        }

        await store.Storage.Database.EnsureStorageExistsAsync(typeof(AppendNotificationsFeature), ct);
        return true;
    }

    private void OnNotification(string payload)
    {
        if (payload == "reset")
        {
            // The log itself was deleted (a test's reset, a restore): positions start again.
            Reset(0);
            return;
        }

        if (payload == "documents")
        {
            Forget();
            return;
        }

        long position;
        string[]? streams = null;
        try
        {
            using var json = JsonDocument.Parse(payload);
            position = json.RootElement.GetProperty("p").GetInt64();
            if (json.RootElement.GetProperty("s") is { ValueKind: JsonValueKind.Array } list)
            {
                streams = list.EnumerateArray().Select(s => s.GetString()!).ToArray();
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            logger.LogWarning("Unreadable append notification '{Payload}': forgetting everything held", payload);
            Reset(Seen);
            return;
        }

        Tell(streams, position);
    }

    /// <summary>
    /// This node's own write committed: forget what it held of those streams before answering the writer, so a read on
    /// this node right after sees the write without waiting for the notification (which follows, and changes nothing).
    /// </summary>
    public void Appended(IReadOnlyList<string> streams, long position) => Tell(streams, position);

    /// <summary>Forget every answer held, positions unchanged (a test's reset of the database on this node).</summary>
    public void ForgetAll() => Forget();

    private void Tell(IReadOnlyList<string>? streams, long position)
    {
        // Generation first, then eviction: a reader that stored an answer checks the generation after storing.
        Interlocked.Increment(ref _generation);
        Changed?.Invoke(streams);
        if (_live && position > 0)
        {
            _told[position] = Environment.TickCount64;
            _toldOrder.Enqueue((position, Environment.TickCount64));
            InterlockedMax(ref _seen, position);
        }

        Signal();
    }

    private void Reset(long position)
    {
        Interlocked.Increment(ref _generation);
        _told.Clear();
        _toldOrder.Clear();
        Interlocked.Exchange(ref _seen, position);
        Interlocked.Exchange(ref _settledUpTo, position);
        Changed?.Invoke(null);
        Signal();
    }

    private void GoDark()
    {
        _live = false;
        Forget();
    }

    private void Forget()
    {
        Interlocked.Increment(ref _generation);
        Changed?.Invoke(null);
        Signal();
    }

    /// <summary>Positions told long ago are settled: no transaction that took a lower position is still open by now.</summary>
    private void Settle()
    {
        var cutoff = Environment.TickCount64 - (long)_settled.TotalMilliseconds;
        while (_toldOrder.TryPeek(out var oldest) && oldest.At < cutoff && _toldOrder.TryDequeue(out oldest))
        {
            InterlockedMax(ref _settledUpTo, oldest.Position);
            _told.TryRemove(oldest.Position, out _);
        }
    }

    private void Signal()
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            previous = _advanced;
            _advanced = NewSignal();
        }

        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}

/// <summary>
/// Marten runs initial data after resetting a database (tests do between cases): this node forgets its answers at once,
/// rather than when the reset's own notification arrives.
/// </summary>
public sealed class ForgetAnswersOnReset(LedgerNotifications notifications) : Marten.Schema.IInitialData
{
    public Task Populate(Marten.IDocumentStore store, CancellationToken cancellation)
    {
        notifications.ForgetAll();
        return Task.CompletedTask;
    }
}
