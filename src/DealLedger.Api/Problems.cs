using System.Globalization;
using System.Text.Json;
using DealLedger.Domain.Facts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DealLedger.Api;

/// <summary>RFC 7807 answers for every sad path, each naming what was wrong.</summary>
public static class Problems
{
    /// <summary>
    /// The problem type of a read stopped by PostgreSQL's statement time limit (503 without Retry-After: narrow the query).
    /// A tag URI (RFC 9457 section 3.1.1): it names the problem, and docs/reliability.md describes it.
    /// </summary>
    public const string QueryTooLongType = "tag:dealledger,2026:problems/query-too-long";

    public static ProblemHttpResult Fields(IReadOnlyList<FieldError> errors, int status = StatusCodes.Status422UnprocessableEntity,
        string title = "The fact is not valid") =>
        TypedResults.Problem(new HttpValidationProblemDetails(Group(errors))
        {
            Status = status,
            Title = title,
            Detail = string.Join("; ", errors.Select(e => e.Field.Length == 0 ? e.Message : $"{e.Field}: {e.Message}")),
        });

    public static IDictionary<string, string[]> Group(IEnumerable<FieldError> errors) =>
        errors.GroupBy(e => e.Field.Length == 0 ? "$" : e.Field)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());

    public static ProblemHttpResult Status(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail, extensions: extensions);

    public static ProblemHttpResult NotFound(string what, string slug) =>
        Status(StatusCodes.Status404NotFound, $"Unknown {what}", $"No {what} '{slug}' is in the ledger.");

    public static ProblemHttpResult BadQuery(string parameter, string message) =>
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
    public const long ImportLimit = 24L * 1024 * 1024;

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

    /// <summary>
    /// The body as a stream that ends the request with <see cref="BodyTooLargeException"/> once more than
    /// <paramref name="limit"/> bytes arrive, for a body read as it arrives; null when its Content-Length is already too large.
    /// </summary>
    public static BoundedBodyStream? Bounded(HttpContext context, long limit)
    {
        if (context.Request.ContentLength > limit)
        {
            return null;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        return new BoundedBodyStream(context.Request.Body, limit);
    }

    /// <summary>The exceptions reading a <see cref="BoundedBodyStream"/> past its limit ends with (ours, or Kestrel's own limit).</summary>
    public static bool IsTooLarge(Exception e) =>
        e is BodyTooLargeException or BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge };

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

    public static ProblemHttpResult TooLarge(long limit) =>
        Problems.Status(StatusCodes.Status413PayloadTooLarge, "Body too large", $"The body is larger than the limit of {limit:N0} bytes.");
}

public sealed class BodyTooLargeException() : IOException("The request body is larger than its limit.");

/// <summary>A read-only view of a request body that counts what it reads and refuses to go past a limit.</summary>
public sealed class BoundedBodyStream(Stream inner, long limit) : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        BytesRead += read;
        return BytesRead > limit ? throw new BodyTooLargeException() : read;
    }
}
