using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace DealLedger.Api.Tests.Faults;

/// <summary>What a writer knows about one fact it was asked to record.</summary>
public enum FactState
{
    NotSent,

    /// <summary>Sent at least once without a 2xx answer: it may or may not be in the ledger.</summary>
    InDoubt,

    /// <summary>Answered 2xx: the API promised it is recorded.</summary>
    Acknowledged,

    /// <summary>Answered 4xx: the API refused it (never expected here; the test data is valid).</summary>
    Refused,
}

/// <summary>
/// A client that records facts as a careful producer would, keeping a ledger of what the API acknowledged: a few
/// lanes post facts concurrently, each lane owning whole subjects so their facts go in order; a fact counts as
/// acknowledged only on a 2xx; on a transport error, a timeout or a 5xx the lane sends the same fact id again
/// later (safe, since recording is idempotent by fact id) and gives up after a long run of failures.
/// </summary>
public sealed class AcknowledgingWriter
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private readonly IReadOnlyList<IReadOnlyList<JsonObject>> _lanes;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<int, int> _serverErrorStatuses = new();
    private int _transportErrors;
    private int _serverErrors;

    public AcknowledgingWriter(IReadOnlyList<JsonObject> facts, int lanes)
    {
        var subjects = facts.GroupBy(f => (string)f["subject"]!).ToList();
        _lanes = Enumerable.Range(0, lanes)
            .Select(lane => Interleave(subjects.Where((_, i) => i % lanes == lane).Select(s => s.ToList()).ToList()))
            .ToList();
        foreach (var fact in facts)
        {
            _entries[(string)fact["factId"]!] = new Entry(fact);
        }
    }

    /// <summary>The API to write to: tests point it at a new node after killing the old one.</summary>
    public HttpClient? Target { get; set; }

    /// <summary>A lane gives up after failing this long in a row (its remaining facts stay unsent).</summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Time since the writer was made: the clock of <see cref="FirstAcknowledgedAfter"/>.</summary>
    public TimeSpan Now => _clock.Elapsed;

    public int Total => _entries.Count;

    public int TransportErrors => _transportErrors;

    public int ServerErrors => _serverErrors;

    /// <summary>How many times each 5xx status was answered.</summary>
    public IReadOnlyDictionary<int, int> ServerErrorsByStatus => _serverErrorStatuses;

    /// <summary>The 5xx statuses answered, e.g. "500 x 22".</summary>
    public string ServerErrorStatuses => _serverErrorStatuses.IsEmpty
        ? "none"
        : string.Join(", ", _serverErrorStatuses.OrderBy(s => s.Key).Select(s => $"{s.Key} x {s.Value}"));

    public IReadOnlyList<string> InState(FactState state) => _entries.Where(e => e.Value.State == state).Select(e => e.Key).ToList();

    public int Count(FactState state) => _entries.Values.Count(e => e.State == state);

    /// <summary>Facts acknowledged with 200 (already held): an earlier attempt had been recorded but not answered.</summary>
    public int AcknowledgedAlreadyHeld => _entries.Values.Count(e => e.State == FactState.Acknowledged && e.Status == HttpStatusCode.OK);

    /// <summary>When the first fact whose acknowledging attempt was sent after <paramref name="moment"/> was acknowledged, if one was.</summary>
    public TimeSpan? FirstAcknowledgedAfter(TimeSpan moment) =>
        _entries.Values.Where(e => e.State == FactState.Acknowledged && e.SentAt > moment).Select(e => (TimeSpan?)e.AcknowledgedAt).Min();

    /// <summary>Facts with at least one attempt answered by a 5xx or by nothing.</summary>
    public int Uncertain => _entries.Values.Count(e => e.Failures > 0);

    public IReadOnlyList<string> Refusals => _entries.Values.Where(e => e.State == FactState.Refused).Select(e => e.Refusal!).ToList();

    /// <summary>Writes every lane to its end (or until it gives up or <paramref name="stop"/> fires).</summary>
    public Task RunAsync(CancellationToken stop) => Task.WhenAll(_lanes.Select(lane => Task.Run(() => RunLaneAsync(lane, stop), CancellationToken.None)));

    /// <summary>
    /// After recovery, sends once more every fact that had an attempt without a 2xx answer (acknowledged by a later
    /// attempt or still in doubt), in the order it was planned; returns the statuses the API answered, by fact id.
    /// An acknowledged fact must answer 200 (already recorded) and add nothing.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, HttpStatusCode?>> ResendUncertainAsync()
    {
        var answers = new Dictionary<string, HttpStatusCode?>(StringComparer.Ordinal);
        foreach (var lane in _lanes)
        {
            foreach (var fact in lane.Where(f => _entries[(string)f["factId"]!].Failures > 0))
            {
                answers[(string)fact["factId"]!] = await SendAsync(fact, CancellationToken.None);
            }
        }

        return answers;
    }

    private async Task RunLaneAsync(IReadOnlyList<JsonObject> lane, CancellationToken stop)
    {
        foreach (var fact in lane)
        {
            var entry = _entries[(string)fact["factId"]!];
            var failingSince = _clock.Elapsed;
            var pause = TimeSpan.FromMilliseconds(50);
            while (!stop.IsCancellationRequested)
            {
                await SendAsync(fact, stop);
                if (entry.State is FactState.Acknowledged)
                {
                    break;
                }

                if (entry.State is FactState.Refused)
                {
                    // Later facts of its subject may depend on it; the lane cannot go on honestly.
                    return;
                }

                if (_clock.Elapsed - failingSince > GiveUpAfter)
                {
                    return;
                }

                await Task.Delay(pause, CancellationToken.None);
                pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 500));
            }

            if (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task<HttpStatusCode?> SendAsync(JsonObject fact, CancellationToken stop)
    {
        var entry = _entries[(string)fact["factId"]!];
        if (entry.State == FactState.NotSent)
        {
            entry.State = FactState.InDoubt;
        }

        var sentAt = _clock.Elapsed;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var content = new StringContent(fact.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await Target!.PostAsync(new Uri("/facts", UriKind.Relative), content, timeout.Token);
            var status = response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                entry.Acknowledge(status, sentAt, _clock.Elapsed);
            }
            else if ((int)status >= 500)
            {
                Interlocked.Increment(ref _serverErrors);
                _serverErrorStatuses.AddOrUpdate((int)status, 1, (_, n) => n + 1);
                entry.Fail();
            }
            else
            {
                entry.Refuse($"{entry.FactId}: {(int)status} {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
            }

            return status;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            // No answer: the request may or may not have been recorded. The fact stays in doubt.
            Interlocked.Increment(ref _transportErrors);
            entry.Fail();
            return null;
        }
    }

    /// <summary>Round-robin over the lists, keeping each list's order.</summary>
    private static List<JsonObject> Interleave(IReadOnlyList<List<JsonObject>> lists)
    {
        var result = new List<JsonObject>();
        for (var i = 0; lists.Any(l => i < l.Count); i++)
        {
            result.AddRange(lists.Where(l => i < l.Count).Select(l => l[i]));
        }

        return result;
    }

    private sealed class Entry(JsonObject fact)
    {
        private readonly Lock _gate = new();

        public string FactId { get; } = (string)fact["factId"]!;

        public FactState State { get; set; } = FactState.NotSent;

        public HttpStatusCode? Status { get; private set; }

        public TimeSpan SentAt { get; private set; }

        public TimeSpan AcknowledgedAt { get; private set; }

        public string? Refusal { get; private set; }

        public int Failures { get; private set; }

        public void Acknowledge(HttpStatusCode status, TimeSpan sentAt, TimeSpan at)
        {
            lock (_gate)
            {
                if (State != FactState.Acknowledged)
                {
                    (State, Status, SentAt, AcknowledgedAt) = (FactState.Acknowledged, status, sentAt, at);
                }
            }
        }

        public void Fail()
        {
            lock (_gate)
            {
                Failures++;
            }
        }

        public void Refuse(string why)
        {
            lock (_gate)
            {
                (State, Refusal) = (FactState.Refused, why);
            }
        }
    }
}
