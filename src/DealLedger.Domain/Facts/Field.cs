namespace DealLedger.Domain.Facts;

/// <summary>
/// One field of the fact contract: its JSON name, what it holds, whether it is required, its limit (a text's length,
/// a number's range and decimals, a list's count), its vocabulary and default, the shape of its objects, and what
/// it means. The parser reads it, the JSON Schema and the OpenAPI document show it, docs/facts.md lists it.
/// </summary>
public sealed record Field(string Name, FieldKind Kind, string Description, FieldLimit? Limit)
{
    public bool IsRequired { get; init; }

    /// <summary>The vocabulary of a <see cref="FieldKind.Word"/>, in the order the docs list it.</summary>
    public IReadOnlySet<string>? Words { get; init; }

    /// <summary>The word an absent (or unreadable) field stands for.</summary>
    public string? Default { get; init; }

    /// <summary>The shape of an object or of a list's items; a function because shapes may refer to themselves.</summary>
    public Func<Shape>? Of { get; init; }

    public Field Required() => this with { IsRequired = true };

    public Field Defaulting(string word) => this with { Default = word };

    public static Field Text(string name, FieldLimit limit, string description) => new(name, FieldKind.Text, description, limit);

    public static Field Slug(string name, string description) => new(name, FieldKind.Slug, description, FactLimits.Slug);

    public static Field Word(string name, IReadOnlySet<string> words, string description) =>
        new(name, FieldKind.Word, description, FactLimits.Word) { Words = words };

    public static Field Number(string name, FieldLimit limit, string description) => new(name, FieldKind.Number, description, limit);

    public static Field Period(string name, string description) => new(name, FieldKind.Period, description, FactLimits.Period);

    public static Field Nested(string name, Func<Shape> shape, string description) =>
        new(name, FieldKind.Nested, description, null) { Of = shape };

    public static Field List(string name, Func<Shape> shape, FieldLimit count, string description) =>
        new(name, FieldKind.List, description, count) { Of = shape };

    public static Field Money(string name, string description) => Nested(name, () => FactShapes.Money, description);
}
