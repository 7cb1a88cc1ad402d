using System.Text.Json;
using DealLedger.Api.Temporal;
using DealLedger.Projections.Deals;
using DealLedger.Api.Admin;
using Marten;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DealLedger.Api.Deals;

/// <summary>
/// The current state of a deal, the API's hottest read. One round trip asks PostgreSQL for the deal stream's
/// version and the log position of its last event; the rendered answer (document and basis, as JSON bytes) is
/// kept per deal (with the version and last event it was rendered at), so a deal that has not changed is answered without loading, deserializing or
/// serializing it again. A new fact raises the stream's version, so a stale answer is never served: every
/// read still asks the database, which is what keeps nodes consistent without any cross-node invalidation.
/// </summary>
public sealed class CurrentDeals(
    IDocumentStore store,
    LedgerDatabase database,
    NpgsqlDataSource dataSource,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    IConfiguration configuration) : IDisposable
{
    private readonly string _stateSql =
        $"select s.version, e.seq_id, e.id from {database.Schema}.mt_streams s " +
        $"join {database.Schema}.mt_events e on e.stream_id = s.id and e.version = s.version where s.id = $1";

    private readonly MemoryCache _rendered = new(new MemoryCacheOptions
    {
        // Bounded by bytes, so memory does not grow with the number of deals read.
        SizeLimit = configuration.GetValue("Reads:RenderedDealsMegabytes", 64L) * 1024 * 1024,
    });

    /// <summary>The answer as JSON bytes and the stream version (for the ETag), or null when no such deal exists.</summary>
    public async Task<(byte[] Json, long Version)?> GetAsync(string slug, CancellationToken ct)
    {
        long version, position;
        Guid last;
        // The hit path needs neither a Marten session nor its connection handling, only the shared pool.
        await using (var command = dataSource.CreateCommand(_stateSql))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = slug });
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            (version, position, last) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetGuid(2));
        }

        // One entry per deal, replaced when the deal changes. The last event's id tells versions apart even
        // across ledgers (a test database reset, a restored backup).
        if (_rendered.TryGetValue(slug, out Rendered? cached) && cached!.Version == version && cached.Last == last)
        {
            return (cached.Json, version);
        }

        await using var session = store.QuerySession();
        var deal = await DealSummaries.LoadAsync(session, slug, ct);
        if (deal is null)
        {
            return null;
        }

        if (deal.Version != version)
        {
            // A fact landed between the two reads: answer from the batch path, which reads both at once.
            var (fresh, basis) = await TemporalReads.DealAsync(session, slug, TemporalQuery.Now, ct);
            return fresh is null ? null : (Render(fresh, basis), fresh.Version);
        }

        var bytes = Render(deal, TemporalQuery.Now.BasisAt(position));
        _rendered.Set(slug, new Rendered(version, last, bytes), new MemoryCacheEntryOptions { Size = bytes.Length });
        return (bytes, version);
    }

    private byte[] Render(DealSummary deal, Basis basis)
    {
        var options = json.Value.SerializerOptions;
        var node = JsonSerializer.SerializeToNode(deal, options)!.AsObject();
        node["basis"] = JsonSerializer.SerializeToNode(basis, options);
        return JsonSerializer.SerializeToUtf8Bytes(node, options);
    }

    private sealed record Rendered(long Version, Guid Last, byte[] Json);

    public void Dispose()
    {
        _rendered.Dispose();
    }
}
