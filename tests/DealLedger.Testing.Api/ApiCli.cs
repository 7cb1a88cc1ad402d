using System.Diagnostics;

namespace DealLedger.Testing.Api;

/// <summary>The API's own command line (<c>DealLedger.Api.dll read-models ...</c>) in a process of its own, on a test's ledger.</summary>
public static class ApiCli
{
    /// <summary>Starts the command; its output is drained and dropped (for tests that kill it).</summary>
    public static Process Start(string connectionString, string schema, params string[] arguments) =>
        Start(StartInfo(connectionString, schema, arguments));

    /// <summary>Starts a process whose output is drained and dropped, so it never blocks on a full pipe.</summary>
    internal static Process Start(ProcessStartInfo start)
    {
        var process = Process.Start(start)!;
        // DEALLEDGER_NODE_LOG=<file> keeps the output instead (diagnosing a benchmark's or a test's API process).
        var keep = Environment.GetEnvironmentVariable("DEALLEDGER_NODE_LOG");
        var gate = new object();
        DataReceivedEventHandler write = keep is null
            ? (_, _) => { }
            : (_, line) => { if (line.Data is not null) { lock (gate) { File.AppendAllText(keep, $"[{process.Id}] {line.Data}\n"); } } };
        process.OutputDataReceived += write;
        process.ErrorDataReceived += write;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Runs the command to its end (killed after 5 minutes); returns its exit code and everything it wrote.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(string connectionString, string schema, params string[] arguments) =>
        RunAsync(connectionString, schema, [], arguments);

    /// <summary>Runs the command with settings changed (<c>Section:Key</c> names).</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(string connectionString, string schema, (string Key, string Value)[] settings,
        params string[] arguments) =>
        RunAsync(StartInfo(connectionString, schema, arguments), settings, TimeSpan.FromMinutes(5));

    /// <summary>Runs the command with settings changed, killed after <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(ProcessStartInfo start, (string Key, string Value)[] settings, TimeSpan timeout)
    {
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', start.ArgumentList.Skip(1))} did not end within {timeout.TotalSeconds:0} s");
        }

        return (process.ExitCode, await output + await errors);
    }

    /// <summary>
    /// The API's program as a newcomer runs it: Development, no connection string, so it provisions (or reuses) the
    /// local cluster in <paramref name="dataDirectory"/>.
    /// </summary>
    public static ProcessStartInfo DevelopmentStartInfo(string dataDirectory, params string[] arguments)
    {
        var start = StartInfo("", "ledger", arguments);
        start.Environment.Remove("ConnectionStrings__Marten");
        start.Environment.Remove("Database__ApplySchema");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["LocalPostgres__DataDirectory"] = dataDirectory;
        start.Environment["Seed__Enabled"] = "false";
        return start;
    }

    /// <summary>The API's program on a ledger, as production runs it: the CLI, or with <c>--urls</c>, a node (<see cref="ApiNode"/>).</summary>
    public static ProcessStartInfo StartInfo(string connectionString, string schema, string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "DealLedger.Api.dll") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
            Environment =
            {
                ["ConnectionStrings__Marten"] = connectionString,
                ["Marten__Schema"] = schema,
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["DOTNET_ENVIRONMENT"] = "Production",

                // Test ledgers are made by the fixtures' hosts and stores, not by db-apply, so these processes may
                // add what is missing (a production deployment runs db-apply instead: docs/operations.md).
                ["Database__ApplySchema"] = "true",

                // Production refuses to serve with any host name allowed; nodes are reached at these.
                ["AllowedHosts"] = "localhost;127.0.0.1",
            },
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}
