using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using DealLedger.Testing;

namespace DealLedger.Explorer.Tests;

[CollectionDefinition(Name)]
public sealed class ExplorerTests : ICollectionFixture<ExplorerFixture>
{
    public const string Name = "explorer";
}

/// <summary>
/// One API and one browser for the whole collection: the API as its own process on a free loopback port (as
/// production runs it) over a throwaway PostgreSQL, the seed imported once and every read model caught up; Debian's
/// Chromium driven headless by Playwright. The pages only read, so tests share the ledger.
/// </summary>
public sealed class ExplorerFixture : IAsyncLifetime
{
    /// <summary>Names the Chromium binary; Debian's by default (.ci/run installs it).</summary>
    public const string ChromiumVariable = "DEALLEDGER_CHROMIUM";
    public const string DebianChromium = "/usr/lib/chromium/chromium";

    private readonly PostgresServer _server = new();
    private ApiNode? _node;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The API's address, e.g. http://127.0.0.1:40123/.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>An admin client of the API (imports, read-model status).</summary>
    public HttpClient Client => _node!.Client;

    public async Task InitializeAsync()
    {
        // The browser first: a missing Chromium fails every test at once with a message saying what to install.
        var chromium = Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } named ? named : DebianChromium;
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException(
                $"No Chromium at {chromium}: the browser tests need Debian's Chromium (apt-get install chromium; .ci/run installs it), " +
                $"or {ChromiumVariable} naming another Chromium binary.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true });

        await _server.InitializeAsync();
        _node = await ApiNode.StartAsync(_server.ConnectionString, PostgresServer.SchemaFor(typeof(ExplorerFixture).Assembly.GetName().Name!),
            // The process runs from the test's output folder; its static files are the project's own wwwroot.
            [("ASPNETCORE_WEBROOT", Path.Combine(RepositoryRoot(), "src", "DealLedger.Api", "wwwroot")), .. ApiFixture.NoClientLimits]);
        BaseAddress = _node.Client.BaseAddress!;

        var import = await _node.Client.PostAsync("/facts/import", new StringContent(Encoding.UTF8.GetString(SeedData.Bytes()), Encoding.UTF8, "application/x-ndjson"));
        Assert.True(import.IsSuccessStatusCode, $"seed import answered {(int)import.StatusCode}: {await import.Content.ReadAsStringAsync()}");
        await CaughtUpAsync();
    }

    /// <summary>Waits until every read model (async ones included) has read the whole log; fails after a minute.</summary>
    public async Task CaughtUpAsync()
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var status = (await _node!.Client.GetFromJsonAsync<JsonArray>("/admin/projections"))!;
            if (status.All(model => (long)model!["lagEvents"]! == 0))
            {
                return;
            }

            if (watch.Elapsed > TimeSpan.FromMinutes(1))
            {
                throw new TimeoutException($"read models not caught up after a minute: {status.ToJsonString()}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// A fresh browser context and page on the API, recording every console error and failed request; with
    /// <paramref name="apiKey"/>, every request carries it in X-Api-Key (as a proxy in front of the explorer could add it).
    /// </summary>
    public async Task<BrowserPage> OpenAsync(string? apiKey = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            Locale = "en-US",
            ExtraHTTPHeaders = apiKey is null ? null : new Dictionary<string, string> { ["X-Api-Key"] = apiKey },
        });
        return new BrowserPage(context, await context.NewPageAsync(), BaseAddress);
    }

    /// <summary>The checkout's root (the folder holding DealLedger.sln).</summary>
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "DealLedger.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("DealLedger.sln not found above the test's output folder");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        await _server.DisposeAsync();
    }
}
