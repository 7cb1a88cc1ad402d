using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using DealLedger.Api.Reads;
using DealLedger.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace DealLedger.Api.Tests.Deals;

/// <summary>
/// A current deal held in memory is dropped when the log says the deal changed, whoever appended: here a writer that
/// is not this API (as another node, an import or the CLI would be), so only the append notification can tell.
/// </summary>
public class CurrentDealNotificationTests(ApiFixture api) : ApiTest(api)
{
    [Fact]
    public async Task an_append_by_another_writer_reaches_a_deal_held_in_memory_by_notification_and_by_position()
    {
        var notifications = Api.Host.Services.GetRequiredService<LedgerNotifications>();
        var watch = Stopwatch.StartNew();
        while (!notifications.Live)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "the API never started listening for appends");
            await Task.Delay(50);
        }

        (await Api.PostFactAsync(Envelopes.Deal("n1", "notified-deal", "2025-01-01"))).EnsureSuccessStatusCode();
        var held = await ReadAsync("/deals/notified-deal");

        var position = await AppendElsewhereAsync(Envelopes.Value("n2", "notified-deal", "2025-01-02", 10m));
        var byPosition = await ReadAsync($"/deals/notified-deal?minPosition={position}");
        Assert.Equal(position, byPosition.Position);
        Assert.Equal(10m, Amount(byPosition.Body));

        position = await AppendElsewhereAsync(Envelopes.Value("n3", "notified-deal", "2025-01-03", 20m));
        (JsonNode Body, long Position) latest;
        while ((latest = await ReadAsync("/deals/notified-deal")).Position < position)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "the notification never dropped the deal held in memory");
            await Task.Delay(20);
        }

        Assert.True(held.Position < position);
        Assert.Equal(20m, Amount(latest.Body));
        Assert.True(notifications.Seen >= position);
    }

    [Fact]
    public async Task a_rebuild_that_rewrites_deal_documents_makes_every_node_forget_the_answers_it_holds()
    {
        await WaitUntilListeningAsync();
        (await Api.PostFactAsync(Envelopes.Deal("r1", "rebuilt-deal", "2025-01-01"))).EnsureSuccessStatusCode();
        Assert.Equal("rebuilt-deal", (string?)(await ReadAsync("/deals/rebuilt-deal")).Body["title"]);

        // A rebuild appends nothing; it says so in its own notification, which tells every node to forget everything.
        var notifications = Api.Host.Services.GetRequiredService<LedgerNotifications>();
        var forgotten = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(IReadOnlyList<string>? streams)
        {
            if (streams is null)
            {
                forgotten.TrySetResult();
            }
        }

        notifications.Changed += OnChanged;
        try
        {
            var schema = PostgresServer.SchemaFor(typeof(ApiFixture).Assembly.GetName().Name!);
            var (exitCode, output) = await ApiCli.RunAsync(Api.ConnectionString, schema, "projections", "rebuild", "DealSummary");
            Assert.True(exitCode == 0, output);

            // The CLI has exited, so its commit (and notification) is done; delivery follows within the listener's loop.
            await forgotten.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            notifications.Changed -= OnChanged;
        }

        Assert.Equal("rebuilt-deal", (string?)(await ReadAsync("/deals/rebuilt-deal")).Body["title"]);
    }

    private async Task WaitUntilListeningAsync()
    {
        var notifications = Api.Host.Services.GetRequiredService<LedgerNotifications>();
        var watch = Stopwatch.StartNew();
        while (!notifications.Live)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "the API never started listening for appends");
            await Task.Delay(50);
        }
    }

    private async Task<long> AppendElsewhereAsync(JsonObject envelope)
    {
        await using var session = Api.Store.LightweightSession();
        var fact = Envelopes.Parse(envelope);
        var state = await session.Events.FetchStreamStateAsync(fact.Subject);
        var action = session.Events.Append(fact.Subject, state!.Version + 1, fact.Event);
        await session.SaveChangesAsync();
        return action.Events[^1].Sequence;
    }

    private async Task<(JsonNode Body, long Position)> ReadAsync(string url)
    {
        var response = await Api.Client(withKey: false).GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (JsonNode.Parse(await response.Content.ReadAsStringAsync())!,
            long.Parse(response.Headers.GetValues(ReadPosition.Header).Single(), CultureInfo.InvariantCulture));
    }

    private static decimal Amount(JsonNode deal) => (decimal)deal["terms"]!["total-value"]!["value"]!["money"]!["amount"]!;
}
