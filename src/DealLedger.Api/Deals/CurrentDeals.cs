using System.Text.Json;
using DealLedger.Api.Temporal;
using DealLedger.Projections.Deals;
using DealLedger.Api.Admin;
using DealLedger.Api.Reads;
using Marten;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DealLedger.Api.Deals;

/// <summary>
/// The current state of a deal, the API's hottest read. The rendered answer (document and basis, as JSON bytes) is
/// kept per deal. While this node is told of every append (<see cref="LedgerNotifications.Live"/>), a kept answer is
/// served from memory and dropped when a notification names its deal, so a node may lag a commit on another node by
/// the notification's delivery (docs/architecture.md states and benchmarks.md measures the bound). While it is not
/// told (start-up, a dropped listener), every read asks PostgreSQL for the stream's version and last event in one
/// round trip and serves the kept answer only when both match, as before notifications existed.
/// Hand-written rather than ASP.NET Core output caching: an answer may only be kept if no notification arrived while
/// it was being read (<see cref="LedgerNotifications.Generation"/>, checked again after storing), the round-trip path
/// validates entries against the database, and neither fits the output cache's policy hooks, which decide before the
/// body is stored.
/// With reads on PostgreSQL hot standbys, an answer to keep is read from the primary while the node listens (a
/// standby may not have replayed the commit whose notification dropped the old answer yet); while it does not, the
/// round trip goes where the request's reads go (<see cref="ReadRoute"/>), and the version check below sends an
/// answer read across two servers at different points down the batch path, never into memory.
/// </summary>
public sealed class CurrentDeals : IDisposable
{
    private readonly IDocumentStore _store;
    private readonly NpgsqlDataSource _dataSource;
    private readonly IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> _json;
    private readonly LedgerNotifications _notifications;
    private readonly string _stateSql;
    private readonly MemoryCache _rendered;

    private readonly StandbyReads _standbys;

    public CurrentDeals(IDocumentStore store, LedgerDatabase database, NpgsqlDataSource dataSource, StandbyReads standbys,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, IConfiguration configuration, LedgerNotifications notifications)
    {
        _store = store;
        _standbys = standbys;
        _dataSource = dataSource;
        _json = json;
        _notifications = notifications;
        _stateSql = $"select s.version, e.seq_id, e.id from {database.Schema}.mt_streams s " +
            $"join {database.Schema}.mt_events e on e.stream_id = s.id and e.version = s.version where s.id = $1";
        _rendered = new MemoryCache(new MemoryCacheOptions
        {
            // Bounded by bytes, so memory does not grow with the number of deals read.
            SizeLimit = configuration.GetValue("Reads:RenderedDealsMegabytes", 64L) * 1024 * 1024,
        });
        notifications.Changed += Forget;
    }

    /// <summary>
    /// The answer as JSON bytes, the stream version (for the ETag) and the basis' log position, or null when no such
    /// deal exists. Without <see cref="ReadPosition.FromMemory"/>, it reads through to the database (a minimum position this node
    /// has not been told of).
    /// </summary>
    public async Task<(byte[] Json, long Version, long Position)?> GetAsync(ServingReads reads, HttpContext context, string slug,
        CancellationToken ct)
    {
        var fromMemory = ReadPosition.FromMemory(context);
        // Taken before anything is read: an answer read while a notification arrived may predate it.
        var generation = _notifications.Generation;
        if (fromMemory && _notifications.Live && _rendered.TryGetValue(slug, out Rendered? known))
        {
            return (known!.Json, known.Version, known.Position);
        }

        var route = _standbys.Enabled && _notifications.Live ? ReadRoute.ToPrimary : ReadRoute.Of(context);
        long version, position;
        Guid last;
        // The round trip needs neither a Marten session nor its connection handling, only the shared pool.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var command = route.Pinned is { } pinned ? new NpgsqlCommand(_stateSql, pinned)
                    : (route.Primary ? _dataSource : _standbys.Reads).CreateCommand(_stateSql);
                command.Parameters.Add(new NpgsqlParameter { Value = slug });
                await using var reader = await command.ExecuteReaderAsync(ct);
                if (!await reader.ReadAsync(ct))
                {
                    return null;
                }

                (version, position, last) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetGuid(2));
                break;
            }
            catch (NpgsqlException e) when (attempt == 1 && route.Pinned is null && _standbys.Enabled && e.IsTransient)
            {
                // A pooled connection to a standby that went down fails once; Npgsql then marks that host offline
                // (for Host Recheck Seconds), so the second attempt reaches another standby or the primary. Marten's
                // own queries get the same from its resilience pipeline.
            }
        }

        // The last event's id tells versions apart even across ledgers (a test database reset, a restored backup).
        if (_rendered.TryGetValue(slug, out Rendered? cached) && cached!.Version == version && cached.Last == last)
        {
            return (cached.Json, version, cached.Position);
        }

        await using var primary = route == ReadRoute.ToPrimary && _standbys.Enabled ? _store.PrimaryQuerySession() : null;
        // Only a miss opens a Marten session.
        var session = primary ?? reads.Session;
        var deal = await DealSummaries.LoadAsync(session, slug, ct);
        if (deal is null)
        {
            return null;
        }

        if (deal.Version != version)
        {
            // A fact landed between the two reads: answer from the batch path, which reads both at once.
            var (fresh, basis) = await TemporalReads.DealAsync(session, slug, TemporalQuery.Now, ct);
            return fresh is null ? null : (Render(fresh, basis), fresh.Version, basis.Position);
        }

        var bytes = Render(deal, TemporalQuery.Now.BasisAt(position));
        _rendered.Set(slug, new Rendered(version, last, position, bytes), new MemoryCacheEntryOptions { Size = bytes.Length });
        if (_notifications.Generation != generation)
        {
            // News arrived meanwhile (maybe about this deal, maybe before the eviction could see the entry): do not keep it.
            _rendered.Remove(slug);
        }

        return (bytes, version, position);
    }

    private void Forget(IReadOnlyList<string>? streams)
    {
        if (streams is null)
        {
            _rendered.Clear();
            return;
        }

        foreach (var stream in streams)
        {
            _rendered.Remove(stream);
        }
    }

    private byte[] Render(DealSummary deal, Basis basis)
    {
        var options = _json.Value.SerializerOptions;
        var node = JsonSerializer.SerializeToNode(deal, options)!.AsObject();
        node["basis"] = JsonSerializer.SerializeToNode(basis, options);
        return JsonSerializer.SerializeToUtf8Bytes(node, options);
    }

    private sealed record Rendered(long Version, Guid Last, long Position, byte[] Json);

    public void Dispose()
    {
        _notifications.Changed -= Forget;
        _rendered.Dispose();
    }
}
