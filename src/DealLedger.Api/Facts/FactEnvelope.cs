namespace DealLedger.Api.Facts;

/// <summary>
/// The request body of <c>POST /facts</c>, as named by its <c>[Consumes]</c>. Its OpenAPI schema is not inferred from this
/// type: it is exported from the fact shapes the parser reads (<see cref="Domain.Facts.FactSchema"/>), one schema per fact
/// type, by <see cref="OpenApiRequestBodies"/>. The server reads the raw JSON itself (FactParser) so it can name every bad field.
/// </summary>
public sealed class FactEnvelope;
