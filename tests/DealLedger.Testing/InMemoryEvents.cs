using DealLedger.Domain.Facts;
using DealLedger.Domain.Sources;
using JasperFx.Events;

namespace DealLedger.Testing;

/// <summary>
/// Facts wrapped as the events a stream would hold (version, sequence, id, recorded time), so folds can be tested
/// and timed without a database.
/// </summary>
public static class InMemoryEvents
{
    private static readonly DateTimeOffset Recorded = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The facts of each subject as its stream's events, in the order given.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<IEvent>> Streams(IEnumerable<ParsedFact> facts)
    {
        var streams = new Dictionary<string, List<IEvent>>(StringComparer.Ordinal);
        long sequence = 0;
        foreach (var fact in facts)
        {
            if (!streams.TryGetValue(fact.Subject, out var stream))
            {
                streams[fact.Subject] = stream = [];
            }

            stream.Add(Of(fact.Event, stream.Count + 1, ++sequence));
        }

        return streams.ToDictionary(s => s.Key, s => (IReadOnlyList<IEvent>)s.Value, StringComparer.Ordinal);
    }

    /// <summary>One fact as the event at this version and log position.</summary>
    public static IEvent Of(IFact fact, long version, long sequence)
    {
        var e = Event.For(fact);
        e.Version = version;
        e.Sequence = sequence;
        e.Id = Guid.CreateVersion7();
        e.Timestamp = Recorded.AddSeconds(sequence);
        return e;
    }
}
