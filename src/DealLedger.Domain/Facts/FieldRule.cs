namespace DealLedger.Domain.Facts;

/// <summary>
/// A rule across fields of one object (a range's max not below its amount, payer and payee together...): what it says,
/// for the docs and the schema, and its check, which runs after every field is read and reports on the field concerned.
/// </summary>
public sealed record FieldRule(string Says, Action<JsonFields> Check);
