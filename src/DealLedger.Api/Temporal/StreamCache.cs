using System.Runtime.CompilerServices;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.Caching.Memory;

namespace DealLedger.Api.Temporal;

/// <summary>
/// The materialised events of recently read streams, for temporal reads. Events are immutable and a stream only
/// grows, so a cached stream stays right: each read asks for the stream's state (one small query), uses the
/// cache when the version matches, and when the stream has grown fetches only the new events. Deserializing a
/// stream's events is most of a temporal read's cost (about 20 µs an event here), so a deal with 10,000 facts
/// is read in the time of its fold. Bounded by a number of events; one cache per document store.
/// </summary>
public sealed class StreamCache : IDisposable
{
    /// <summary>At most this many events are kept (about 1 KB each).</summary>
    public const long MaxEvents = 300_000;

    private static readonly ConditionalWeakTable<IDocumentStore, StreamCache> Caches = new();

    private readonly MemoryCache _streams = new(new MemoryCacheOptions { SizeLimit = MaxEvents });

    public static StreamCache For(IDocumentStore store) => Caches.GetValue(store, _ => new StreamCache());

    /// <summary>Every event of the stream in order (empty when there is no such stream).</summary>
    public async Task<IReadOnlyList<IEvent>> EventsAsync(IQuerySession session, string slug, CancellationToken ct)
    {
        var state = await session.Events.FetchStreamStateAsync(slug, ct);
        if (state is null)
        {
            return [];
        }

        // Created tells a stream from another one of the same name in another ledger (a reset test database).
        var cached = _streams.TryGetValue(slug, out Entry? entry) && entry!.Created == state.Created ? entry : null;
        if (cached is not null && cached.Version >= state.Version)
        {
            return cached.Events;
        }

        IReadOnlyList<IEvent> events;
        if (cached is not null)
        {
            var added = await session.Events.FetchStreamAsync(slug, fromVersion: cached.Version + 1, token: ct);
            events = added.Count > 0 && added[0].Version == cached.Version + 1
                ? [.. cached.Events, .. added]
                : await session.Events.FetchStreamAsync(slug, token: ct);
        }
        else
        {
            events = await session.Events.FetchStreamAsync(slug, token: ct);
        }

        if (events.Count > 0)
        {
            _streams.Set(slug, new Entry(state.Created, events[^1].Version, events), new MemoryCacheEntryOptions { Size = events.Count });
        }

        return events;
    }

    /// <summary>Nothing needs calling this: the cache goes with its store (it holds no timer or connection).</summary>
    public void Dispose() => _streams.Dispose();

    private sealed record Entry(DateTimeOffset Created, long Version, IReadOnlyList<IEvent> Events);
}
