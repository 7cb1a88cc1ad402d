using System.Diagnostics;

namespace DealLedger.Benchmarks;

/// <summary>One line of the results table: a figure, its baseline measured in the same run, and the verdict.</summary>
public sealed record Result(string Id, string Figure, string Value, string Baseline, string BaselineValue, double Ratio, string Target, bool Pass, string Note = "");

/// <summary>
/// Side-by-side timing: A and B alternate (A, B, A, B...) so drift on a shared machine hits both alike, and
/// the median of the rounds is quoted. Never used as an assertion: figures go to the table.
/// </summary>
public static class Measure
{
    public static async Task<(double A, double B)> AlternateAsync(int rounds, Func<Task<double>> a, Func<Task<double>> b)
    {
        var aTimes = new List<double>();
        var bTimes = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            aTimes.Add(await a());
            bTimes.Add(await b());
            // Every round on the console, so the spread behind each median is there to see.
            Console.WriteLine($"    round {round + 1}: {aTimes[^1]:N2} vs {bTimes[^1]:N2} (ratio {aTimes[^1] / bTimes[^1]:0.00})");
        }

        return (Median(aTimes), Median(bTimes));
    }

    /// <summary>Milliseconds per call: the median of <paramref name="calls"/> timed calls.</summary>
    public static async Task<double> MillisecondsAsync(int calls, Func<Task> call)
    {
        var times = new List<double>();
        for (var i = 0; i < calls; i++)
        {
            var watch = Stopwatch.StartNew();
            await call();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        return Median(times);
    }

    public static double Median(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
