namespace DealLedger.Domain.Facts;

/// <summary>What a field of a fact holds. Each kind has one reader (<see cref="JsonFields"/>) and one JSON Schema form (<see cref="FactSchema"/>).</summary>
public enum FieldKind
{
    /// <summary>Text within the field's length (trimmed; empty counts as absent).</summary>
    Text,

    /// <summary>A slug: lower-case letters, digits and single hyphens.</summary>
    Slug,

    /// <summary>A new fact's id: letters, digits and <c>. _ : -</c>.</summary>
    FactId,

    /// <summary>One word of the field's vocabulary.</summary>
    Word,

    /// <summary>An active ISO 4217 currency code.</summary>
    Currency,

    /// <summary>An absolute http(s) URL.</summary>
    Url,

    /// <summary>A language tag such as <c>en</c> or <c>pt-BR</c>.</summary>
    Language,

    /// <summary>A JSON number within the field's range and decimal places, read as a decimal.</summary>
    Number,

    /// <summary>A day, <c>YYYY-MM-DD</c>, within the ledger's years.</summary>
    Date,

    /// <summary>A period in words (docs/facts.md, Periods), read as an <see cref="Sources.Effective"/>.</summary>
    Period,

    /// <summary>An object of the field's shape; without a shape, any object (a fact's <c>data</c>, read by its type).</summary>
    Nested,

    /// <summary>An array of objects of the field's shape, as many as its limit allows.</summary>
    List,

    /// <summary>A source's citations: a list of cited sources, nested and counted over the whole tree within the citation limits.</summary>
    Citations,
}
