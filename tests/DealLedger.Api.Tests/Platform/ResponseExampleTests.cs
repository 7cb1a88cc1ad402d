using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using DealLedger.Api.Admin;
using DealLedger.Projections;
using DealLedger.Testing;
using Json.Schema;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;

namespace DealLedger.Api.Tests.Platform;

/// <summary>
/// The OpenAPI document's example answers (src/DealLedger.Api/OpenApiResponseExamples.json) are this API's real
/// answers on the seed, recorded here with DEALLEDGER_WRITE_DOCS=1 (then rebuild and refresh docs/openapi.json), each
/// list cut to two items; every example is valid for its operation's response schema.
/// </summary>
public class ResponseExampleTests(ApiFixture api) : ApiTest(api)
{
    private const string Components = "#/components/schemas/";
    private const string Burn = "openai-cash-burn-2025-2029";
    private const string Oracle = "oracle-openai-cloud-2025";

    [Fact]
    public async Task every_success_answer_of_every_operation_has_an_example_valid_for_its_schema()
    {
        if (Environment.GetEnvironmentVariable("DEALLEDGER_WRITE_DOCS") == "1")
        {
            await WriteExamplesAsync();
            return;
        }

        var document = await Api.GetJsonAsync("/openapi/v1.json");
        var defs = JsonNode.Parse(document["components"]!["schemas"]!.ToJsonString().Replace(Components, "#/$defs/", StringComparison.Ordinal));
        var missing = new List<string>();
        var invalid = new List<string>();
        var checkedCount = 0;
        foreach (var (path, operations) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in operations!.AsObject())
            {
                foreach (var (status, response) in operation!["responses"]!.AsObject().Where(r => r.Key.StartsWith('2')))
                {
                    var name = $"{operation["operationId"]} {status}";
                    if (response!["content"]?["application/json"] is not { } media)
                    {
                        continue;
                    }

                    if (media["example"] is not { } example)
                    {
                        missing.Add(name);
                        continue;
                    }

                    var schema = JsonSchema.FromText(new JsonObject
                    {
                        ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
                        ["$defs"] = defs!.DeepClone(),
                        ["allOf"] = new JsonArray(JsonNode.Parse(media["schema"]!.ToJsonString().Replace(Components, "#/$defs/", StringComparison.Ordinal))),
                    }.ToJsonString());
                    var result = schema.Evaluate(JsonDocument.Parse(example.ToJsonString()).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
                    checkedCount++;
                    if (!result.IsValid)
                    {
                        invalid.Add($"{method.ToUpperInvariant()} {path} {name}: " + string.Join("; ", (result.Details ?? [])
                            .Where(d => d.Errors is { Count: > 0 }).Select(d => $"{d.InstanceLocation}: {string.Join(", ", d.Errors!.Values)}").Take(5)));
                    }
                }
            }
        }

        var withoutParameterExample = document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => o.Value!))
            .Where(o => o["responses"]!.AsObject().Any(r => r.Value!["content"]?["application/json"]?["example"] is not null))
            .SelectMany(o => (o["parameters"]?.AsArray() ?? []).Where(p => (string?)p!["in"] == "path" && p["example"] is null)
                .Select(p => $"{o["operationId"]} {p!["name"]}"))
            .ToList();
        Assert.Empty(withoutParameterExample);
        Assert.Empty(invalid);
        Assert.Empty(missing);
        Assert.True(checkedCount >= 26, $"only {checkedCount} examples checked");
    }

    /// <summary>Records the answers: the seed imported into an empty ledger, then a read of each operation, then writes.</summary>
    private async Task WriteExamplesAsync()
    {
        var examples = new JsonObject();
        var reader = Api.Client(withKey: false);
        var templates = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, operations) in (await Api.GetJsonAsync("/openapi/v1.json"))["paths"]!.AsObject())
        {
            foreach (var (_, operation) in operations!.AsObject())
            {
                templates[(string)operation!["operationId"]!] = path;
            }
        }
        var admin = Api.Client(ApiFixture.AdminKey);

        async Task<JsonNode> Record(string operation, int status, HttpClient client, HttpMethod method, string url, HttpContent? body = null)
        {
            using var request = new HttpRequestMessage(method, url) { Content = body };
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == status, $"{operation}: {method} {url} answered {(int)response.StatusCode}, not {status}: {text}");
            var answer = JsonNode.Parse(text)!;
            var byStatus = examples[operation] as JsonObject ?? new JsonObject();
            examples[operation] = byStatus;
            if (Parameters(templates[operation], url) is { Count: > 0 } parameters)
            {
                byStatus["parameters"] = parameters;
            }
            byStatus[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Shorten(answer.DeepClone());
            return answer;
        }

        await Record("ImportFacts", 200, Api.Client(), HttpMethod.Post, "/facts/import",
            new StringContent(Encoding.UTF8.GetString(SeedData.Bytes()), Encoding.UTF8, "application/x-ndjson"));
        await Api.CatchUpAsync();

        await Record("GetEstimate", 200, reader, HttpMethod.Get, $"/estimates/{Burn}");
        await Record("ListEstimates", 200, reader, HttpMethod.Get, "/estimates");
        await Record("GetEstimateRevisions", 200, reader, HttpMethod.Get, $"/estimates/{Burn}/revisions");
        await Record("GetEstimateChanges", 200, reader, HttpMethod.Get, $"/estimates/{Burn}/changes?from=2025-01-01&to=2025-12-31");
        await Record("GetDeal", 200, reader, HttpMethod.Get, $"/deals/{Oracle}");
        await Record("ListDeals", 200, reader, HttpMethod.Get, "/deals?party=openai");
        await Record("GetDealHistory", 200, reader, HttpMethod.Get, $"/deals/{Oracle}/history");
        await Record("GetDealChanges", 200, reader, HttpMethod.Get, $"/deals/{Oracle}/changes?from=2025-01-01&to=2025-12-31");
        await Record("GetDealTermRevisions", 200, reader, HttpMethod.Get, $"/deals/{Oracle}/terms/total-value/revisions");
        await Record("GetChanges", 200, reader, HttpMethod.Get, "/changes?from=2025-09-01&to=2025-09-30");
        await Record("GetParty", 200, reader, HttpMethod.Get, "/parties/openai");
        await Record("GetCommitments", 200, reader, HttpMethod.Get, "/commitments/openai");
        await Record("GetTimeline", 200, reader, HttpMethod.Get, "/timeline");
        await Record("ListSources", 200, reader, HttpMethod.Get, "/sources");
        await Record("GetSource", 200, reader, HttpMethod.Get, "/sources/The%20Information");
        await Record("GetEvents", 200, reader, HttpMethod.Get, "/events");
        await Record("GetStreamEvents", 200, reader, HttpMethod.Get, $"/streams/{Burn}/events");

        var fact = new JsonObject
        {
            ["factId"] = "example-cash-burn-2026",
            ["type"] = "estimate.revised",
            ["subject"] = Burn,
            ["reportedOn"] = "2026-03-01",
            ["source"] = new JsonObject { ["publisher"] = "Example Wire", ["title"] = "Example revision", ["kind"] = "press", ["language"] = "en" },
            ["data"] = new JsonObject { ["value"] = new JsonObject { ["amount"] = 120000000000, ["currency"] = "USD", ["precision"] = "about" } },
        };
        await Record("RecordFact", 201, Api.Client(), HttpMethod.Post, "/facts", JsonContent.Create(fact));
        await Record("RecordFact", 200, Api.Client(), HttpMethod.Post, "/facts", JsonContent.Create(fact));
        await Api.CatchUpAsync();

        await Record("GetReadModelStatus", 200, admin, HttpMethod.Get, "/admin/projections");
        var rebuild = await Record("RebuildReadModel", 202, admin, HttpMethod.Post, "/admin/projections/PartyExposure/rebuild");
        var id = (string)rebuild["id"]!;
        await Record("GetRebuild", 200, admin, HttpMethod.Get, $"/admin/rebuilds/{id}");
        // The seed's rebuild takes longer than this round trip: the cancel finds it running (once ended, it is a 409).
        await Record("CancelRebuild", 202, admin, HttpMethod.Delete, $"/admin/rebuilds/{id}");

        // Parity and switch need a new version built beside the serving one: a ledger of its own (the seed) run by this
        // code, then by a deployment that bumps PartyExposure's version. In the default schema, so the tables the
        // report names are a deployment's.
        const string Schema = LedgerStore.DefaultSchema;
        await using (var current = await Api.IsolatedHostAsync(Schema, _ => { }))
        {
            await current.ResetAllMartenDataAsync();
            (await Api.ImportAsync(Encoding.UTF8.GetString(SeedData.Bytes()), ApiFixture.ClientOf(current, ApiFixture.Key))).EnsureSuccessStatusCode();
            await CatchUp.WaitAsync(current.Services.GetRequiredService<IDocumentStore>(), current.WaitForNonStaleProjectionDataAsync);
        }

        var next = ReadModels.All.Single(m => m.Name == "PartyExposure").Version + 1;
        await using var bumped = await Api.IsolatedHostAsync(Schema, services =>
            services.AddSingleton(new ReadModelCatalog(ReadModels.All.WithVersions(new Dictionary<string, uint> { ["PartyExposure"] = next }))));
        await CatchUp.WaitAsync(bumped.Services.GetRequiredService<IDocumentStore>(), bumped.WaitForNonStaleProjectionDataAsync);
        var deployer = ApiFixture.ClientOf(bumped, ApiFixture.AdminKey);
        await Record("CheckReadModelParity", 200, deployer, HttpMethod.Get, "/admin/projections/PartyExposure/parity");
        await Record("SwitchReadModelVersion", 200, deployer, HttpMethod.Post, "/admin/projections/PartyExposure/switch");

        var file = Path.Combine(RepositoryRoot(), "src", "DealLedger.Api", "OpenApiResponseExamples.json");
        await File.WriteAllTextAsync(file, examples.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>The request's parameters by name: path segments matched against the operation's template, then the query.</summary>
    private static JsonObject Parameters(string template, string url)
    {
        var parameters = new JsonObject();
        var pathAndQuery = url.Split('?', 2);
        var names = template.Trim('/').Split('/');
        var values = pathAndQuery[0].Trim('/').Split('/');
        for (var i = 0; i < names.Length; i++)
        {
            if (names[i].StartsWith('{'))
            {
                parameters[names[i].Trim('{', '}')] = Uri.UnescapeDataString(values[i]);
            }
        }

        foreach (var pair in pathAndQuery.Length > 1 ? pathAndQuery[1].Split('&') : [])
        {
            var (name, value) = (pair.Split('=', 2)[0], pair.Split('=', 2)[1]);
            parameters[Uri.UnescapeDataString(name)] = Uri.UnescapeDataString(value);
        }

        return parameters;
    }

    /// <summary>Every list cut to its first two items, so the document stays readable.</summary>
    private static JsonNode Shorten(JsonNode node)
    {
        switch (node)
        {
            case JsonArray array:
                while (array.Count > 2)
                {
                    array.RemoveAt(array.Count - 1);
                }

                foreach (var item in array.Where(i => i is not null))
                {
                    Shorten(item!);
                }

                break;
            case JsonObject obj:
                foreach (var (_, value) in obj.ToList())
                {
                    if (value is not null)
                    {
                        Shorten(value);
                    }
                }

                break;
        }

        return node;
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
