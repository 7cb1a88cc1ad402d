using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DealLedger.Domain.Facts;

namespace DealLedger.Testing;

/// <summary>Builds fact envelopes for tests, as a client would send them.</summary>
public static class Envelopes
{
    public static JsonObject Envelope(string factId, string type, string subject, string reportedOn, object data,
        string publisher = "Test Wire", string kind = "press", string? effective = null)
    {
        var envelope = new JsonObject
        {
            ["factId"] = factId,
            ["type"] = type,
            ["subject"] = subject,
            ["reportedOn"] = reportedOn,
            ["source"] = new JsonObject { ["publisher"] = publisher, ["title"] = $"{publisher} report", ["kind"] = kind, ["language"] = "en" },
            ["data"] = JsonSerializer.SerializeToNode(data),
        };
        if (effective is not null)
        {
            envelope["effective"] = effective;
        }

        return envelope;
    }

    public static JsonObject Deal(string factId, string subject, string reportedOn, string publisher = "Test Wire",
        params (string Party, string Role)[] parties) =>
        Envelope(factId, "deal.reported", subject, reportedOn, new
        {
            title = subject,
            kind = "cloud-contract",
            parties = (parties.Length == 0 ? [("openai", "buyer"), ("oracle", "vendor")] : parties)
                .Select(p => new { party = p.Party, role = p.Role }).ToArray(),
            status = "signed",
        }, publisher);

    public static JsonObject Value(string factId, string subject, string reportedOn, decimal amount, string term = "total",
        string publisher = "Test Wire", string precision = "exact") =>
        Envelope(factId, "deal.value-reported", subject, reportedOn,
            new { term, value = new { amount, currency = "USD", precision } }, publisher);

    public static JsonObject Estimate(string factId, string subject, string reportedOn, decimal amount, bool first,
        string publisher = "The Information") =>
        first
            ? Envelope(factId, "estimate.reported", subject, reportedOn, new
            {
                party = "openai", metric = "cash-burn", horizon = "2025/2029", value = new { amount, currency = "USD", precision = "about" },
            }, publisher)
            : Envelope(factId, "estimate.revised", subject, reportedOn, new { value = new { amount, currency = "USD", precision = "about" } }, publisher);

    public static ParsedFact Parse(JsonObject envelope)
    {
        var (fact, errors) = FactParser.Parse(JsonDocument.Parse(envelope.ToJsonString()).RootElement, DateOnly.MaxValue);
        return fact ?? throw new InvalidOperationException(string.Join("; ", errors));
    }

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
