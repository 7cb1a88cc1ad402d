using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using DealLedger.Benchmarks;
using DealLedger.Testing;

// dotnet run -c Release --project tests/DealLedger.Benchmarks -- [--quick] [scenario...]
if (args is ["--hand-replay"])
{
    // B7's baseline, started by the benchmark itself in a process of its own.
    return await Replay.HandReplayProcessAsync();
}

var quick = args.Contains("--quick");
var wanted = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
var unknown = wanted.Where(w => !Scenarios.All.ContainsKey(w)).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"Unknown scenario(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", Scenarios.All.Keys)}");
    return 2;
}

var options = new Options(quick);
if (args.Contains("--one-more"))
{
    var host = new ApiFixture { Settings = [("Projections:DaemonMode", "Disabled")] };
    await host.InitializeAsync();
    try
    {
        await Writes.OneMoreFactAsync(host);
    }
    finally
    {
        await host.DisposeAsync();
    }

    return 0;
}

// The in-process API (B1, B6) runs no daemon: async views catching up would compete with the measured paths.
var api = new ApiFixture { Settings = [("Projections:DaemonMode", "Disabled")] };
Console.WriteLine("Starting PostgreSQL and the API in process...");
await api.InitializeAsync();
var results = new List<Result>();
try
{
    foreach (var (id, run) in Scenarios.All.Where(s => wanted.Count == 0 || wanted.Contains(s.Key, StringComparer.OrdinalIgnoreCase)))
    {
        Console.WriteLine($"{id}...");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        foreach (var result in await run(api, options))
        {
            results.Add(result);
            Console.WriteLine($"  {result.Id}: {result.Value} vs {result.BaselineValue}: ratio {result.Ratio:0.00} ({(result.Pass ? "meets" : "MISSES")} {result.Target}) " +
                $"in {watch.Elapsed.TotalSeconds:0} s {result.Note}");
        }
    }
}
finally
{
    await Load.DisposeAsync();
    await api.DisposeAsync();
}

var table = Table(results, quick);
Console.WriteLine();
Console.WriteLine(table);
var docs = Path.Combine(FindRoot(), "docs", "benchmarks.md");
await File.WriteAllTextAsync(docs, WithResults(File.Exists(docs) ? await File.ReadAllTextAsync(docs) : "", table));
Console.WriteLine($"Written to {docs}");
return 0;

static string Table(IReadOnlyList<Result> results, bool quick)
{
    var text = new StringBuilder();
    text.AppendLine(CultureInfo.InvariantCulture, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {(quick ? "--quick" : "full")}, on {Machine()}.");
    text.AppendLine();
    text.AppendLine(Limits());
    text.AppendLine();
    text.AppendLine("| id | figure | value | baseline (same run) | baseline value | ratio | target | verdict |");
    text.AppendLine("|---|---|---|---|---|---|---|---|");
    foreach (var r in results)
    {
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {r.Id} | {r.Figure} | {r.Value} | {r.Baseline} | {r.BaselineValue} | {r.Ratio:0.00} | {r.Target} | {(r.Pass ? "meets" : "misses")} |");
    }

    var notes = results.Where(r => r.Note.Length > 0).ToList();
    if (notes.Count > 0)
    {
        text.AppendLine();
        foreach (var r in notes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {r.Id}: {r.Note}.");
        }
    }

    return text.ToString();
}

// The limits the load ran under: the per-client windows are off (one key would otherwise be throttled long before the
// server is), every other limit at its production default.
static string Limits()
{
    var rate = new DealLedger.Api.Limits.RateLimitOptions();
    var database = new DealLedger.Api.Limits.DatabaseOptions();
    return string.Create(CultureInfo.InvariantCulture,
        $"Limits during the run: RateLimits:PerKey and PerAddress off (PermitLimit 0; defaults {rate.PerKey.PermitLimit} and " +
        $"{rate.PerAddress.PermitLimit} per {rate.PerKey.WindowSeconds} s); ExpensiveReads {rate.ExpensiveReads.PermitLimit} at once + " +
        $"{rate.ExpensiveReads.QueueLimit} queued; Imports {rate.Imports.PermitLimit}; Database:MaxPoolSize {database.MaxPoolSize} per process " +
        $"(headroom {database.Headroom}), MaxAutoPrepare {database.MaxAutoPrepare}, AutoPrepareMinUsages {database.AutoPrepareMinUsages}.");
}

static string Machine() =>
    $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024 * 1024)} GiB, " +
    $"{RuntimeInformation.OSDescription.Trim()}, .NET {Environment.Version}";

// The table goes between the markers; the analysis around it is written by hand and kept.
static string WithResults(string document, string table)
{
    const string Start = "<!-- results: written by the benchmark run -->";
    const string End = "<!-- /results -->";
    var results = $"{Start}\n{table}{End}";
    var from = document.IndexOf(Start, StringComparison.Ordinal);
    var to = document.IndexOf(End, StringComparison.Ordinal);
    return from >= 0 && to > from
        ? document[..from] + results + document[(to + End.Length)..]
        : $"# Benchmarks\n\n{results}\n";
}

static string FindRoot()
{
    var directory = new DirectoryInfo(AppContext.BaseDirectory);
    while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "DealLedger.sln")))
    {
        directory = directory.Parent;
    }

    return directory?.FullName ?? Directory.GetCurrentDirectory();
}
