using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace DealLedger.Domain.Facts;

/// <summary>
/// What JSON parsing lets through but a fact must not hold, found at any depth before a fact is read: a key given twice
/// in one object (parsers disagree on which one counts: ours read the last, another may read the first) and text that
/// is not UTF-8 or holds an unpaired surrogate escape (System.Text.Json parses both and fails only when the text is read).
/// </summary>
public static class StrictJson
{
    public const string KeyGivenTwice = "is given more than once; a key may appear once in an object";
    public const string NotUtf8 = "is not valid UTF-8 text";
    public const string UnpairedSurrogate = "is not valid text (it contains an unpaired surrogate escape)";

    /// <summary>Every such problem of <paramref name="json"/>, each at its JSON path (the object's for a key that cannot be read).</summary>
    public static List<FieldError> Check(JsonElement json)
    {
        var errors = new List<FieldError>();
        Check(json, "", errors);
        return errors;
    }

    private static void Check(JsonElement json, string path, List<FieldError> errors)
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.Object:
                var keys = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in json.EnumerateObject())
                {
                    if (Problem(JsonMarshal.GetRawUtf8PropertyName(property), () => property.Name) is { } problem)
                    {
                        errors.Add(new FieldError(path, $"has a key that {problem}"));
                        continue;
                    }

                    var at = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                    if (!keys.Add(property.Name))
                    {
                        errors.Add(new FieldError(at, KeyGivenTwice));
                    }

                    Check(property.Value, at, errors);
                }

                break;

            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in json.EnumerateArray())
                {
                    Check(item, $"{path}[{index++}]", errors);
                }

                break;

            case JsonValueKind.String:
                if (Problem(JsonMarshal.GetRawUtf8Value(json), () => json.GetString()) is { } text)
                {
                    errors.Add(new FieldError(path, text));
                }

                break;
        }
    }

    /// <summary>Why a string as written (<paramref name="raw"/>) is not text, or null; decoding it only when it holds escapes.</summary>
    private static string? Problem(ReadOnlySpan<byte> raw, Func<string?> decode)
    {
        if (!Utf8.IsValid(raw))
        {
            return NotUtf8;
        }

        if (raw.IndexOf("\\u"u8) < 0)
        {
            return null;
        }

        try
        {
            decode();
            return null;
        }
        catch (InvalidOperationException)
        {
            return UnpairedSurrogate;
        }
    }
}
