using System.Globalization;

namespace DealLedger.Api.Explorer;

/// <summary>How the explorer writes amounts and dates: a reader compares billions, not 12-digit numbers.</summary>
public static class Explore
{
    public static string Amount(decimal? value, string currency)
    {
        if (value is not { } v)
        {
            return "undisclosed";
        }

        var (scaled, suffix) = Math.Abs(v) switch
        {
            >= 1_000_000_000_000m => (v / 1_000_000_000_000m, "T"),
            >= 1_000_000_000m => (v / 1_000_000_000m, "B"),
            >= 1_000_000m => (v / 1_000_000m, "M"),
            _ => (v, ""),
        };
        var symbol = currency == "USD" ? "$" : "";
        var code = currency is "USD" or "" ? "" : " " + currency;
        return string.Create(CultureInfo.InvariantCulture, $"{symbol}{scaled:0.##}{suffix}{code}");
    }

    public static string Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    /// <summary>The home page's deal list filtered by one parameter (party, relatedTo), on the same as-of date.</summary>
    public static string DealListHref(string filter, string value, string? asOf) =>
        $"?{filter}={Uri.EscapeDataString(value)}" + (string.IsNullOrEmpty(asOf) ? "" : $"&asOf={Uri.EscapeDataString(asOf)}");
}
