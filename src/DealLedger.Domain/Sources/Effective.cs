using System.Globalization;
using System.Text.RegularExpressions;

namespace DealLedger.Domain.Sources;

/// <summary>
/// When a fact is or was true in the world (valid time), as precise as the source was: a day, a month, a
/// year, a quarter, a half, a season, an "early/mid/late" part of a year, or a period between two of those.
/// <see cref="From"/> and <see cref="To"/> are the inclusive bounds it covers (null = open); <see cref="Text"/>
/// keeps the normalised wording so nothing the source said is lost.
/// </summary>
public sealed partial record Effective(string Text, DateOnly? From, DateOnly? To, bool Approximate)
{
    public static bool TryParse(string? input, out Effective? effective, out string? error)
    {
        effective = null;
        error = null;
        var text = input?.Trim() ?? "";
        if (text.Length == 0)
        {
            error = "must not be empty";
            return false;
        }

        var lower = text.ToLowerInvariant();
        if (lower.StartsWith("since ", StringComparison.Ordinal))
        {
            lower = lower["since ".Length..] + "/..";
        }
        else if (lower.StartsWith("through ", StringComparison.Ordinal) || lower.StartsWith("until ", StringComparison.Ordinal))
        {
            lower = "../" + lower[(lower.IndexOf(' ', StringComparison.Ordinal) + 1)..];
        }

        var approximate = false;
        var parts = lower.Split('/');
        if (parts.Length > 2)
        {
            error = $"'{text}' has more than one '/'";
            return false;
        }

        if (parts.Length == 1)
        {
            if (!TryParseSpan(parts[0], out var from, out var to, ref approximate))
            {
                error = Unrecognised(text);
                return false;
            }

            effective = new Effective(Normalise(text), from, to, approximate);
            return true;
        }

        DateOnly? start = null, end = null;
        if (parts[0].Trim() != "..")
        {
            if (!TryParseSpan(parts[0], out var f, out _, ref approximate))
            {
                error = Unrecognised(text);
                return false;
            }

            start = f;
        }

        if (parts[1].Trim() != "..")
        {
            if (!TryParseSpan(parts[1], out _, out var t, ref approximate))
            {
                error = Unrecognised(text);
                return false;
            }

            end = t;
        }

        if (start is null && end is null)
        {
            error = $"'{text}' is open at both ends";
            return false;
        }

        if (start > end)
        {
            error = $"'{text}' ends before it starts";
            return false;
        }

        effective = new Effective(Normalise(text), start, end, approximate);
        return true;
    }

    /// <summary>True when the effective span includes <paramref name="date"/>.</summary>
    public bool Covers(DateOnly date) => (From is null || From <= date) && (To is null || date <= To);

    private static string Unrecognised(string text) =>
        $"'{text}' is not, within the ledger's years 1900-2200, a date (2025-09-10), month (2025-09), year (2027), quarter (Q3 2026), half (H1 2026), " +
        "season (summer 2026), part of a year (early 2026) or a period of those (2019/2024, since 2019, through 2029)";

    private static string Normalise(string text) => WhiteSpace().Replace(text.Trim(), " ");

    private static bool TryParseSpan(string raw, out DateOnly from, out DateOnly to, ref bool approximate)
    {
        from = default;
        to = default;
        var s = raw.Trim();
        foreach (var prefix in new[] { "~", "about ", "around ", "circa ", "approximately " })
        {
            if (s.StartsWith(prefix, StringComparison.Ordinal))
            {
                approximate = true;
                s = s[prefix.Length..].Trim();
            }
        }

        if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            from = to = day;
            return InYears(day.Year);
        }

        if (DateOnly.TryParseExact(s + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month)
            && s.Length == 7)
        {
            if (!InYears(month.Year))
            {
                return false;
            }

            from = month;
            to = month.AddMonths(1).AddDays(-1);
            return true;
        }

        if (YearOnly().IsMatch(s))
        {
            var year = int.Parse(s, CultureInfo.InvariantCulture);
            return Months(year, 1, 12, out from, out to);
        }

        var m = Qualified().Match(s);
        if (!m.Success)
        {
            return false;
        }

        var y = int.Parse(m.Groups["year"].Value, CultureInfo.InvariantCulture);
        var (first, last, fuzzy) = m.Groups["part"].Value switch
        {
            "q1" => (1, 3, false),
            "q2" => (4, 6, false),
            "q3" => (7, 9, false),
            "q4" => (10, 12, false),
            "h1" => (1, 6, false),
            "h2" => (7, 12, false),
            "spring" => (3, 5, true),
            "summer" => (6, 8, true),
            "autumn" or "fall" => (9, 11, true),
            "winter" => (12, 14, true),
            "early" => (1, 4, true),
            "mid" => (5, 8, true),
            "late" or "end" => (9, 12, true),
            _ => (0, 0, false),
        };
        if (first == 0)
        {
            return false;
        }

        approximate |= fuzzy;
        return Months(y, first, last, out from, out to);
    }

    private static bool Months(int year, int first, int last, out DateOnly from, out DateOnly to)
    {
        from = default;
        to = default;
        if (!InYears(year))
        {
            return false;
        }

        from = new DateOnly(year, 1, 1).AddMonths(first - 1);
        to = new DateOnly(year, 1, 1).AddMonths(last).AddDays(-1);
        return true;
    }

    /// <summary>Within the ledger's years (<see cref="Facts.FactLimits.Year"/>), so no period arithmetic can overflow.</summary>
    private static bool InYears(int year) => year >= Facts.FactLimits.Year.Min && year <= Facts.FactLimits.Year.Max;

    // [0-9], not \d: \d also matches other scripts' digits (٢٠٢٥, fullwidth ２０２５), which int.Parse refuses.
    [GeneratedRegex(@"^[0-9]{4}$")]
    private static partial Regex YearOnly();

    [GeneratedRegex(@"^(?<part>q[1-4]|h[12]|spring|summer|autumn|fall|winter|early|mid|late|end)[ -]+(of )?(?<year>[0-9]{4})$")]
    private static partial Regex Qualified();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
