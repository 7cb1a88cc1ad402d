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

    public string? Text(string name, bool required, int maxLength = 500, IReadOnlySet<string>? allowed = null)
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

        if (text.Length > maxLength)
        {
            Error(name, $"must be at most {maxLength} characters");
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
        var text = Text(name, required, maxLength: 100);
        if (text is not null && !SlugPattern().IsMatch(text))
        {
            Error(name, $"'{text}' is not a slug (lower-case letters, digits and single hyphens, e.g. oracle-openai-cloud-2025)");
            return null;
        }

        return text;
    }

    public decimal? Number(string name, bool required, bool allowNegative = false, bool allowZero = true)
    {
        if (!TryGet(name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var number))
        {
            Error(name, "must be a number");
            return null;
        }

        if (!allowNegative && number < 0)
        {
            Error(name, "must not be negative");
            return null;
        }

        if (!allowZero && number == 0)
        {
            Error(name, "must be greater than zero");
            return null;
        }

        return number;
    }

    public int? PositiveInt(string name, bool required)
    {
        if (!TryGet(name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number) || number <= 0)
        {
            Error(name, "must be a positive whole number");
            return null;
        }

        return number;
    }

    public DateOnly? Date(string name, bool required)
    {
        var text = Text(name, required, maxLength: 10);
        if (text is null)
        {
            return null;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            Error(name, $"'{text}' is not a date in the form YYYY-MM-DD");
            return null;
        }

        return date;
    }

    public Effective? Effective(string name, bool required)
    {
        var text = Text(name, required, maxLength: 100);
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

    public IReadOnlyList<JsonFields>? Objects(string name, bool required, int min = 0)
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

        if (index < min)
        {
            Error(name, $"must have at least {min} item(s)");
        }

        return items;
    }

    public Money? Money(string name, bool required, bool allowNegative = false)
    {
        var fields = Nested(name, required);
        if (fields is null)
        {
            return null;
        }

        var precision = fields.Text("precision", required: false, allowed: Sources.Money.Precisions) ?? Sources.Money.Exact;
        var currency = fields.Text("currency", required: true, maxLength: 3);
        if (currency is not null && !Currencies.IsKnown(currency))
        {
            fields.Error("currency", $"'{currency}' is not an ISO 4217 currency code (e.g. USD, EUR)");
            currency = null;
        }

        var undisclosed = precision == Sources.Money.Undisclosed;
        var amount = fields.Number("amount", required: !undisclosed, allowNegative);
        var max = fields.Number("max", required: precision == Sources.Money.Range, allowNegative);
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

    public Source? Source(string name, bool required, bool cited = false, int depth = 0)
    {
        var fields = Nested(name, required);
        return fields is null ? null : fields.AsSource(cited, depth);
    }

    private Source? AsSource(bool cited, int depth)
    {
        var publisher = Text("publisher", required: true, maxLength: 200);
        var title = Text("title", required: !cited, maxLength: 500);
        var url = Text("url", required: false, maxLength: 2000);
        if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "https" && uri.Scheme != "http")))
        {
            Error("url", $"'{url}' is not an absolute http(s) URL");
        }

        var kind = Text("kind", required: true, allowed: Sources.Source.Kinds);
        var language = Text("language", required: !cited, maxLength: 12);
        if (language is not null && !LanguagePattern().IsMatch(language))
        {
            Error("language", $"'{language}' is not a language tag (e.g. en, fr, pt-BR)");
        }

        var cites = new List<Source>();
        if (depth >= 3 && _element.TryGetProperty("cites", out _))
        {
            Error("cites", "citations may nest at most three levels");
            _read.Add("cites");
        }
        else
        {
            foreach (var cite in Objects("cites", required: false) ?? [])
            {
                if (cite.AsSource(cited: true, depth + 1) is { } source)
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

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex("^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    private static partial Regex LanguagePattern();
}
