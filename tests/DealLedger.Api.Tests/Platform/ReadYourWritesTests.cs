using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DealLedger.Projections;
using DealLedger.Testing;
using Marten;

namespace DealLedger.Api.Tests.Platform;

/// <summary>
/// Two API processes on one ledger: a write on one node is read on the other by the log position the write answered
/// (<c>Ledger-Position</c>, passed back as <c>minPosition</c> or <c>Ledger-Min-Position</c>), whatever that node holds
/// in memory; a read without a minimum catches up by the append notifications.
/// </summary>
public class ReadYourWritesTests(ApiFixture api) : ApiTest(api)
{
    private const string Schema = "test_read_your_writes";
    private const string Slug = "ryw-deal";

    [Fact]
    public async Task a_write_on_one_node_is_read_on_the_other_by_its_position()
    {
        using (var clean = DocumentStore.For(options => LedgerStore.Configure(options, Api.ConnectionString, Schema)))
        {
            await clean.Advanced.ResetAllData();
        }

        await using var writer = await ApiNode.StartAsync(Api.ConnectionString, Schema, ("Projections:DaemonMode", "Disabled"));
        await using var reader = await ApiNode.StartAsync(Api.ConnectionString, Schema, ("Projections:DaemonMode", "Disabled"),
            ("Reads:MinPositionWaitMilliseconds", "200"));
        await reader.WaitUntilListeningAsync();

        var started = await PostAsync(writer, Envelopes.Deal("ryw-1", Slug, "2025-01-01"));
        var first = await ReadAsync(reader, $"/deals/{Slug}?minPosition={started}");
        Assert.True(first.Position >= started, $"read at {first.Position}, written at {started}");

        // The reader now holds the deal in memory; the next write must still be read there by its position.
        await ReadAsync(reader, $"/deals/{Slug}");
        var valued = await PostAsync(writer, Envelopes.Value("ryw-2", Slug, "2025-01-02", 10m));
        var second = await ReadAsync(reader, $"/deals/{Slug}", (ReadPositionHeader, valued.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(10m, Amount(second.Body));
        Assert.True(second.Position >= valued, $"read at {second.Position}, written at {valued}");

        // Without a minimum the reader catches up by itself, once the notification arrives.
        var revised = await PostAsync(writer, Envelopes.Value("ryw-3", Slug, "2025-01-03", 20m));
        var watch = Stopwatch.StartNew();
        (JsonNode Body, long Position) latest;
        while ((latest = await ReadAsync(reader, $"/deals/{Slug}")).Position < revised)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "the reader never learned of the write");
            await Task.Delay(50);
        }

        Assert.Equal(20m, Amount(latest.Body));

        // A position no node has seen: the read waits briefly, then answers from the database.
        var ahead = await ReadAsync(reader, $"/deals/{Slug}?minPosition={revised + 1_000_000}");
        Assert.Equal(revised, ahead.Position);
        Assert.Equal(20m, Amount(ahead.Body));

        var bad = await reader.Client.GetAsync($"/deals/{Slug}?minPosition=soon");
        var problem = await Problem.Assert(bad, HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["minPosition"]);
        using var badHeader = new HttpRequestMessage(HttpMethod.Get, "/deals");
        badHeader.Headers.TryAddWithoutValidation(ReadPositionHeader.Replace("Position", "Min-Position", StringComparison.Ordinal), "-1");
        await Problem.Assert(await reader.Client.SendAsync(badHeader), HttpStatusCode.BadRequest);

        // Imports answer their position too, and the list reads through to it.
        var import = await writer.Client.PostAsync("/facts/import", new StringContent(
            Envelopes.Value("ryw-4", Slug, "2025-01-04", 30m).ToJsonString(), Encoding.UTF8, "application/x-ndjson"));
        import.EnsureSuccessStatusCode();
        var imported = Position(import);
        Assert.True(imported > revised);
        var list = await ReadAsync(reader, $"/deals?minPosition={imported}");
        Assert.True(list.Position >= imported);
        var (deal, _) = await ReadAsync(reader, $"/deals/{Slug}?minPosition={imported}");
        Assert.Equal(30m, Amount(deal));
    }

    private const string ReadPositionHeader = "Ledger-Position";

    private static async Task<long> PostAsync(ApiNode node, JsonObject envelope)
    {
        var response = await node.Client.PostAsync("/facts", new StringContent(envelope.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var position = Position(response);
        Assert.True(position > 0);
        return position;
    }

    private static async Task<(JsonNode Body, long Position)> ReadAsync(ApiNode node, string url, (string Name, string Value)? header = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (header is { } h)
        {
            request.Headers.TryAddWithoutValidation(h.Name.Replace("Position", "Min-Position", StringComparison.Ordinal), h.Value);
        }

        var response = await node.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var position = Position(response);
        Assert.Equal((long)body["basis"]!["position"]!, position);
        return (body, position);
    }

    private static long Position(HttpResponseMessage response) =>
        long.Parse(response.Headers.GetValues(ReadPositionHeader).Single(), CultureInfo.InvariantCulture);

    private static decimal Amount(JsonNode deal) => (decimal)deal["terms"]!["total-value"]!["value"]!["money"]!["amount"]!;
}
