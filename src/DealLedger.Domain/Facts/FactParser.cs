using System.Text.Json;
using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Facts;

/// <summary>A fact envelope that passed validation, turned into its event.</summary>
public sealed record ParsedFact(string FactId, FactType Type, string Subject, IFact Event);

/// <summary>
/// Reads one fact envelope (the shape shared by <c>POST /facts</c>, import files and the seed dataset) into
/// its event, or lists every field error. Pure: the caller passes "today" so the future check is testable.
/// </summary>
public static class FactParser
{
    /// <summary>
    /// The latest date a source can have published on "today" (UTC): UTC+14 is already a day ahead, so a
    /// source dated tomorrow UTC is not yet in the future everywhere.
    /// </summary>
    public static DateOnly LatestReportedOn(DateTimeOffset nowUtc) => DateOnly.FromDateTime(nowUtc.UtcDateTime.AddHours(14));

    public static (ParsedFact? Fact, IReadOnlyList<FieldError> Errors) Parse(JsonElement envelope, DateOnly latestReportedOn)
    {
        var errors = new List<FieldError>();
        if (envelope.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError("", "a fact must be a JSON object"));
            return (null, errors);
        }

        // Keys given twice or text that cannot be read make the fact ambiguous: nothing else is read.
        errors.AddRange(StrictJson.Check(envelope));
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var root = new JsonFields(envelope, errors).Read(FactShapes.Envelope);
        FactType? type = null;
        if (root.OptionalText("type") is { } typeName && !FactTypes.ByName.TryGetValue(typeName, out type))
        {
            root.Error("type", $"'{typeName}' is not a known fact type; known types: {string.Join(", ", FactTypes.ByName.Keys)}");
        }

        if (root.OptionalDate("reportedOn") is { } reportedOn && reportedOn > latestReportedOn)
        {
            root.Error("reportedOn", $"{reportedOn:yyyy-MM-dd} is in the future");
        }

        if (root.OptionalText("corrects") is not null && type is { IsAboutAnotherFact: true })
        {
            root.Error("corrects", $"a '{type.Name}' fact cannot correct another; correct with a fact of the corrected fact's type");
        }

        // The data is read whatever else is wrong, so its errors are listed alongside the envelope's.
        var data = type is null ? null : root.OptionalNested("data")?.Read(type.Data);
        if (errors.Count > 0 || type is null || data is null)
        {
            return (null, errors);
        }

        var info = new FactInfo(root.Text("factId"), root.Date("reportedOn"), root.OptionalPeriod("effective"),
            FactShapes.ToSource(root.Nested("source")), root.OptionalText("corrects"));
        return (new ParsedFact(info.FactId, type, root.Text("subject"), type.Build(data, info)), errors);
    }
}
