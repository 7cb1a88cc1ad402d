using System.Diagnostics;
using System.Text.Json.Nodes;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Platform;

/// <summary>
/// The OpenAPI document is something a client generator and a reader can rely on: every operation summarised,
/// described and secured as the API really is, and Redocly's recommended rules pass (tests/openapi-lint: the CLI
/// pinned by npm, its configuration saying which rules are off and why).
/// </summary>
public class OpenApiLintTests(ApiFixture api) : ApiTest(api)
{
    [Fact]
    public async Task every_operation_has_a_written_summary_a_description_and_the_security_it_really_needs()
    {
        var document = await Api.GetJsonAsync("/openapi/v1.json");
        var scheme = document["components"]!["securitySchemes"]!["ApiKey"]!;
        Assert.Equal("apiKey", (string?)scheme["type"]);
        Assert.Equal("header", (string?)scheme["in"]);
        Assert.Equal("X-Api-Key", (string?)scheme["name"]);

        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => (Path: path.Key, Method: op.Key, Operation: op.Value!)))
            .ToList();
        Assert.NotEmpty(operations);
        foreach (var (path, method, operation) in operations)
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            var summary = (string?)operation["summary"];
            var description = (string?)operation["description"];

            // The generated defaults are the route name (GET_deals_slug) in both.
            Assert.False(string.IsNullOrWhiteSpace(summary) || summary.Contains('_', StringComparison.Ordinal), $"{name}: summary '{summary}'");
            Assert.False(string.IsNullOrWhiteSpace(description) || description.StartsWith(method.ToUpperInvariant() + "_", StringComparison.Ordinal),
                $"{name}: description '{description}'");
            Assert.NotEqual(summary, description);

            var security = operation["security"]!.AsArray().Select(r => string.Join(",", r!.AsObject().Select(s => s.Key))).ToList();
            var write = method != "get" || path.StartsWith("/admin", StringComparison.Ordinal);
            Assert.Equal(write ? ["ApiKey"] : ["", "ApiKey"], security);
            if (write)
            {
                Assert.NotNull(operation["responses"]!["401"]);
            }
        }

        var deal = operations.Single(o => o is { Path: "/deals/{slug}", Method: "get" }).Operation;
        var asOf = deal["parameters"]!.AsArray().Single(p => (string?)p!["name"] == "asOf")!;
        Assert.Equal("date", (string?)asOf["schema"]!["format"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)asOf["description"]));
    }

    [Fact]
    public async Task redocly_recommended_rules_find_no_problem()
    {
        var document = (await Api.GetJsonAsync("/openapi/v1.json")).ToJsonString();
        var lint = Path.Combine(RepositoryRoot(), "tests", "openapi-lint");
        var cli = Path.Combine(lint, "node_modules", "@redocly", "cli", "bin", "cli.js");
        if (!File.Exists(cli))
        {
            // Installed from the lock file on first use, as NuGet packages are on restore.
            var (installed, installOutput) = await RunAsync("npm", lint, "ci", "--no-audit", "--no-fund");
            Assert.True(installed == 0, $"npm ci in {lint} failed (Node.js and npm are needed; .ci/run installs them):\n{installOutput}");
        }

        var file = Path.Combine(Path.GetTempPath(), $"dealledger-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, document);
        try
        {
            var (exitCode, output) = await RunAsync("node", lint, cli, "lint", file, "--config", Path.Combine(lint, "redocly.yaml"), "--format", "summary");
            Assert.True(exitCode == 0, output);
            Assert.DoesNotContain(output.Split('\n'), line => line.StartsWith("warning ", StringComparison.Ordinal) || line.StartsWith("error ", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["NO_COLOR"] = "1", ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true" },
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await errors);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "DealLedger.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("DealLedger.sln not found above the test's directory");
    }
}
