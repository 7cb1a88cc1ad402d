using DealLedger.Projections.Deals;
using DealLedger.Testing;
using JasperFx.Events;
using Marten;
using Marten.Events;
using Npgsql;

namespace DealLedger.Api.Tests.Platform;

/// <summary>
/// A log the planner has no statistics for (a restored dump, a bulk load autovacuum has not reached) makes a
/// rebuild read the log quadratically; the rebuild command analyzes the log's tables first.
/// </summary>
public class StaleStatisticsTests(CliLedgerFixture ledger) : CliTest(ledger)
{
    private const string Schema = "stale_statistics";

    [Fact]
    public async Task a_rebuild_of_a_freshly_loaded_log_refreshes_its_planner_statistics_first_and_only_when_stale()
    {
        using (var store = Ledger.CreateStore(o => o.DatabaseSchemaName = Schema))
        {
            await store.Advanced.Clean.CompletelyRemoveAllAsync();
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            // Only the rebuild may analyze these tables in this test: autovacuum could otherwise get there first.
            await ExecuteAsync($"alter table {Schema}.mt_events set (autovacuum_enabled = false); alter table {Schema}.mt_streams set (autovacuum_enabled = false)");
            var streams = LedgerGenerator.Generate(seed: 11, deals: 100, factsPerDeal: 20).Select(Envelopes.Parse).GroupBy(f => f.Subject).Select(g =>
            {
                var action = StreamAction.Start(store.Events, g.Key, g.Select(f => (object)f.Event).ToArray());
                action.AggregateType = typeof(DealSummary);
                return action;
            }).ToList();
            await store.BulkInsertEventsAsync(streams);
        }

        // PostgreSQL publishes a session's row counts when it ends or within 10 s; the store's sessions have
        // ended. Were the load counted after the first rebuild's ANALYZE, the second rebuild would see it as new.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (await ScalarAsync($"select coalesce(sum(n_mod_since_analyze), 0)::bigint from pg_stat_user_tables where schemaname = '{Schema}' and relname = 'mt_events'") < 2_000)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "the bulk load never showed in pg_stat_user_tables");
            await Task.Delay(200);
        }

        Assert.Equal(0L, await ScalarAsync($"select count(*) from pg_stats where schemaname = '{Schema}' and tablename in ('mt_events', 'mt_streams')"));

        var (exitCode, output) = await ApiCli.RunAsync(Ledger.ConnectionString, Schema, "read-models", "rebuild", "DealSummary");

        Assert.True(exitCode == 0, output);
        Assert.Contains($"refreshed the planner statistics of {Schema}.mt_events (no statistics)", output, StringComparison.Ordinal);
        Assert.Contains($"refreshed the planner statistics of {Schema}.mt_streams (no statistics)", output, StringComparison.Ordinal);
        Assert.Equal(2L, await ScalarAsync($"select count(distinct tablename) from pg_stats where schemaname = '{Schema}' and tablename in ('mt_events', 'mt_streams')"));
        Assert.Equal(100L, await ScalarAsync($"select count(*) from {Schema}.mt_doc_dealsummary"));

        // Statistics that are current are left alone: a second rebuild analyzes nothing.
        (exitCode, output) = await ApiCli.RunAsync(Ledger.ConnectionString, Schema, "read-models", "rebuild", "DealSummary");
        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("planner statistics", output, StringComparison.Ordinal);
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Ledger.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Ledger.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
