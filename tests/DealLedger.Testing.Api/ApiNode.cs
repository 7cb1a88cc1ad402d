using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace DealLedger.Testing.Api;

/// <summary>
/// The API in a process of its own on a loopback port, as one node of a deployment: for tests of what only
/// separate processes show (leader election, SIGKILL).
/// </summary>
public sealed class ApiNode : IAsyncDisposable
{
    /// <summary>The node's admin key: random-looking, since a node runs as Production, which refuses guessable keys.</summary>
    public const string Key = "node-admin-Kq7vX2pL9mR4tZ8wB3nF6hJ1";
    private readonly Process _process;

    private ApiNode(Process process, int port)
    {
        _process = process;
        Port = port;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        Client.DefaultRequestHeaders.Add("X-Api-Key", Key);
    }

    public int Port { get; }

    public HttpClient Client { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The API process's id (to read its memory from /proc).</summary>
    public int ProcessId => _process.Id;

    public static Task<ApiNode> StartAsync(string connectionString, string schema, params (string Key, string Value)[] settings)
    {
        var port = FreePort();
        return StartAsync(ApiCli.StartInfo(connectionString, schema, ["--urls", $"http://127.0.0.1:{port}"]), port, settings);
    }

    /// <summary>A node as a newcomer starts it: Development, on the local cluster it provisions in <paramref name="dataDirectory"/>.</summary>
    public static Task<ApiNode> StartDevelopmentAsync(string dataDirectory, params (string Key, string Value)[] settings)
    {
        var port = FreePort();
        return StartAsync(ApiCli.DevelopmentStartInfo(dataDirectory, "--urls", $"http://127.0.0.1:{port}"), port, settings);
    }

    private static async Task<ApiNode> StartAsync(ProcessStartInfo start, int port, (string Key, string Value)[] settings)
    {
        start.Environment["Auth__ApiKeys__0__Name"] = $"node-{port}";
        start.Environment["Auth__ApiKeys__0__Key"] = Key;
        start.Environment["Auth__ApiKeys__0__Admin"] = "true";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = ApiCli.Start(start);
        var node = new ApiNode(process, port);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the API node exited with {process.ExitCode}");
            }

            try
            {
                if ((await node.Client.GetAsync("/health/live")).IsSuccessStatusCode)
                {
                    return node;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        await node.DisposeAsync();
        throw new TimeoutException("the API node did not start within 90 s");
    }

    /// <summary>SIGKILL: the node gets no chance to clean up, as in a crash.</summary>
    /// <summary>
    /// Waits until the node is told of appends (its /health says "listening"), so its current reads come from memory;
    /// fails only when it has not got there within a minute.
    /// </summary>
    public async Task WaitUntilListeningAsync()
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var health = System.Text.Json.Nodes.JsonNode.Parse(await Client.GetStringAsync("/health"))!;
            var database = health["checks"]!.AsArray().FirstOrDefault(c => (string?)c!["name"] == "database");
            if ((string?)database?["data"]?["appendNotifications"] == "listening")
            {
                return;
            }

            if (watch.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"the API node is not listening for appends: {health.ToJsonString()}");
            }

            await Task.Delay(100);
        }
    }

    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        Client.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
