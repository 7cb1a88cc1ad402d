using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using DealLedger.Domain.Facts;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Adversarial;

/// <summary>Input is recorded as sent, apart from the normalisations docs/facts.md documents, or refused and nothing is written.</summary>
public class InputTests(ApiFixture api) : ApiTest(api)
{
    private static byte[] Utf8(JsonObject envelope) => Encoding.UTF8.GetBytes(envelope.ToJsonString());

    /// <summary>The envelope with a byte that is no UTF-8 (0xFF) in its source title.</summary>
    private static byte[] WithInvalidByte(JsonObject envelope)
    {
        envelope["source"]!["title"] = "Oracle \u0001 contract";
        var bytes = Utf8(envelope);
        var control = Encoding.UTF8.GetBytes("\\u0001");
        var at = bytes.AsSpan().IndexOf(control);
        return [.. bytes[..at], 0xFF, .. bytes[(at + control.Length)..]];
    }

    private async Task<HttpResponseMessage> PostAsync(byte[] body) =>
        await Api.Client().PostAsync("/facts", new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } });

    private async Task<HttpResponseMessage> ImportAsync(params byte[][] lines) =>
        await Api.Client().PostAsync("/facts/import", new ByteArrayContent([.. lines.SelectMany(l => l)])
        {
            Headers = { ContentType = new MediaTypeHeaderValue("application/x-ndjson") },
        });

    private static JsonNode LineErrors(JsonNode problem, int line) =>
        Assert.Single(problem["lines"]!.AsArray(), l => (int)l!["line"]! == line)!["errors"]!;

    [Fact]
    public async Task post_facts_refuses_a_text_that_is_not_utf8_naming_the_field_and_writes_nothing()
    {
        var response = await PostAsync(WithInvalidByte(Envelopes.Deal("d1", "deal-a", "2025-01-01")));

        var problem = await Problem.Assert(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("is not valid UTF-8 text", (string?)problem["errors"]!["source.title"]![0]);
        Assert.Equal(0, await Api.EventCountAsync());
    }

    [Fact]
    public async Task post_facts_refuses_a_key_that_is_not_utf8_naming_its_object_and_writes_nothing()
    {
        var envelope = Envelopes.Deal("d1", "deal-a", "2025-01-01");
        envelope["source"]!["\u0001"] = "x";
        var bytes = Utf8(envelope);
        var control = Encoding.UTF8.GetBytes("\\u0001");
        var at = bytes.AsSpan().IndexOf(control);

        var response = await PostAsync([.. bytes[..at], 0xC3, .. bytes[(at + control.Length)..]]);

        var problem = await Problem.Assert(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("has a key that is not valid UTF-8 text", (string?)problem["errors"]!["source"]![0]);
        Assert.Equal(0, await Api.EventCountAsync());
    }

    [Fact]
    public async Task an_import_with_a_line_that_is_not_utf8_is_refused_naming_the_line_and_writes_nothing()
    {
        // A byte order mark and CRLF line ends, as an editor on Windows saves a file: they do not shift the line numbers.
        var response = await ImportAsync(
            [0xEF, 0xBB, 0xBF], Utf8(Envelopes.Deal("d1", "deal-a", "2025-01-01")), "\r\n"u8.ToArray(),
            Utf8(Envelopes.Deal("d2", "deal-b", "2025-01-01")), "\r\n"u8.ToArray(),
            WithInvalidByte(Envelopes.Deal("d3", "deal-c", "2025-01-01")), "\r\n"u8.ToArray(),
            Utf8(Envelopes.Deal("d4", "deal-d", "2025-01-01")), "\r\n"u8.ToArray());

        var problem = await Problem.Assert(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal(1, (int)problem["errorCount"]!);
        Assert.Equal("d3", (string?)problem["lines"]![0]!["factId"]);
        Assert.Equal("is not valid UTF-8 text", (string?)LineErrors(problem, 3)["source.title"]![0]);
        Assert.Equal(0, await Api.EventCountAsync());
    }

    [Fact]
    public async Task an_import_with_bytes_that_are_not_utf8_between_the_values_of_a_line_names_the_line()
    {
        var line = Utf8(Envelopes.Deal("d2", "deal-b", "2025-01-01"));
        line[^1] = 0xFF;

        var response = await ImportAsync(Utf8(Envelopes.Deal("d1", "deal-a", "2025-01-01")), "\n"u8.ToArray(), line, "\n"u8.ToArray());

        var problem = await Problem.Assert(response, HttpStatusCode.UnprocessableEntity);
        Assert.StartsWith("malformed JSON", (string?)LineErrors(problem, 2)["$"]![0], StringComparison.Ordinal);
        Assert.Equal(0, await Api.EventCountAsync());
    }

    [Theory]
    [InlineData("1e-30")]
    [InlineData("-1e-30")]
    [InlineData("1.00000000000000000000000000001")]
    public async Task post_facts_refuses_an_amount_that_would_lose_digits_with_the_decimal_rule_and_writes_nothing(string amount)
    {
        (await Api.PostFactAsync(Envelopes.Deal("d1", "deal-a", "2025-01-01"))).EnsureSuccessStatusCode();
        var json = Envelopes.Value("v1", "deal-a", "2025-01-02", 7m).ToJsonString().Replace("\"amount\":7", $"\"amount\":{amount}", StringComparison.Ordinal);

        var response = await PostAsync(Encoding.UTF8.GetBytes(json));

        var problem = await Problem.Assert(response, HttpStatusCode.UnprocessableEntity, amount);
        Assert.Equal(FactLimits.RangeMessage(FactLimits.Amount), (string?)problem["errors"]!["data.value.amount"]![0]);
        Assert.Equal(1, await Api.EventCountAsync());
    }

    [Fact]
    public async Task an_import_refuses_a_percent_that_would_lose_digits_naming_the_line()
    {
        var stake = Envelopes.Envelope("s1", "deal.stake-reported", "deal-a", "2025-01-02", new { holder = "openai", company = "oracle", percent = 7m })
            .ToJsonString().Replace("\"percent\":7", "\"percent\":7.00000000000000000000000000001", StringComparison.Ordinal);

        var response = await ImportAsync(Utf8(Envelopes.Deal("d1", "deal-a", "2025-01-01")), "\n"u8.ToArray(), Encoding.UTF8.GetBytes(stake));

        var problem = await Problem.Assert(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal(FactLimits.RangeMessage(FactLimits.Percent), (string?)LineErrors(problem, 2)["data.percent"]![0]);
        Assert.Equal(0, await Api.EventCountAsync());
    }

    [Fact]
    public async Task post_facts_refuses_a_key_given_twice_naming_its_path_and_writes_nothing()
    {
        (await Api.PostFactAsync(Envelopes.Deal("d1", "deal-a", "2025-01-01"))).EnsureSuccessStatusCode();
        var json = Envelopes.Value("v1", "deal-a", "2025-01-02", 300_000_000_000m).ToJsonString()
            .Replace("\"amount\":300000000000", "\"amount\":1,\"amount\":300000000000", StringComparison.Ordinal);

        var response = await PostAsync(Encoding.UTF8.GetBytes(json));

        var problem = await Problem.Assert(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("is given more than once; a key may appear once in an object", (string?)problem["errors"]!["data.value.amount"]![0]);
        Assert.Equal(1, await Api.EventCountAsync());
    }

    [Fact]
    public async Task an_import_refuses_a_key_given_twice_naming_the_line_and_its_path()
    {
        var twice = Envelopes.Deal("d2", "deal-b", "2025-01-01").ToJsonString()
            .Replace("\"subject\":\"deal-b\"", "\"subject\":\"deal-b\",\"subject\":\"deal-c\"", StringComparison.Ordinal);

        var response = await ImportAsync(Utf8(Envelopes.Deal("d1", "deal-a", "2025-01-01")), "\n"u8.ToArray(), Encoding.UTF8.GetBytes(twice));

        var problem = await Problem.Assert(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("is given more than once; a key may appear once in an object", (string?)LineErrors(problem, 2)["subject"]![0]);
        Assert.Equal(0, await Api.EventCountAsync());
    }

    [Fact]
    public async Task an_import_with_a_crlf_and_bom_file_records_every_line()
    {
        var response = await ImportAsync([0xEF, 0xBB, 0xBF], Utf8(Envelopes.Deal("d1", "deal-a", "2025-01-01")), "\r\n"u8.ToArray(),
            Utf8(Envelopes.Deal("d2", "deal-b", "2025-01-01")), "\r"u8.ToArray(), Utf8(Envelopes.Deal("d3", "deal-c", "2025-01-01")), "\r\n\r\n"u8.ToArray());

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal(3, (int)(await response.Content.ReadFromJsonAsync<JsonNode>())!["recorded"]!);
    }
}
