using System.Globalization;
using DealLedger.Domain.Sources;
using DealLedger.Domain.Temporal;
using DealLedger.Projections;
using JasperFx.Events;

namespace DealLedger.Api.Temporal;

/// <summary>
/// What a read was computed on: the three time axes it was asked for and the log position it read up to.
/// Passing the same values back (with <c>position</c>) asks the same question and gets the same answer.
/// </summary>
/// <param name="AsOf">Reported time: only facts whose source published on or before this date.</param>
/// <param name="RecordedAsOf">Recorded time: only what the ledger itself held at this instant.</param>
/// <param name="EffectiveAt">Valid time: facts about the world that had started to hold by this date.</param>
/// <param name="Position">The highest log sequence number the answer includes.</param>
public sealed record Basis(DateOnly? AsOf, DateTimeOffset? RecordedAsOf, DateOnly? EffectiveAt, long Position);

/// <summary>The temporal question of a request, parsed from <c>asOf</c>, <c>recordedAsOf</c>, <c>effectiveAt</c> and <c>position</c>.</summary>
public sealed record TemporalQuery(DateOnly? AsOf, DateTimeOffset? RecordedAsOf, DateOnly? EffectiveAt, long? Position)
{
    public static readonly TemporalQuery Now = new(null, null, null, null);

    /// <summary>True when the answer is the current state: the stored read model can serve it.</summary>
    public bool IsCurrent => this == Now;

    public Basis BasisAt(long position) => new(AsOf, RecordedAsOf, EffectiveAt, Position ?? position);

    /// <summary>Whether an event belongs to the answer: a fact that <see cref="Inclusion"/> includes.</summary>
    public bool Includes(IEvent e) =>
        e.Data is IFact fact && new Inclusion(AsOf, RecordedAsOf, EffectiveAt, Position).Includes(fact, e.Sequence, FactRef.RecordedTime(e));

    public static (TemporalQuery? Query, IResult? Problem) Parse(string? asOfText, string? recordedAsOfText, string? effectiveAtText, string? positionText)
    {
        IResult? problem = null;
        var asOf = Problems.Date(asOfText, "asOf", ref problem);
        var effectiveAt = Problems.Date(effectiveAtText, "effectiveAt", ref problem);
        var recordedAsOf = Instant(recordedAsOfText, endOfDay: true, "recordedAsOf", ref problem);

        long? position = null;
        var pin = positionText ?? "";
        if (pin.Length > 0)
        {
            if (long.TryParse(pin, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0)
            {
                position = p;
            }
            else
            {
                problem ??= Problems.BadQuery("position", $"'{pin}' is not a log position (a positive whole number from an earlier answer's basis)");
            }
        }

        return problem is null ? (new TemporalQuery(asOf, recordedAsOf, effectiveAt, position), null) : (null, problem);
    }

    /// <summary>
    /// Parses an optional instant: an ISO 8601 timestamp (UTC when it names no offset) or a bare date, which
    /// means the start of that UTC day, or its end when <paramref name="endOfDay"/>. Its year must be in
    /// <see cref="Problems.FirstYear"/>..<see cref="Problems.LastYear"/>, like every date parameter's.
    /// </summary>
    public static DateTimeOffset? Instant(string? text, bool endOfDay, string parameter, ref IResult? problem)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            if (!Problems.InRange(day.Year, parameter, ref problem))
            {
                return null;
            }

            var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return endOfDay ? start.AddDays(1).AddTicks(-10) : start;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            var utc = instant.ToUniversalTime();
            return Problems.InRange(utc.Year, parameter, ref problem) ? utc : null;
        }

        problem ??= Problems.BadQuery(parameter, $"'{text}' is not a timestamp (e.g. 2026-11-28T17:30:00Z) or a date");
        return null;
    }
}
