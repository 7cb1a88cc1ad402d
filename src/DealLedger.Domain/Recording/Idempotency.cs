using System.Text.Json;
using DealLedger.Domain.Facts;
using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Recording;

/// <summary>
/// A fact id names one fact forever: the same fact sent again (same subject, same content) is a resend, anything
/// else under the same id is a conflict.
/// </summary>
public static class Idempotency
{
    /// <summary>Serializer for comparing a resent fact with the recorded one: same content, same JSON.</summary>
    private static readonly JsonSerializerOptions Canonical = new(JsonSerializerDefaults.Web);

    public static bool IsResend(StoredFact stored, ParsedFact fact) =>
        stored.Subject == fact.Subject && stored.Content is { } recorded && SameContent(recorded, fact.Event);

    public static bool SameContent(IFact recorded, IFact incoming) =>
        recorded.GetType() == incoming.GetType()
        && JsonSerializer.Serialize(recorded, recorded.GetType(), Canonical) == JsonSerializer.Serialize(incoming, incoming.GetType(), Canonical);

    public static string OtherContent(string factId) =>
        $"fact '{factId}' is already recorded with different content; a fact id names one fact forever (record a correction as a new fact)";
}
