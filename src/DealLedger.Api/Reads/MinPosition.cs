using System.Globalization;

namespace DealLedger.Api.Reads;

/// <summary>
/// Read-your-writes by log position. A write answers the position it reached (<see cref="PositionHeader"/>, the
/// sequence id of its last event); a read may name a position it must reflect, in the <see cref="MinPositionHeader"/>
/// header or the <c>minPosition</c> query parameter (distinct from <c>position</c>, which pins a read to the past).
/// The in-memory read path (issue 11) uses the same names; this is the parsing both share.
/// </summary>
public static class MinPosition
{
    public const string PositionHeader = "Ledger-Position";
    public const string MinPositionHeader = "Ledger-Min-Position";
    public const string QueryParameter = "minPosition";

    /// <summary>The minimum position a request names (the higher of header and query), or a 400 when either is malformed.</summary>
    public static (long? Position, IResult? Problem) Parse(HttpRequest request)
    {
        long? position = null;
        foreach (var (name, text) in new[] { (MinPositionHeader, request.Headers[MinPositionHeader].ToString()), (QueryParameter, request.Query[QueryParameter].ToString()) })
        {
            if (text.Length == 0)
            {
                continue;
            }

            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
            {
                return (null, Problems.BadQuery(name, $"'{text}' is not a log position (a positive whole number from a write's {PositionHeader} header)"));
            }

            position = Math.Max(position ?? 0, value);
        }

        return (position, null);
    }

    /// <summary>A valid <c>position</c> pin: a read pinned there needs the log up to it just as a minimum position does.</summary>
    public static long? Pin(HttpRequest request) =>
        long.TryParse(request.Query["position"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;

    public static void Answer(HttpContext context, long position)
    {
        if (position > 0)
        {
            context.Response.Headers[PositionHeader] = position.ToString(CultureInfo.InvariantCulture);
        }
    }
}
