using DealLedger.Api.Admin;
using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace DealLedger.Api;

/// <summary>
/// Healthy when the event store's database answers a query; its data names the server and says whether this node is
/// told of appends (then current reads are answered from memory) and up to which log position (admin keys only).
/// </summary>
public sealed class DatabaseHealthCheck(IDocumentStore store, NpgsqlDataSource dataSource, LedgerDatabase database,
    Reads.LedgerNotifications notifications) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var connection = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        var data = new Dictionary<string, object>
        {
            ["host"] = $"{connection.Host}:{connection.Port}",
            ["database"] = connection.Database ?? "",
            ["schema"] = database.Schema,
            ["appendNotifications"] = notifications.Live ? "listening" : "not listening (current reads ask the database)",
            ["seenPosition"] = notifications.Seen,
        };
        try
        {
            var statistics = await store.Advanced.FetchEventStoreStatistics(token: cancellationToken);
            return HealthCheckResult.Healthy($"{statistics.EventCount} events in {statistics.StreamCount} streams", data);
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("The database does not answer", e, data);
        }
    }
}
