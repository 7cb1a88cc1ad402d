using System.Text.Json;
using System.Text.RegularExpressions;
using DealLedger.Domain.Facts;

namespace DealLedger.Domain.Tests.Facts;

public partial class DocsExamplesTests
{
    [Fact]
    public void docs_examples_are_valid_facts_and_cover_every_type()
    {
        var markdown = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "facts.md"));
        var examples = JsonBlock().Matches(markdown).Select(m => m.Groups[1].Value).ToList();

        var parsed = examples.Select(e => FactParser.Parse(JsonDocument.Parse(e).RootElement, new DateOnly(2026, 1, 1))).ToList();

        Assert.All(parsed, p => Assert.True(p.Errors.Count == 0, string.Join("; ", p.Errors)));
        Assert.Equal(FactTypes.All.Select(t => t.Name), parsed.Select(p => p.Fact!.Type.Name));
    }

    [GeneratedRegex("```json\\n(.*?)\\n```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
