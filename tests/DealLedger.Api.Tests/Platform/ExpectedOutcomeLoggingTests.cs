using System.Net;
using DealLedger.Domain.Facts;
using DealLedger.Testing;
using Marten;
using Microsoft.Extensions.Logging;

namespace DealLedger.Api.Tests.Platform;

public class ExpectedOutcomeLoggingTests(ApiFixture api) : ApiTest(api)
{
    private const string Deal = "logged-race";

    [Fact]
    public async Task a_lost_race_is_logged_as_one_information_line_without_a_stack_trace()
    {
        var logs = new CapturedLogs();
        var rival = new RivalWrite();
        await using var host = await Api.IsolatedHostAsync("test_outcome_logging", services =>
        {
            logs.AddTo(services);
            services.ConfigureMarten(options => options.Listeners.Add(rival));
        });
        await host.ResetAllMartenDataAsync();
        var client = host.Server.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiFixture.Key);
        (await Api.PostFactAsync(Envelopes.Deal("d1", Deal, "2025-01-21"), client)).EnsureSuccessStatusCode();

        rival.Arm(Envelopes.Parse(Envelopes.Value("winner", Deal, "2025-01-21", 1m)));
        logs.Clear();
        var lost = await Api.PostFactAsync(Envelopes.Envelope("loser", "deal.status-changed", Deal, "2025-09-11", new { status = "stalled" }), client);

        await Problem.Assert(lost, HttpStatusCode.Conflict);
        var entries = logs.Entries;
        Assert.DoesNotContain(entries, e => e.Level >= LogLevel.Warning);
        Assert.DoesNotContain(entries, e => e.Exception is not null);
        var line = Assert.Single(entries, e => e.Category == ExpectedOutcomes.Category);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Equal("POST /facts answered 409 Conflict", line.Message);
    }

    [Fact]
    public async Task other_refusals_are_logged_as_one_line_each()
    {
        var logs = new CapturedLogs();
        await using var host = await Api.WithServicesAsync(logs.AddTo);
        var client = host.Server.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiFixture.Key);
        logs.Clear();

        await client.GetAsync("/deals/no-such-deal");
        await client.GetAsync("/deals?limit=0");
        await Api.PostFactAsync(Envelopes.Deal("d1", "bad deal slug", "2025-01-21"), client);

        var lines = logs.Entries.Where(e => e.Category == ExpectedOutcomes.Category).ToList();
        Assert.Equal(["GET /deals/no-such-deal answered 404 Unknown deal", "GET /deals answered 400 Invalid query parameter",
            "POST /facts answered 422 The fact is not valid"], lines.Select(l => l.Message));
        Assert.All(lines, l => Assert.Equal(LogLevel.Information, l.Level));
        var faults = logs.Entries.Where(e => e.Level >= LogLevel.Warning || e.Exception is not null).Select(e => $"{e.Category}: {e.Message}");
        Assert.Empty(faults);
    }

    /// <summary>When armed, records its fact on the same subject just before the next write of that subject commits.</summary>
    private sealed class RivalWrite : DocumentSessionListenerBase
    {
        private ParsedFact? _fact;

        public void Arm(ParsedFact fact) => _fact = fact;

        public override async Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
        {
            if (_fact is not { } fact || !session.PendingChanges.Streams().Any(s => s.Key == fact.Subject)
                || Interlocked.CompareExchange(ref _fact, null, fact) != fact)
            {
                return;
            }

            await using var rival = session.DocumentStore.LightweightSession();
            var state = await rival.Events.FetchStreamStateAsync(fact.Subject, token);
            rival.Events.Append(fact.Subject, state!.Version + 1, fact.Event);
            await rival.SaveChangesAsync(token);
        }
    }
}
