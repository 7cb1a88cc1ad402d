using DealLedger.Api.Facts;
using DealLedger.Domain.Facts;

namespace DealLedger.Testing;

/// <summary>The seed article's facts, parsed exactly as the API parses an import file.</summary>
public static class SeedData
{
    public static string FilePath => Path.Combine(AppContext.BaseDirectory, "Seed", "seed-article.ndjson");

    public static byte[] Bytes() => File.ReadAllBytes(FilePath);

    public static IReadOnlyList<ParsedFact> Facts()
    {
        var (facts, errors) = ImportFactsEndpoint.Parse(Bytes(), DateOnly.MaxValue);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"seed file has {errors.Count} invalid lines");
        }

        return facts.Select(f => f.Fact).ToList();
    }
}
