using System.Text.Json;
using System.Text.RegularExpressions;
using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Facts;

/// <summary>A fact envelope that passed validation, turned into its event.</summary>
public sealed record ParsedFact(string FactId, FactType Type, string Subject, IFact Event);

/// <summary>
/// Reads one fact envelope (the shape shared by <c>POST /facts</c>, import files and the seed dataset) into
/// its event, or lists every field error. Pure: the caller passes "today" so the future check is testable.
/// </summary>
public static partial class FactParser
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

        var root = new JsonFields(envelope, "", errors);
        var factId = root.Text("factId", true, FactLimits.FactId);
        if (factId is not null && !FactIdPattern().IsMatch(factId))
        {
            root.Error("factId", "may hold only letters, digits and . _ : - (and must start with a letter or digit)");
            factId = null;
        }

        var typeName = root.Text("type", true, FactLimits.Word);
        FactType? type = null;
        if (typeName is not null && !FactTypes.ByName.TryGetValue(typeName, out type))
        {
            root.Error("type", $"'{typeName}' is not a known fact type; known types: {string.Join(", ", FactTypes.ByName.Keys)}");
        }

        var subject = root.Slug("subject", true);
        var reportedOn = root.Date("reportedOn", true);
        if (reportedOn > latestReportedOn)
        {
            root.Error("reportedOn", $"{reportedOn:yyyy-MM-dd} is in the future");
            reportedOn = null;
        }

        var effective = root.Effective("effective", false);
        var corrects = root.Text("corrects", false, FactLimits.FactId);
        if (corrects is not null && type is { IsAboutAnotherFact: true })
        {
            root.Error("corrects", $"a '{type.Name}' fact cannot correct another; correct with a fact of the corrected fact's type");
        }

        var source = root.Source("source", true);
        var data = root.Nested("data", true);
        root.RejectUnknown();

        IFact? @event = null;
        if (type is not null && data is not null && factId is not null && reportedOn is not null && source is not null)
        {
            @event = type.ReadData(data, new FactInfo(factId, reportedOn.Value, effective, source, corrects));
            data.RejectUnknown();
        }
        else if (type is not null && data is not null)
        {
            // Still read the data so its own errors are listed alongside the envelope's.
            type.ReadData(data, new FactInfo("", default, null, new Source("", null, null, "press", null, [])));
            data.RejectUnknown();
        }

        return errors.Count > 0 || @event is null
            ? (null, errors)
            : (new ParsedFact(factId!, type!, subject!, @event), errors);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]*$")]
    private static partial Regex FactIdPattern();
}
