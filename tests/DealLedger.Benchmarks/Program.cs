using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using DealLedger.Benchmarks;
using DealLedger.Testing;

// dotnet run -c Release --project tests/DealLedger.Benchmarks -- [--quick] [scenario...]
var quick = args.Contains("--quick");
var wanted = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
var unknown = wanted.Where(w => !Scenarios.All.ContainsKey(w)).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"Unknown scenario(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", Scenarios.All.Keys)}");
    return 2;
}

var options = new Options(quick);
var api = new ApiFixture();
Console.WriteLine("Starting PostgreSQL and the API in process...");
await api.InitializeAsync();
var results = new List<Result>();
try
{
    foreach (var (id, run) in Scenarios.All.Where(s => wanted.Count == 0 || wanted.Contains(s.Key, StringComparer.OrdinalIgnoreCase)))
    {
        Console.WriteLine($"{id}...");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = await run(api, options);
        results.Add(result);
        Console.WriteLine($"  {result.Value} vs {result.BaselineValue}: ratio {result.Ratio:0.00} ({(result.Pass ? "meets" : "MISSES")} {result.Target}) " +
            $"in {watch.Elapsed.TotalSeconds:0} s {result.Note}");
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
await File.WriteAllTextAsync(docs, Document(table));
Console.WriteLine($"Written to {docs}");
return 0;

static string Table(IReadOnlyList<Result> results, bool quick)
{
    var text = new StringBuilder();
    text.AppendLine(CultureInfo.InvariantCulture, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {(quick ? "--quick" : "full")}, on {Machine()}.");
    text.AppendLine();
    text.AppendLine("| id | figure | value | baseline (same run) | baseline value | ratio | target | verdict |");
    text.AppendLine("|---|---|---|---|---|---|---|---|");
    foreach (var r in results)
    {
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {r.Id} | {r.Figure} | {r.Value} | {r.Baseline} | {r.BaselineValue} | {r.Ratio:0.00} | {r.Target} | {(r.Pass ? "meets" : "misses")} |");
    }

    return text.ToString();
}

static string Machine() =>
    $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024 * 1024)} GiB, " +
    $"{RuntimeInformation.OSDescription.Trim()}, .NET {Environment.Version}";

static string Document(string table) =>
    "# Benchmarks\n\n" +
    "Written by `dotnet run -c Release --project tests/DealLedger.Benchmarks -- [--quick] [scenario...]`, which provisions\n" +
    "PostgreSQL as the tests do (DEALLEDGER_TEST_CONNECTION, Testcontainers, or the installed binaries), runs the API\n" +
    "in process and measures each figure against its baseline in the same run, alternating A, B, A, B and quoting\n" +
    "the median of the rounds. Absolute times on a shared 2-core machine are noise; the ratios are the result.\n\n" +
    table + "\n" +
    "## What the figures say\n\n" +
    "- **B1** (import): an import is one transaction that appends per stream, runs the inline projections\n" +
    "  (DealSummary, EstimateHistory, FactIndex) and checks every fact id; the baseline only copies the finished\n" +
    "  event rows. The gap is the price of validation, idempotency and read-your-writes summaries; Marten's bulk\n" +
    "  event path (`BulkInsertEventsAsync`, ~0.97 of COPY here) skips inline projections, so using it would mean\n" +
    "  rebuilding the inline read models after each import.\n" +
    "- **B2** (single writes): each POST /facts is its own transaction with a fact-id look-up, a stream-state\n" +
    "  read and the inline read models; the baseline appends the bare event. Measured against an API process on\n" +
    "  loopback with an in-repo client of 16 concurrent workers (closed loop, so it measures throughput, not\n" +
    "  latency under a fixed arrival rate: B3 and B5 need the fixed-rate generator that is not built yet).\n" +
    "- **B6** (temporal read): an as-of answer reads only the deal's own stream and folds it; its cost grows with\n" +
    "  the deal's own size, never with the rest of the ledger. Most of it is Marten materialising the stream's\n" +
    "  events (PostgreSQL returns 10,000 of them in ~20 ms); the fold itself is linear (~8 ms for 10,000).\n" +
    "- **B7** (rebuild): Marten's daemon rebuild of DealSummary against a hand-written replay using the same\n" +
    "  deserializer and fold and a binary COPY. Quick runs use 100,000 events, full runs 300,000 (the issue asks\n" +
    "  for 1,000,000; importing that many through the API alone takes longer than the full run's budget).\n\n" +
    "Scenarios B3-B5, B8 and B9 of the benchmark issue are not implemented yet.\n";

static string FindRoot()
{
    var directory = new DirectoryInfo(AppContext.BaseDirectory);
    while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "DealLedger.sln")))
    {
        directory = directory.Parent;
    }

    return directory?.FullName ?? Directory.GetCurrentDirectory();
}
