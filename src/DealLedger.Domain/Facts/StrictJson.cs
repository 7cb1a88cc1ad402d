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
        // Paths are built only for an error or a nested value: most keys and items need none.
        if (json.ValueKind == JsonValueKind.Object)
        {
            var keys = json.GetPropertyCount() > 1 ? new HashSet<string>(StringComparer.Ordinal) : null;
            foreach (var property in json.EnumerateObject())
            {
                if (Problem(JsonMarshal.GetRawUtf8PropertyName(property)) is { } problem
                    && (problem != UnpairedSurrogate || !Decodes(property)))
                {
                    errors.Add(new FieldError(path, $"has a key that {problem}"));
                    continue;
                }

                var name = property.Name;
                if (keys is not null && !keys.Add(name))
                {
                    errors.Add(new FieldError(Join(path, name), KeyGivenTwice));
                }

                if (IsNested(property.Value) || TextProblem(property.Value) is not null)
                {
                    CheckValue(property.Value, Join(path, name), errors);
                }
            }
        }
        else if (json.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in json.EnumerateArray())
            {
                if (IsNested(item) || TextProblem(item) is not null)
                {
                    CheckValue(item, $"{path}[{index}]", errors);
                }

                index++;
            }
        }
    }

    private static void CheckValue(JsonElement value, string path, List<FieldError> errors)
    {
        if (IsNested(value))
        {
            Check(value, path, errors);
        }
        else if (TextProblem(value) is { } problem)
        {
            errors.Add(new FieldError(path, problem));
        }
    }

    private static bool IsNested(JsonElement value) => value.ValueKind is JsonValueKind.Object or JsonValueKind.Array;

    private static string? TextProblem(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && Problem(JsonMarshal.GetRawUtf8Value(value)) is { } problem
        && (problem != UnpairedSurrogate || !Decodes(value))
            ? problem
            : null;

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    /// <summary>
    /// Why a string as written (<paramref name="raw"/>) may not be text: bytes that are not UTF-8, or an escape that may be
    /// an unpaired surrogate (only decoding tells, so the caller decodes only then).
    /// </summary>
    private static string? Problem(ReadOnlySpan<byte> raw) =>
        !Utf8.IsValid(raw) ? NotUtf8 : raw.IndexOf("\\u"u8) >= 0 ? UnpairedSurrogate : null;

    private static bool Decodes(JsonProperty key)
    {
        try
        {
            _ = key.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool Decodes(JsonElement text)
    {
        try
        {
            _ = text.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
