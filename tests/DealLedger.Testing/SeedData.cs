using System.Text.Json;
using DealLedger.Domain.Facts;

namespace DealLedger.Testing;

/// <summary>The seed article's facts (the API's seed file), each line parsed as the API parses a line of an import file.</summary>
public static class SeedData
{
    public static string FilePath => Path.Combine(AppContext.BaseDirectory, "Seed", "seed-article.ndjson");

    public static byte[] Bytes() => File.ReadAllBytes(FilePath);

    public static IReadOnlyList<ParsedFact> Facts() =>
        File.ReadLines(FilePath).Where(line => !string.IsNullOrWhiteSpace(line)).Select((line, i) =>
        {
            using var document = JsonDocument.Parse(line);
            var (fact, errors) = FactParser.Parse(document.RootElement.Clone(), DateOnly.MaxValue);
            return fact ?? throw new InvalidOperationException($"seed fact {i + 1} is invalid: {string.Join("; ", errors)}");
        }).ToList();
}
