using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using DealLedger.Domain.Facts;

namespace DealLedger.Domain.Tests.Facts;

/// <summary>
/// docs/facts.md's section on the types is generated from the fact shapes (FactTypes, FactShapes, FactExamples.json):
/// this test fails when it differs, and rewrites it when run with DEALLEDGER_WRITE_DOCS=1.
/// </summary>
public class FactDocsTests
{
    public const string Marker = "<!-- Generated from src/DealLedger.Domain/Facts (FactTypes.cs, FactShapes.cs, FactExamples.json): edit those, " +
        "then run FactDocsTests with DEALLEDGER_WRITE_DOCS=1. -->";

    [Fact]
    public void docs_list_every_types_fields_rules_and_example_as_the_shapes_say()
    {
        var markdown = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "facts.md"));
        var at = markdown.IndexOf(Marker, StringComparison.Ordinal);
        Assert.True(at >= 0, "docs/facts.md has lost the marker of its generated section");
        var expected = markdown[..(at + Marker.Length)] + "\n" + Types();

        if (Environment.GetEnvironmentVariable("DEALLEDGER_WRITE_DOCS") == "1")
        {
            File.WriteAllText(Path.Combine(RepositoryRoot(), "docs", "facts.md"), expected);
            return;
        }

        Assert.True(expected == markdown, "docs/facts.md's types differ from the shapes: run FactDocsTests with DEALLEDGER_WRITE_DOCS=1");
    }

    /// <summary>Each type: its description, a table of its fields (nested objects' fields below them), its rules and its example.</summary>
    public static string Types()
    {
        var text = new StringBuilder();
        foreach (var type in FactTypes.All)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n### `{type.Name}`\n\n{type.Description}\n\n| field | value | meaning |\n|---|---|---|\n");
            Rows(text, type.Data, "");
            var rules = type.Data.Rules.Select(r => r.Says).ToList();
            if (rules.Count > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"\nRules: {string.Join("; ", rules)}.\n");
            }

            var example = JsonSerializer.Serialize(FactExamples.Of(type), Indented);
            text.Append(CultureInfo.InvariantCulture, $"\n```json\n{example}\n```\n");
        }

        return text.ToString();
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static void Rows(StringBuilder text, Shape shape, string prefix)
    {
        foreach (var field in shape.Fields)
        {
            var value = (field.IsRequired ? "required; " : "") + Value(field);
            text.Append(CultureInfo.InvariantCulture, $"| `{prefix}{field.Name}` | {value} | {field.Description} |\n");
            if (field is { Kind: FieldKind.List, Of: { } items })
            {
                Rows(text, items(), $"{prefix}{field.Name}[].");
            }
        }
    }

    private static string Value(Field field) => field.Kind switch
    {
        FieldKind.Text => $"text, at most {Number(field.Limit!.Max)} characters",
        FieldKind.Slug => "slug",
        FieldKind.FactId => "fact id",
        FieldKind.Word => $"one of {string.Join(", ", field.Words!.Select(w => $"`{w}`"))}" + (field.Default is { } d ? $"; default `{d}`" : ""),
        FieldKind.Currency => "ISO 4217 code",
        FieldKind.Url => "http(s) URL",
        FieldKind.Language => "language tag",
        FieldKind.Number => $"{(field.Limit!.MaxDecimals == 0 ? "whole number" : "number")} from {Number(field.Limit.Min)} to {Number(field.Limit.Max)}" +
            (field.Limit.MaxDecimals is > 0 and var d ? $", at most {d} decimals" : ""),
        FieldKind.Date => "date (YYYY-MM-DD)",
        FieldKind.Period => "period (see [Periods](#periods))",
        FieldKind.Nested when field.Of!() == FactShapes.Money => "money (see [Money](#money))",
        FieldKind.Nested when field.Of!() == FactShapes.MoneyChange => "money, may be negative (see [Money](#money))",
        FieldKind.List => $"list of {Number(field.Limit!.Min)} to {Number(field.Limit.Max)} objects",
        _ => throw new InvalidOperationException($"no docs for {field.Kind}"),
    };

    private static string Number(decimal value) => value.ToString("#,0.####", CultureInfo.InvariantCulture);

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "DealLedger.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("DealLedger.sln not found above the test's directory");
    }
}
