namespace DealLedger.Domain.Sources;

/// <summary>
/// An amount as reported. <see cref="Amount"/> is the reported figure (the lower bound of a range),
/// <see cref="Max"/> the upper bound of a range; both are null when the amount is undisclosed.
/// Money is decimal, never floating point.
/// </summary>
public sealed record Money(decimal? Amount, string Currency, string Precision, decimal? Max = null)
{
    public const string Exact = "exact";
    public const string About = "about";
    public const string UpTo = "up-to";
    public const string AtLeast = "at-least";
    public const string Range = "range";
    public const string Undisclosed = "undisclosed";

    public static readonly IReadOnlySet<string> Precisions =
        new HashSet<string>(StringComparer.Ordinal) { Exact, About, UpTo, AtLeast, Range, Undisclosed };
}
