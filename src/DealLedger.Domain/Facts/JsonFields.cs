using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Facts;

/// <summary>
/// Reads the fields of one JSON object and collects an error per offending field, so a client learns every
/// problem of a fact at once. Fields that are never read are reported as unknown: a typo must not be dropped
/// silently.
/// </summary>
public sealed partial class JsonFields
{
    private readonly JsonElement _element;
    private readonly string _path;
    private readonly List<FieldError> _errors;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public JsonFields(JsonElement element, string path, List<FieldError> errors)
    {
        _element = element;
        _path = path;
        _errors = errors;
    }

    public string PathOf(string name) => _path.Length == 0 ? name : $"{_path}.{name}";

    public void Error(string name, string message) => _errors.Add(new FieldError(PathOf(name), message));

    /// <summary>A word of the vocabulary: one of <paramref name="allowed"/>.</summary>
    public string? Word(string name, bool required, IReadOnlySet<string> allowed) => Text(name, required, FactLimits.Word, allowed);

    public string? Text(string name, bool required, FieldLimit limit, IReadOnlySet<string>? allowed = null)
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
            Error(name, "is not valid text (it contains an unpaired surrogate escape)");
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

    public string? Slug(string name, bool required)
    {
        var text = Text(name, required, FactLimits.Slug);
        if (text is not null && !SlugPattern().IsMatch(text))
        {
            Error(name, $"'{text}' is not a slug (lower-case letters, digits and single hyphens, e.g. oracle-openai-cloud-2025)");
            return null;
        }

        return text;
    }

    /// <summary>A number within <paramref name="limit"/>'s range and decimal places.</summary>
    public decimal? Number(string name, bool required, FieldLimit limit)
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

        // A number beyond decimal's range (1e400) does not parse: it is out of range, not malformed.
        if (!value.TryGetDecimal(out var number) || !FactLimits.InRange(limit, number) || !FactLimits.FitsDecimals(limit, number))
        {
            Error(name, FactLimits.RangeMessage(limit));
            return null;
        }

        return number;
    }

    public int? Whole(string name, bool required, FieldLimit limit) => Number(name, required, limit) is { } number ? (int)number : null;

    public DateOnly? Date(string name, bool required)
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

    public Effective? Effective(string name, bool required)
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

    public JsonFields? Nested(string name, bool required)
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

        return new JsonFields(value, PathOf(name), _errors);
    }

    public IReadOnlyList<JsonFields>? Objects(string name, bool required, FieldLimit count)
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
                _errors.Add(new FieldError(path, "must be an object"));
                continue;
            }

            items.Add(new JsonFields(item, path, _errors));
        }

        return items;
    }

    public Money? Money(string name, bool required, FieldLimit? amountLimit = null)
    {
        var fields = Nested(name, required);
        if (fields is null)
        {
            return null;
        }

        var limit = amountLimit ?? FactLimits.Amount;
        var precision = fields.Word("precision", required: false, Sources.Money.Precisions) ?? Sources.Money.Exact;
        var currency = fields.Text("currency", required: true, FactLimits.Word);
        if (currency is not null && !Currencies.IsKnown(currency))
        {
            fields.Error("currency", $"'{currency}' is not an ISO 4217 currency code (e.g. USD, EUR)");
            currency = null;
        }

        var undisclosed = precision == Sources.Money.Undisclosed;
        var amount = fields.Number("amount", required: !undisclosed, limit);
        var max = fields.Number("max", required: precision == Sources.Money.Range, limit);
        if (undisclosed && amount is not null)
        {
            fields.Error("amount", "must be absent when the precision is 'undisclosed'");
        }

        if (precision != Sources.Money.Range && max is not null)
        {
            fields.Error("max", "is only allowed when the precision is 'range'");
        }

        if (amount is not null && max is not null && max < amount)
        {
            fields.Error("max", "must not be below amount");
        }

        fields.RejectUnknown();
        return currency is null ? null : new Money(undisclosed ? null : amount, currency, precision, max);
    }

    public Source? Source(string name, bool required)
    {
        var fields = Nested(name, required);
        return fields?.AsSource(cited: false, depth: 0, new Citations());
    }

    private Source? AsSource(bool cited, int depth, Citations citations)
    {
        var publisher = Text("publisher", required: true, FactLimits.Name);
        var title = Text("title", required: !cited, FactLimits.SourceTitle);
        var url = Text("url", required: false, FactLimits.Url);
        if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "https" && uri.Scheme != "http")))
        {
            Error("url", $"'{url}' is not an absolute http(s) URL");
        }

        var kind = Word("kind", required: true, Sources.Source.Kinds);
        var language = Text("language", required: !cited, FactLimits.Language);
        if (language is not null && !LanguagePattern().IsMatch(language))
        {
            Error("language", $"'{language}' is not a language tag (e.g. en, fr, pt-BR)");
        }

        var cites = new List<Source>();
        if (depth >= FactLimits.CitationDepth.Max && _element.TryGetProperty("cites", out _))
        {
            Error("cites", string.Create(CultureInfo.InvariantCulture, $"citations may nest at most {FactLimits.CitationDepth.Max:0} levels"));
            _read.Add("cites");
        }
        else if (Objects("cites", required: false, FactLimits.Citations) is { } citing)
        {
            citations.Count += citing.Count;
            if (citations.Count > FactLimits.Citations.Max && !citations.Reported)
            {
                citations.Reported = true;
                Error("cites", string.Create(CultureInfo.InvariantCulture,
                    $"a fact may cite at most {FactLimits.Citations.Max:0} sources at all depths together"));
            }

            foreach (var cite in citing)
            {
                if (cite.AsSource(cited: true, depth + 1, citations) is { } source)
                {
                    cites.Add(source);
                }
            }
        }

        RejectUnknown();
        return publisher is null || kind is null ? null : new Source(publisher, title, url, kind, language, cites);
    }

    /// <summary>Reports every field of this object that no reader asked for.</summary>
    public void RejectUnknown()
    {
        foreach (var property in _element.EnumerateObject())
        {
            if (!_read.Contains(property.Name))
            {
                Error(property.Name, "is not a known field");
            }
        }
    }

    /// <summary>True when the field is present and not null (whether or not its value is valid).</summary>
    public bool Has(string name) => _element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

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

    /// <summary>Citations counted over a whole source tree.</summary>
    private sealed class Citations
    {
        public int Count { get; set; }

        public bool Reported { get; set; }
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex("^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    private static partial Regex LanguagePattern();
}
