using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace DealLedger.Benchmarks;

/// <summary>
/// wrk, a C load generator, when installed: lighter on the two shared cores than the in-repo .NET client, so the
/// figure says more about the API than about the client.
/// </summary>
public static partial class Wrk
{
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "wrk")).FirstOrDefault(File.Exists);

    /// <summary>Requests/s of <c>wrk -t2 -c{connections}</c> against <paramref name="url"/>; a non-2xx answer fails the run.</summary>
    public static async Task<double> RateAsync(string wrk, string url, int connections, TimeSpan duration)
    {
        var start = new ProcessStartInfo(wrk)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-t2", $"-c{connections}", $"-d{Math.Max(1, (int)Math.Round(duration.TotalSeconds))}s", url })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || output.Contains("Non-2xx", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"wrk against {url} failed: {output}{await process.StandardError.ReadToEndAsync()}");
        }

        return double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecond();
}
