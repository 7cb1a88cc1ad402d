using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Facts;

/// <summary>
/// Reads one JSON object by its <see cref="Shape"/>: every field by its kind, then the shape's rules, then any
/// field the shape does not know, collecting an error per offending field with its JSON path, so a client learns
/// every problem of a fact at once. The values read are then there for the rules and for building the event.
/// </summary>
public sealed partial class JsonFields
{
    private readonly JsonElement _element;
    private readonly string _path;
    private readonly Reading _reading;
    private readonly int _citationDepth;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);
    private Shape? _shape;

    /// <summary>A reader of a whole fact: its errors go to <paramref name="errors"/>.</summary>
    public JsonFields(JsonElement element, List<FieldError> errors)
        : this(element, "", new Reading(errors), 0)
    {
    }

    private JsonFields(JsonElement element, string path, Reading reading, int citationDepth)
    {
        _element = element;
        _path = path;
        _reading = reading;
        _citationDepth = citationDepth;
    }

    public string PathOf(string name) => _path.Length == 0 ? name : $"{_path}.{name}";

    public void Error(string name, string message) => _reading.Errors.Add(new FieldError(PathOf(name), message));

    /// <summary>True when the field is present and not null (whether or not its value is valid).</summary>
    public bool Has(string name) => _element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>Reads every field of <paramref name="shape"/>, then checks its rules, then reports every field it does not know.</summary>
    public JsonFields Read(Shape shape)
    {
        _shape = shape;
        foreach (var field in shape.Fields)
        {
            _values[field.Name] = ReadField(field);
        }

        foreach (var rule in shape.Rules)
        {
            rule.Check(this);
        }

        foreach (var property in _element.EnumerateObject())
        {
            if (!_read.Contains(property.Name))
            {
                Error(property.Name, "is not a known field");
            }
        }

        return this;
    }

    // The values read. A field that was absent or invalid has none (or its default word). The accessors without
    // "Optional" are for building an event from a fact without errors: they refuse fields that may be absent.

    public string Text(string name) => Required<string>(name);

    public string? OptionalText(string name) => Value<string>(name);

    public decimal Number(string name) => Required<decimal?>(name)!.Value;

    public decimal? OptionalNumber(string name) => Value<decimal?>(name);

    public DateOnly Date(string name) => Required<DateOnly?>(name)!.Value;

    public DateOnly? OptionalDate(string name) => Value<DateOnly?>(name);

    public Effective Period(string name) => Required<Effective>(name);

    public Effective? OptionalPeriod(string name) => Value<Effective>(name);

    public JsonFields Nested(string name) => Required<JsonFields>(name);

    public JsonFields? OptionalNested(string name) => Value<JsonFields>(name);

    public Money Money(string name) => FactShapes.ToMoney(Nested(name));

    public Money? OptionalMoney(string name) => OptionalNested(name) is { } money ? FactShapes.ToMoney(money) : null;

    /// <summary>The objects of a list field that were objects (each read by its shape; empty when absent).</summary>
    public IReadOnlyList<JsonFields> Items(string name) => Value<IReadOnlyList<JsonFields>>(name) ?? [];

    public IReadOnlyList<T> List<T>(string name, Func<JsonFields, T> build) => [.. Items(name).Select(build)];

    private T? Value<T>(string name)
    {
        _ = FieldOf(name);
        return _values.TryGetValue(name, out var value) ? (T?)value : default;
    }

    private T Required<T>(string name)
    {
        var field = FieldOf(name);
        if (!field.IsRequired && field.Default is null)
        {
            throw new InvalidOperationException($"{_shape!.Name}.{name} may be absent: read it with an Optional accessor");
        }

        return Value<T>(name) ?? throw new InvalidOperationException($"{_shape!.Name}.{name} has no value: build only a fact without errors");
    }

    private Field FieldOf(string name) => (_shape ?? throw new InvalidOperationException("read a shape first"))[name];

    private object? ReadField(Field field) => field.Kind switch
    {
        FieldKind.Text => Text(field.Name, field.IsRequired, field.Limit!),
        FieldKind.Slug => Slug(field.Name, field.IsRequired),
        FieldKind.FactId => FactId(field.Name, field.IsRequired),
        FieldKind.Word => Text(field.Name, field.IsRequired, field.Limit!, field.Words) ?? field.Default,
        FieldKind.Currency => Currency(field.Name, field.IsRequired),
        FieldKind.Url => Url(field.Name, field.IsRequired),
        FieldKind.Language => Language(field.Name, field.IsRequired),
        FieldKind.Number => Number(field.Name, field.IsRequired, field.Limit!),
        FieldKind.Date => Date(field.Name, field.IsRequired),
        FieldKind.Period => Effective(field.Name, field.IsRequired),
        FieldKind.Nested => field.Of is { } shape ? ReadObject(field.Name, field.IsRequired)?.Read(shape()) : ReadObject(field.Name, field.IsRequired),
        FieldKind.List => Objects(field.Name, field.IsRequired, field.Limit!, _citationDepth)?.Select(item => item.Read(field.Of!())).ToList(),
        FieldKind.Citations => Citations(field),
        _ => throw new InvalidOperationException($"no reader for {field.Kind}"),
    };

    private string? Text(string name, bool required, FieldLimit limit, IReadOnlySet<string>? allowed = null)
    {
        if (!TryGet(name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Error(name, "must be a string");
            return null;
        }

        string text;
        try
        {
            text = value.GetString()!.Trim();
        }
        catch (InvalidOperationException)
        {
            // A lone UTF-16 surrogate ("\ud800") is valid JSON but not text.
            Error(name, StrictJson.UnpairedSurrogate);
            return null;
        }

        if (text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            // PostgreSQL's jsonb cannot store \u0000, and other control characters are never meant in a fact.
            Error(name, "must not contain control characters");
            return null;
        }

        if (text.Length == 0)
        {
            if (required)
            {
                Error(name, "must not be empty");
            }

            return null;
        }

        if (text.Length > limit.Max)
        {
            Error(name, string.Create(CultureInfo.InvariantCulture, $"must be at most {limit.Max:0} characters"));
            return null;
        }

        if (allowed is not null && !allowed.Contains(text))
        {
            Error(name, $"'{text}' is not one of: {string.Join(", ", allowed.Order(StringComparer.Ordinal))}");
            return null;
        }

        return text;
    }

    private string? Checked(string name, string? text, Func<string, bool> valid, string message)
    {
        if (text is not null && !valid(text))
        {
            Error(name, message);
            return null;
        }

        return text;
    }

    private string? Slug(string name, bool required) => Text(name, required, FactLimits.Slug) is { } text
        ? Checked(name, text, SlugPattern().IsMatch, $"'{text}' is not a slug (lower-case letters, digits and single hyphens, e.g. oracle-openai-cloud-2025)")
        : null;

    private string? FactId(string name, bool required) => Checked(name, Text(name, required, FactLimits.FactId), FactIdPattern().IsMatch,
        "may hold only letters, digits and . _ : - (and must start with a letter or digit)");

    private string? Currency(string name, bool required) => Text(name, required, FactLimits.Word) is { } code
        ? Checked(name, code, Currencies.IsKnown, $"'{code}' is not an ISO 4217 currency code (e.g. USD, EUR)")
        : null;

    private string? Url(string name, bool required) => Text(name, required, FactLimits.Url) is { } url
        ? Checked(name, url, u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && (uri.Scheme == "https" || uri.Scheme == "http"),
            $"'{url}' is not an absolute http(s) URL")
        : null;

    private string? Language(string name, bool required) => Text(name, required, FactLimits.Language) is { } tag
        ? Checked(name, tag, LanguagePattern().IsMatch, $"'{tag}' is not a language tag (e.g. en, fr, pt-BR)")
        : null;

    /// <summary>A number within <paramref name="limit"/>'s range and decimal places.</summary>
    private decimal? Number(string name, bool required, FieldLimit limit)
    {
        if (!TryGet(name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            Error(name, "must be a number");
            return null;
        }

        // Decimal parsing rounds what it cannot hold (1e-30 reads as 0), so the decimals are counted as written. A number
        // beyond decimal's range (1e400) does not parse: it is out of range, not malformed.
        if (!FactLimits.FitsDecimals(limit, value.GetRawText()) || !value.TryGetDecimal(out var number) || !FactLimits.InRange(limit, number))
        {
            Error(name, FactLimits.RangeMessage(limit));
            return null;
        }

        return number;
    }

    private DateOnly? Date(string name, bool required)
    {
        var text = Text(name, required, FactLimits.Period);
        if (text is null)
        {
            return null;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            Error(name, $"'{text}' is not a date in the form YYYY-MM-DD");
            return null;
        }

        if (date < FactLimits.EarliestDate || date > FactLimits.LatestDate)
        {
            Error(name, $"'{text}' is outside the ledger's years ({FactLimits.Year.Min:0}-{FactLimits.Year.Max:0})");
            return null;
        }

        return date;
    }

    private Effective? Effective(string name, bool required)
    {
        var text = Text(name, required, FactLimits.Period);
        if (text is null)
        {
            return null;
        }

        if (!Sources.Effective.TryParse(text, out var effective, out var error))
        {
            Error(name, error!);
            return null;
        }

        return effective;
    }

    private JsonFields? ReadObject(string name, bool required)
    {
        if (!TryGet(name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            Error(name, "must be an object");
            return null;
        }

        return new JsonFields(value, PathOf(name), _reading, _citationDepth);
    }

    private List<JsonFields>? Objects(string name, bool required, FieldLimit count, int depth)
    {
        if (!TryGet(name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Error(name, "must be an array");
            return null;
        }

        var length = value.GetArrayLength();
        if (length < count.Min || length > count.Max)
        {
            Error(name, string.Create(CultureInfo.InvariantCulture, $"must have between {count.Min:0} and {count.Max:0} {count.Unit} (has {length})"));
            return null;
        }

        var items = new List<JsonFields>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var path = $"{PathOf(name)}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                _reading.Errors.Add(new FieldError(path, "must be an object"));
                continue;
            }

            items.Add(new JsonFields(item, path, _reading, depth));
        }

        return items;
    }

    /// <summary>
    /// A source's citations: nested at most <see cref="FactLimits.CitationDepth"/> levels and counted over the whole
    /// tree, in reading order, against <see cref="FactLimits.Citations"/> (reported once, where the count runs over).
    /// </summary>
    private List<JsonFields>? Citations(Field field)
    {
        if (_citationDepth >= FactLimits.CitationDepth.Max && _element.TryGetProperty(field.Name, out _))
        {
            Error(field.Name, string.Create(CultureInfo.InvariantCulture, $"citations may nest at most {FactLimits.CitationDepth.Max:0} levels"));
            _read.Add(field.Name);
            return null;
        }

        var citing = Objects(field.Name, field.IsRequired, field.Limit!, _citationDepth + 1);
        if (citing is null)
        {
            return null;
        }

        _reading.Citations += citing.Count;
        if (_reading.Citations > FactLimits.Citations.Max && !_reading.CitationsReported)
        {
            _reading.CitationsReported = true;
            Error(field.Name, string.Create(CultureInfo.InvariantCulture,
                $"a fact may cite at most {FactLimits.Citations.Max:0} sources at all depths together"));
        }

        citing.ForEach(cite => cite.Read(field.Of!()));
        return citing;
    }

    private bool TryGet(string name, bool required, out JsonElement value)
    {
        _read.Add(name);
        if (!_element.TryGetProperty(name, out value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Error(name, "is required");
            }

            return false;
        }

        return true;
    }

    /// <summary>What the readers of one fact share: its errors and its citations, counted over the whole source tree.</summary>
    private sealed class Reading(List<FieldError> errors)
    {
        public List<FieldError> Errors { get; } = errors;

        public int Citations { get; set; }

        public bool CitationsReported { get; set; }
    }

    // The patterns are also the JSON Schema's (ECMA-262 reads them the same way).
    public const string SlugRegex = "^[a-z0-9]+(-[a-z0-9]+)*$";
    public const string FactIdRegex = "^[A-Za-z0-9][A-Za-z0-9._:-]*$";
    public const string LanguageRegex = "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$";

    [GeneratedRegex(SlugRegex)]
    private static partial Regex SlugPattern();

    [GeneratedRegex(FactIdRegex)]
    private static partial Regex FactIdPattern();

    [GeneratedRegex(LanguageRegex)]
    private static partial Regex LanguagePattern();
}
