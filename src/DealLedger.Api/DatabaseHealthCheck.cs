using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DealLedger.Api;

/// <summary>Healthy when the event store's database answers a query.</summary>
public sealed class DatabaseHealthCheck(IDocumentStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var statistics = await store.Advanced.FetchEventStoreStatistics(token: cancellationToken);
            return HealthCheckResult.Healthy($"{statistics.EventCount} events in {statistics.StreamCount} streams");
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("The database does not answer", e);
        }
    }
}
