using System.Text.Json;
using DealLedger.Domain.Sources;

namespace DealLedger.Api.Facts;

/// <summary>
/// The fact contract as OpenAPI shows it: one envelope for <c>POST /facts</c>, each line of an import file
/// and the seed dataset. The server reads the raw JSON itself (see FactParser) so it can name every bad field.
/// </summary>
/// <param name="FactId">Client-chosen id, unique in the ledger; the idempotency key.</param>
/// <param name="Type">A fact type of the vocabulary (docs/facts.md), e.g. deal.value-reported.</param>
/// <param name="Subject">Slug of the deal, estimate or party stream the fact is about.</param>
/// <param name="ReportedOn">When the source published it (YYYY-MM-DD, not in the future).</param>
/// <param name="Effective">When it is or was true: a date, month, year, quarter, season or period.</param>
/// <param name="Source">Who published it.</param>
/// <param name="Data">The fields of the fact type.</param>
public sealed record FactEnvelope(
    string FactId,
    string Type,
    string Subject,
    string ReportedOn,
    string? Effective,
    Source Source,
    JsonElement Data);
