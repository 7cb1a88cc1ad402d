namespace DealLedger.Domain.Sources;

/// <summary>
/// Who published a fact. A fact's own source always has a title and a language; a cited source (an entry of
/// <see cref="Cites"/>, e.g. the WSJ cited by a French article) may name only its publisher and kind.
/// </summary>
public sealed record Source(
    string Publisher,
    string? Title,
    string? Url,
    string Kind,
    string? Language,
    IReadOnlyList<Source> Cites)
{
    public static readonly IReadOnlySet<string> Kinds =
        new HashSet<string>(StringComparer.Ordinal) { "press", "company", "filing", "analyst" };
}
