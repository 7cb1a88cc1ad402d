using System.Collections.Concurrent;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;

namespace DealLedger.Explorer.Tests;

/// <summary>
/// One page in a browser context of its own, recording what a reader would see go wrong: console errors, script
/// errors, requests that failed, answers of 400 and above. <see cref="AssertNoProblemsAsync"/> ends each test.
/// </summary>
public sealed class BrowserPage : IAsyncDisposable
{
    /// <summary>DEALLEDGER_WRITE_DOCS=1 writes the screenshots in docs/screenshots/ (as docs/openapi.json is written).</summary>
    public static bool WriteDocs => Environment.GetEnvironmentVariable("DEALLEDGER_WRITE_DOCS") == "1";

    private readonly IBrowserContext _context;
    private readonly ConcurrentQueue<string> _problems = new();

    /// <summary>Pages opened expecting an error status (a not-found page): that answer, and Chromium's line about it, are no problem.</summary>
    private readonly ConcurrentDictionary<string, int> _expected = new(StringComparer.Ordinal);

    private readonly Uri _baseAddress;

    public BrowserPage(IBrowserContext context, IPage page, Uri baseAddress)
    {
        _context = context;
        _baseAddress = baseAddress;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !(message.Page?.Url is { } url && _expected.TryGetValue(url, out var status) &&
                    message.Text.StartsWith($"Failed to load resource: the server responded with a status of {status} ", StringComparison.Ordinal)))
            {
                _problems.Enqueue($"console error on {message.Page?.Url}: {message.Text}");
            }
        };
        page.PageError += (_, error) => _problems.Enqueue($"script error on {page.Url}: {error}");
        page.RequestFailed += (_, request) => _problems.Enqueue($"request failed: {request.Method} {request.Url}: {request.Failure}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400 && !(_expected.TryGetValue(response.Url, out var status) && status == response.Status))
            {
                _problems.Enqueue($"{response.Status} for {response.Request.Method} {response.Url}");
            }
        };
    }

    public IPage Page { get; }

    /// <summary>Opens a path of the API (relative: "explore/estimates/x") and asserts it answered <paramref name="status"/>.</summary>
    public async Task GotoAsync(string path, int status = 200)
    {
        if (status != 200)
        {
            ExpectStatus(path, status);
        }

        var response = await Page.GotoAsync(path);
        Assert.True(response?.Status == status, $"{path} answered {response?.Status}, not {status}");
    }

    /// <summary>
    /// An answer of <paramref name="status"/> from this address (relative, or absolute as <see cref="IPage.Url"/> gives it) is
    /// what the test provokes (a refused form post), not a problem.
    /// </summary>
    public void ExpectStatus(string path, int status) => _expected[new Uri(_baseAddress, path).ToString()] = status;

    /// <summary>
    /// Runs axe-core on the page as it is and fails on any violation of serious or critical impact, listing each with
    /// the elements it found it on.
    /// </summary>
    public async Task AssertAccessibleAsync()
    {
        var result = await Page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"axe-core on {Page.Url}:\n" + string.Join("\n", serious.Select(v =>
            $"{v.Impact} {v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
    }

    /// <summary>With DEALLEDGER_WRITE_DOCS=1, a full-page PNG of the page as it is into docs/screenshots/.</summary>
    public async Task ScreenshotForDocsAsync(string fileName)
    {
        if (!WriteDocs)
        {
            return;
        }

        var folder = Path.Combine(ExplorerFixture.RepositoryRoot(), "docs", "screenshots");
        Directory.CreateDirectory(folder);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, fileName), FullPage = true });
    }

    /// <summary>Fails when anything went wrong on any page this test visited.</summary>
    public Task AssertNoProblemsAsync()
    {
        Assert.True(_problems.IsEmpty, "problems while browsing:\n" + string.Join("\n", _problems));
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
