namespace DealLedger.Domain.Facts;

/// <summary>One problem with one field of a fact, named by its JSON path (e.g. <c>data.value.amount</c>).</summary>
public sealed record FieldError(string Field, string Message);
