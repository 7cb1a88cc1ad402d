using System.Globalization;
using System.Text.Json;
using DealLedger.Domain.Facts;
using Microsoft.AspNetCore.Http.Features;

namespace DealLedger.Api;

/// <summary>RFC 7807 answers for every sad path, each naming what was wrong.</summary>
public static class Problems
{
    public static IResult Fields(IReadOnlyList<FieldError> errors, int status = StatusCodes.Status422UnprocessableEntity,
        string title = "The fact is not valid") =>
        Results.ValidationProblem(Group(errors), statusCode: status, title: title,
            detail: string.Join("; ", errors.Select(e => e.Field.Length == 0 ? e.Message : $"{e.Field}: {e.Message}")));

    public static IDictionary<string, string[]> Group(IEnumerable<FieldError> errors) =>
        errors.GroupBy(e => e.Field.Length == 0 ? "$" : e.Field)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());

    public static IResult Status(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(statusCode: status, title: title, detail: detail, extensions: extensions);

    public static IResult NotFound(string what, string slug) =>
        Status(StatusCodes.Status404NotFound, $"Unknown {what}", $"No {what} '{slug}' is in the ledger.");

    public static IResult BadQuery(string parameter, string message) =>
        Fields([new FieldError(parameter, message)], StatusCodes.Status400BadRequest, "Invalid query parameter");

    /// <summary>The first year a date or instant query parameter may name.</summary>
    public const int FirstYear = 1900;

    /// <summary>The last year a date or instant query parameter may name (far from DateTimeOffset's end, so a day can be added).</summary>
    public const int LastYear = 2200;

    /// <summary>
    /// Parses an optional YYYY-MM-DD query value in <see cref="FirstYear"/>..<see cref="LastYear"/>;
    /// <paramref name="problem"/> is set when it is malformed or out of range.
    /// </summary>
    public static DateOnly? Date(string? value, string parameter, ref IResult? problem)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return InRange(date.Year, parameter, ref problem) ? date : null;
        }

        problem ??= BadQuery(parameter, $"'{value}' is not a date in the form YYYY-MM-DD");
        return null;
    }

    /// <summary>Whether a date query parameter's year is in range; <paramref name="problem"/> names the parameter when not.</summary>
    public static bool InRange(int year, string parameter, ref IResult? problem)
    {
        if (year is >= FirstYear and <= LastYear)
        {
            return true;
        }

        problem ??= BadQuery(parameter, $"must be a date from {FirstYear}-01-01 to {LastYear}-12-31");
        return false;
    }
}

/// <summary>Reads a request body with a size limit, so an oversized body is a 413 before anything is parsed.</summary>
public static class RequestBody
{
    public const long FactLimit = 256 * 1024;

    /// <summary>The default of <c>Imports:MaxBodyBytes</c>.</summary>
    public const long ImportLimit = 256L * 1024 * 1024;

    public static async Task<(byte[]? Body, IResult? Problem)> ReadAsync(HttpContext context, long limit, CancellationToken ct)
    {
        if (context.Request.ContentLength > limit)
        {
            return (null, TooLarge(limit));
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        try
        {
            while ((read = await context.Request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return (null, TooLarge(limit));
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(limit));
        }

        return (buffer.ToArray(), null);
    }

    public static (JsonElement? Json, IResult? Problem) ParseJson(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException e)
        {
            return (null, Problems.Fields([new FieldError("$", $"malformed JSON: {e.Message}")], StatusCodes.Status400BadRequest,
                "The body is not valid JSON"));
        }
    }

    private static IResult TooLarge(long limit) =>
        Problems.Status(StatusCodes.Status413PayloadTooLarge, "Body too large", $"The body is larger than the limit of {limit:N0} bytes.");
}
