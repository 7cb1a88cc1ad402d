using System.Diagnostics;
using System.Globalization;
using DealLedger.Domain.Facts;
using DealLedger.Projections;
using DealLedger.Projections.Deals;
using DealLedger.Testing;
using JasperFx.Events;
using Marten;
using Marten.Events;
using Npgsql;
using NpgsqlTypes;

namespace DealLedger.Benchmarks;

/// <summary>
/// B7 and B8. A ledger of generated deals (20 facts each, with corroborations and retractions) is loaded with
/// Marten's bulk COPY path, then DealSummary is rebuilt by the product's own CLI (<c>read-models rebuild</c>) in
/// a process of its own, so its time and its peak resident memory are the rebuild's alone. The baseline is a
/// hand-written replay of the same events, also in a fresh process of its own (this program with
/// <c>--hand-replay</c>) so both sides pay the same start-up costs (JIT, connection pool, serializer caches):
/// read them with Npgsql in stream order, deserialize with Marten's serializer, fold with the projection's own
/// fold, and write the documents with a binary COPY. Each side reports the time of its replay alone, process
/// start-up excluded. The other read models are rebuilt once each in process, at both sizes, for their events/s.
/// </summary>
public static class Replay
{
    private const string Schema = "bench_replay";
    private const int FactsPerDeal = 20;

    private sealed record Rebuilds(double MartenRate, double HandRate, double PeakMegabytes, IReadOnlyDictionary<string, double> Others);

    private static readonly Dictionary<int, Rebuilds> Measured = [];

    /// <summary>B7: DealSummary rebuild events/s against the hand-written replay, at both sizes; each read model's rate.</summary>
    public static async Task<Result> RebuildVersusHandWrittenAsync(ApiFixture api, Options options)
    {
        var (small, large) = Sizes(options);
        // Every read model's own rate, at both sizes, only in full runs: at quick sizes a rebuild's fixed cost is all it shows.
        var atSmall = await MeasureAsync(api, options, small, others: !options.Quick);
        var atLarge = await MeasureAsync(api, options, large, others: !options.Quick);
        var ratio = Math.Min(atSmall.MartenRate / atSmall.HandRate, atLarge.MartenRate / atLarge.HandRate);
        var others = atSmall.Others.Count == 0
            ? "(full runs only)"
            : string.Join(", ", atSmall.Others.Select(o => $"{o.Key} {o.Value:N0}/s / {atLarge.Others.GetValueOrDefault(o.Key):N0}/s"));
        return new Result("B7", $"DealSummary rebuild events/s at {Count(small)} / {Count(large)} events (CLI process)",
            $"{atSmall.MartenRate:N0}/s / {atLarge.MartenRate:N0}/s",
            "hand-written replay in its own process: Npgsql read, same deserializer and fold, binary COPY",
            $"{atSmall.HandRate:N0}/s / {atLarge.HandRate:N0}/s", ratio, ">= 0.5 (lower of the two)", ratio >= 0.5,
            $"other read models at {Count(small)} / {Count(large)} events, rebuilt in process: {others}");
    }

    /// <summary>B8: the rebuild process's peak resident memory at the large size against the small one.</summary>
    public static async Task<Result> RebuildMemoryAsync(ApiFixture api, Options options)
    {
        var (small, large) = Sizes(options);
        var atSmall = await MeasureAsync(api, options, small, others: false);
        var atLarge = await MeasureAsync(api, options, large, others: false);
        var ratio = atLarge.PeakMegabytes / atSmall.PeakMegabytes;
        return new Result("B8", $"peak memory of the DealSummary rebuild process at {Count(large)} events", $"{atLarge.PeakMegabytes:N0} MB",
            $"the same at {Count(small)} events", $"{atSmall.PeakMegabytes:N0} MB", ratio, "<= 1.5x", ratio <= 1.5);
    }

    /// <summary>
    /// B7p: PartyExposure's rebuild rate at the large size against the small one. A read model linear in the log keeps
    /// its rate as the log grows (>= 0.8); one whose documents grow with the log and are rewritten per page does not.
    /// Quick runs use 20,000 / 200,000 events: below that a rebuild's fixed cost is all it shows.
    /// </summary>
    public static Task<Result> PartyExposureLinearityAsync(ApiFixture api, Options options) => LinearityAsync(api, options, "B7p", "PartyExposure");

    /// <summary>B7c: the same for CommitmentsByYear (a document per buyer and deal since version 3).</summary>
    public static Task<Result> CommitmentsLinearityAsync(ApiFixture api, Options options) => LinearityAsync(api, options, "B7c", "CommitmentsByYear");

    private static async Task<Result> LinearityAsync(ApiFixture api, Options options, string id, string readModel)
    {
        var (small, large) = options.Quick ? (20_000, 200_000) : (100_000, 1_000_000);
        var atSmall = await RebuildRateAsync(api, small, readModel, rounds: 3);
        var atLarge = await RebuildRateAsync(api, large, readModel, rounds: 1);
        var ratio = atLarge / atSmall;
        return new Result(id, $"{readModel} rebuild events/s at {Count(large)} events (in process)", $"{atLarge:N0}/s",
            $"the same at {Count(small)} events", $"{atSmall:N0}/s", ratio, ">= 0.8", ratio >= 0.8);
    }

    /// <summary>A read model's rebuild rate (median of the rounds): B7's own figure when it measured this size, else measured here.</summary>
    private static async Task<double> RebuildRateAsync(ApiFixture api, int events, string readModel, int rounds)
    {
        if (Measured.TryGetValue(events, out var known) && known.Others.TryGetValue(readModel, out var rate))
        {
            return rate;
        }

        using var store = DocumentStore.For(o => LedgerStore.Configure(o, api.ConnectionString, Schema));
        await LoadAsync(store, events);
        using var daemon = await store.BuildProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync("DealSummary", TimeSpan.FromMinutes(30), CancellationToken.None);
        var rates = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var watch = Stopwatch.StartNew();
            await daemon.RebuildProjectionAsync(readModel, TimeSpan.FromMinutes(60), CancellationToken.None);
            rates.Add(events / watch.Elapsed.TotalSeconds);
        }

        Console.WriteLine($"  {readModel} at {Count(events)} events: {string.Join(", ", rates.Select(r => $"{r:N0}/s"))}");
        return Measure.Median(rates);
    }

    private static (int Small, int Large) Sizes(Options options) => options.Quick ? (1_000, 10_000) : (100_000, 1_000_000);

    private static async Task<Rebuilds> MeasureAsync(ApiFixture api, Options options, int events, bool others)
    {
        if (Measured.TryGetValue(events, out var known) && (!others || known.Others.Count > 0))
        {
            return known;
        }

        using var store = DocumentStore.For(o => LedgerStore.Configure(o, api.ConnectionString, Schema));
        await LoadAsync(store, events);
        var peaks = new List<double>();
        // Three rounds where a round takes a minute (1,000,000 events) or starts two processes for little data (--quick).
        var rounds = events >= 1_000_000 || options.Quick ? 3 : options.Rounds;
        var (marten, hand) = await Measure.AlternateAsync(rounds,
            async () =>
            {
                var (seconds, peak) = await RebuildInOwnProcessAsync(api, "DealSummary");
                peaks.Add(peak);
                return events / seconds;
            },
            async () => events / await HandReplayInOwnProcessAsync(api, events));

        var rates = new Dictionary<string, double>();
        if (others)
        {
            using var daemon = await store.BuildProjectionDaemonAsync();
            foreach (var model in ReadModels.All.Where(m => m.Name != "DealSummary"))
            {
                var watch = Stopwatch.StartNew();
                await daemon.RebuildProjectionAsync(model.Name, TimeSpan.FromMinutes(30), CancellationToken.None);
                rates[model.Name] = events / watch.Elapsed.TotalSeconds;
            }
        }

        return Measured[events] = new Rebuilds(marten, hand, Measure.Median(peaks), rates);
    }

    /// <summary>Generated deals, appended with Marten's bulk COPY path in chunks (no inline projections: rebuilds make those).</summary>
    private static async Task LoadAsync(DocumentStore store, int events)
    {
        await store.Advanced.Clean.CompletelyRemoveAllAsync();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        const int DealsPerChunk = 2_500;
        var deals = events / FactsPerDeal;
        for (var chunk = 0; chunk * DealsPerChunk < deals; chunk++)
        {
            var facts = LedgerGenerator.Generate(seed: 1_000 + chunk, deals: Math.Min(DealsPerChunk, deals - (chunk * DealsPerChunk)),
                factsPerDeal: FactsPerDeal, relations: true);
            var streams = facts.Select(Envelopes.Parse).GroupBy(f => f.Subject).Select(g =>
            {
                var action = StreamAction.Start(store.Events, g.Key, g.Select(f => (object)f.Event).ToArray());
                action.AggregateType = typeof(DealSummary);
                return action;
            }).ToList();
            await store.BulkInsertEventsAsync(streams, 10_000);
        }

        // The state autovacuum leaves a loaded log in, before either side runs. Without it, the first replay of a
        // round ran on a table the planner had no statistics for: Marten's page query picked the event-type index
        // and sorted the whole log for every page (3.5x slower at 300,000 events) until autovacuum caught up.
        await using var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        foreach (var table in new[] { "mt_events", "mt_streams" })
        {
            await using var vacuum = new NpgsqlCommand($"vacuum analyze {Schema}.{table}", connection);
            await vacuum.ExecuteNonQueryAsync();
        }
    }

    /// <summary>
    /// Runs <c>read-models rebuild</c> in its own process; returns the rebuild's time as the command reports it
    /// (process start-up excluded) and the process's peak resident memory (MB).
    /// </summary>
    private static async Task<(double Seconds, double PeakMegabytes)> RebuildInOwnProcessAsync(ApiFixture api, string readModel)
    {
        var (output, peak) = await RunAsync(api, "DealLedger.Api.dll", "read-models", "rebuild", readModel);
        return (ReportedSeconds(output, $@"rebuilt {readModel}: \d+ events in ([\d.]+) s"), peak);
    }

    /// <summary>The baseline in a fresh process of its own (this program, <c>--hand-replay</c>): its replay time in seconds.</summary>
    private static async Task<double> HandReplayInOwnProcessAsync(ApiFixture api, int events)
    {
        var (output, _) = await RunAsync(api, "DealLedger.Benchmarks.dll", "--hand-replay");
        var reported = System.Text.RegularExpressions.Regex.Match(output, @"replayed (\d+) events in ([\d.]+) s");
        if (!reported.Success || long.Parse(reported.Groups[1].Value, CultureInfo.InvariantCulture) != events)
        {
            throw new InvalidOperationException($"the hand-written replay did not report replaying the ledger's {events} events: {output}");
        }

        return double.Parse(reported.Groups[2].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>The <c>--hand-replay</c> process: replays the ledger in <see cref="Schema"/> once and reports its time.</summary>
    public static async Task<int> HandReplayProcessAsync()
    {
        var connection = Environment.GetEnvironmentVariable("ConnectionStrings__Marten")
            ?? throw new InvalidOperationException("--hand-replay needs ConnectionStrings__Marten");
        using var store = DocumentStore.For(o => LedgerStore.Configure(o, connection, Schema));
        var watch = Stopwatch.StartNew();
        var events = await HandWrittenAsync(store);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"replayed {events} events in {watch.Elapsed.TotalSeconds:0.000} s"));
        return 0;
    }

    private static double ReportedSeconds(string output, string pattern)
    {
        var reported = System.Text.RegularExpressions.Regex.Match(output, pattern);
        return reported.Success
            ? double.Parse(reported.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"the process did not report its time: {output}");
    }

    /// <summary>Runs one of the built programs on the benchmark's ledger; returns its output and peak resident memory (MB).</summary>
    private static async Task<(string Output, double PeakMegabytes)> RunAsync(ApiFixture api, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
            Environment =
            {
                ["ConnectionStrings__Marten"] = api.ConnectionString,
                ["Marten__Schema"] = Schema,
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Logging__LogLevel__Default"] = "Warning",
            },
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, program));
        arguments.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        long peakKilobytes = 0;
        while (!process.HasExited)
        {
            peakKilobytes = Math.Max(peakKilobytes, PeakKilobytes(process.Id));
            await Task.Delay(20);
        }

        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{await errors}");
        }

        return (await output, peakKilobytes / 1024.0);
    }

    /// <summary>VmHWM: the process's peak resident set size so far, from /proc (0 once it has gone).</summary>
    private static long PeakKilobytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static async Task<long> HandWrittenAsync(DocumentStore store)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        var serializer = store.Options.Serializer();
        var events = (EventGraph)store.Options.Events;
        var dealTypes = FactTypes.All.Where(t => t.Stream is StreamKind.Deal or null).ToDictionary(t => t.Name, t => t.EventType);
        await using var read = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await using var write = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await read.OpenAsync();
        await write.OpenAsync();
        await using (var create = new NpgsqlCommand("drop table if exists public.bench_replay; create table public.bench_replay (id varchar primary key, data jsonb)", write))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand(
            $"select e.seq_id, e.id, e.stream_id, e.version, e.data::text, e.type, e.timestamp from {schema}.mt_events e " +
            $"join {schema}.mt_streams s on s.id = e.stream_id where s.type = 'deal_summary' order by e.stream_id, e.seq_id", read);
        await using var reader = await command.ExecuteReaderAsync();
        await using var importer = await write.BeginBinaryImportAsync("copy public.bench_replay (id, data) from stdin (format binary)");
        string? stream = null;
        var batch = new List<IEvent>();
        long replayed = 0;
        while (await reader.ReadAsync())
        {
            replayed++;
            var key = reader.GetString(2);
            if (stream is not null && key != stream)
            {
                await WriteAsync(importer, serializer, stream, batch);
                batch.Clear();
            }

            stream = key;
            if (!dealTypes.TryGetValue(reader.GetString(5), out var type))
            {
                continue;
            }

            var data = serializer.FromJson(type, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(reader.GetString(4))));
            var e = events.BuildEvent(data);
            e.Sequence = reader.GetInt64(0);
            e.Id = reader.GetGuid(1);
            e.StreamKey = key;
            e.Version = reader.GetInt64(3);
            e.Timestamp = reader.GetFieldValue<DateTimeOffset>(6);
            batch.Add(e);
        }

        if (stream is not null)
        {
            await WriteAsync(importer, serializer, stream, batch);
        }

        await importer.CompleteAsync();
        await importer.CloseAsync();
        await using var check = new NpgsqlCommand(
            $"select (select count(*) from public.bench_replay) = (select count(*) from {schema}.mt_doc_dealsummary)", write);
        if (await check.ExecuteScalarAsync() is not true)
        {
            throw new InvalidOperationException("the hand-written replay did not produce one document per deal");
        }

        return replayed;
    }

    private static async Task WriteAsync(NpgsqlBinaryImporter importer, ISerializer serializer, string stream, List<IEvent> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var summary = DealSummaryProjection.Fold(null, stream, batch);
        summary.Version = (int)batch[^1].Version;
        await importer.StartRowAsync();
        await importer.WriteAsync(stream, NpgsqlDbType.Varchar);
        await importer.WriteAsync(serializer.ToJson(summary), NpgsqlDbType.Jsonb);
    }

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
