using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Platform;

/// <summary>
/// Every operation of the OpenAPI document, called with a valid admin key and hostile or edge values in every
/// parameter, and the fact contract's fields spoiled the same way: nothing may answer a 5xx.
/// </summary>
public class FuzzTests(ApiFixture api) : ApiTest(api)
{
    private static readonly Gen<string> Hostile = Gen.OneOf(
        Gen.OneOf(
            "", " ", "\u0000", "a\u0000b", "\u0001", "\u001b[31m", "\u007f", "\u200b", "\ud83d\ude00", "é", "%", "%00", "%%", "..", "../../etc/passwd",
            "' OR 1=1 --", "\"", "\\", "<script>", "{", "[]", "null", "true", "-1", "0", "-0", "1e400", "NaN", "Infinity", "79228162514264337593543950336",
            "-79228162514264337593543950336", "9223372036854775808", "2147483648", "0001-01-01", "9999-12-31", "9999-12", "10000-01-01", "1900-01-01",
            "2200-12-31", "2025-02-30", "2025-13-01", "2025-09-10T25:00:00Z", "9999-12-31T23:59:59.9999999Z", "0001-01-01T00:00:00Z", "since 9999",
            "Q5 2025", "winter 9999", "oracle-openai-cloud-2025", "openai-cash-burn-2025-2029", "openai", "total-value", "csv", "ndjson", "-lastReportedOn",
            "WSJ", "The Information", "1", "5000", "100000"),
        Gen.String[0, 300],
        Gen.Char.Array[1, 20].Select(chars => new string(chars)),
        Gen.Const(new string('x', 20_000)));

    [Fact]
    public async Task no_operation_answers_a_5xx_whatever_its_parameters_hold()
    {
        await Api.ImportSeedAsync();
        var document = await Api.Client(ApiFixture.AdminKey).GetFromJsonAsync<JsonNode>("/openapi/v1.json");
        var operations = Operations(document!).Where(o => o.Method is "GET" or "DELETE").ToList();
        Assert.NotEmpty(operations);
        var client = Api.Client(ApiFixture.AdminKey);

        var gen = Gen.Int[0, operations.Count - 1].SelectMany(i => Gen.Select(
            Hostile.Array[operations[i].Parameters.Count], Gen.Bool.Array[operations[i].Parameters.Count],
            (values, present) => (Operation: operations[i], Values: values, Present: present)));
        await gen.SampleAsync(async sample =>
        {
            var (operation, values, present) = sample;
            var path = operation.Path;
            var query = new List<string>();
            for (var p = 0; p < operation.Parameters.Count; p++)
            {
                var (name, inPath) = operation.Parameters[p];
                if (inPath)
                {
                    // A NUL in the path never reaches the API: Kestrel refuses it with a 400 itself, and the in-process
                    // test server throws on the client side instead, so the fuzzer sends another control character.
                    var value = values[p].Replace('\0', '\u0001');
                    path = path.Replace("{" + name + "}", value.Length == 0 ? "x" : Uri.EscapeDataString(value), StringComparison.Ordinal);
                }
                else if (present[p])
                {
                    query.Add($"{name}={Uri.EscapeDataString(values[p])}");
                }
            }

            var url = query.Count == 0 ? path : $"{path}?{string.Join('&', query)}";
            using var request = new HttpRequestMessage(new HttpMethod(operation.Method), url);
            var response = await client.SendAsync(request);
            Assert.True((int)response.StatusCode < 500, $"{operation.Method} {url}: {(int)response.StatusCode} {await Body(response)}");
        }, iter: 600, threads: 1);
    }

    [Fact]
    public async Task no_spoiled_fact_answers_a_5xx()
    {
        await Api.ImportSeedAsync();
        var fields = new[]
        {
            "factId", "type", "subject", "reportedOn", "effective", "corrects", "source.publisher", "source.title", "source.url", "source.kind",
            "source.language", "source.cites", "data.title", "data.kind", "data.parties", "data.status", "data.description", "data.term", "data.value",
            "data.value.amount", "data.value.max", "data.value.currency", "data.value.precision", "data.months", "data.start", "data.gigawatts",
            "data.factId", "data.target", "data.relation",
        };
        var values = Gen.OneOf<JsonNode?>(
            Hostile.Select(s => (JsonNode?)JsonValue.Create(s)),
            Gen.Decimal.Select(d => (JsonNode?)JsonValue.Create(d)),
            Gen.Long.Select(l => (JsonNode?)JsonValue.Create(l)),
            Gen.Double.Select(d => double.IsFinite(d) ? (JsonNode?)JsonValue.Create(d) : null),
            Gen.Const<JsonNode?>(() => null), Gen.Const<JsonNode?>(() => new JsonArray()), Gen.Const<JsonNode?>(() => new JsonObject()));
        var types = new Func<int, JsonObject>[]
        {
            n => Envelopes.Deal($"fz-{n}", "oracle-openai-cloud-2025", "2025-09-12"),
            n => Envelopes.Value($"fz-{n}", "oracle-openai-cloud-2025", "2025-09-12", 1m),
            n => Envelopes.Estimate($"fz-{n}", "openai-cash-burn-2025-2029", "2025-09-12", 1m, first: false),
            n => Envelopes.Envelope($"fz-{n}", "deal.relation-reported", "oracle-openai-cloud-2025", "2025-09-12",
                new { relation = "related-to", target = "stargate-2025" }),
        };
        var client = Api.Client(ApiFixture.Key);
        var n = 0;
        await Gen.Select(Gen.Int[0, types.Length - 1], Gen.OneOf(fields), values, Gen.Bool).SampleAsync(async (type, field, value, asImport) =>
        {
            var envelope = types[type](Interlocked.Increment(ref n));
            var path = field.Split('.');
            JsonNode? parent = envelope;
            foreach (var step in path[..^1])
            {
                parent = parent?[step];
            }

            if (parent is JsonObject target)
            {
                target[path[^1]] = value?.DeepClone();
            }

            var response = asImport
                ? await client.PostAsync("/facts/import", new StringContent(envelope.ToJsonString() + "\n", Encoding.UTF8, "application/x-ndjson"))
                : await Api.PostFactAsync(envelope, client);
            Assert.True((int)response.StatusCode < 500, $"{field} = {value?.ToJsonString()}: {(int)response.StatusCode} {await Body(response)}");
        }, iter: 400, threads: 1);

        await Api.CatchUpAsync();
    }

    private static async Task<string> Body(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        return body.Length > 500 ? body[..500] : body;
    }

    private sealed record Operation(string Method, string Path, IReadOnlyList<(string Name, bool InPath)> Parameters);

    private static IEnumerable<Operation> Operations(JsonNode document)
    {
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var parameters = (operation?["parameters"]?.AsArray() ?? [])
                    .Select(p => ((string)p!["name"]!, (string?)p["in"] == "path"))
                    .ToList();
                yield return new Operation(method.ToUpper(CultureInfo.InvariantCulture), path, parameters);
            }
        }
    }
}
