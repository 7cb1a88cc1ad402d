namespace DealLedger.Domain.Facts;

/// <summary>
/// The fields of one JSON object of the fact contract (a type's <c>data</c>, money, a source...), the rules that
/// relate them, and its name in the JSON Schema and the OpenAPI document. Any other field is rejected.
/// </summary>
public sealed record Shape(string Name, string Description, IReadOnlyList<Field> Fields, IReadOnlyList<FieldRule> Rules)
{
    public Shape(string name, string description, params Field[] fields)
        : this(name, description, fields, [])
    {
    }

    public Field this[string name] => Fields.FirstOrDefault(f => f.Name == name)
        ?? throw new ArgumentException($"{Name} has no field '{name}'", nameof(name));

    public Shape With(params FieldRule[] rules) => this with { Rules = [.. Rules, .. rules] };
}
