using System.Text.Json;
using Marten;
using DealLedger.Api.Temporal;
using Marten.Linq.CursorPaging;

namespace DealLedger.Api;

/// <summary>
/// A page of a list; pass <see cref="Next"/> back as <c>cursor</c> for the following page (null at the end). The answer's
/// shape, for the OpenAPI document: <see cref="Paging"/> writes it from the stored JSON.
/// </summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next, Basis Basis);

/// <summary>Keyset (cursor) paging through Marten, writing the stored JSON as it is, without re-serializing.</summary>
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <param name="redact">Applied to each item of the page when given (e.g. to hide recorder names from anonymous callers).</param>
    /// <param name="complete">Applied to the page's items when given (e.g. to put back what the stored documents leave out).</param>
    public static async Task<IResult> PageAsync<T>(IQueryable<T> sorted, string? cursor, int? limit, Basis basis, CancellationToken ct,
        Action<System.Text.Json.Nodes.JsonObject>? redact = null, Func<System.Text.Json.Nodes.JsonArray, Task>? complete = null)
        where T : notnull
    {
        if (LimitProblem(limit) is { } tooMany)
        {
            return tooMany;
        }

        CursorPageResult page;
        try
        {
            page = await sorted.ToJsonPageByCursorAsync(string.IsNullOrEmpty(cursor) ? null : cursor, limit ?? DefaultLimit, ct);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or JsonException)
        {
            return Problems.BadQuery("cursor", "is not a cursor this list returned (pass back the 'next' value as it is)");
        }

        var items = page.ItemsJson;
        if ((redact is not null || complete is not null) && System.Text.Json.Nodes.JsonNode.Parse(items) is System.Text.Json.Nodes.JsonArray array)
        {
            if (complete is not null)
            {
                await complete(array);
            }

            foreach (var item in array.OfType<System.Text.Json.Nodes.JsonObject>())
            {
                redact?.Invoke(item);
            }

            items = array.ToJsonString();
        }

        var json = $"{{\"items\":{items},\"next\":{JsonSerializer.Serialize(page.NextCursor)}," +
            $"\"basis\":{JsonSerializer.Serialize(basis, JsonSerializerOptions.Web)}}}";
        return Reads.ReadPosition.Answer(Results.Text(json, "application/json"), basis);
    }

    /// <summary>A page answer, <c>{ items, next, basis }</c>, in the API's JSON style.</summary>
    public static IResult Json<T>(HttpContext context, IReadOnlyList<T> items, string? next, Basis basis)
    {
        var options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>()
            .Value.SerializerOptions;
        Reads.ReadPosition.Set(context, basis.Position);
        return Results.Json(new { items, next, basis }, options);
    }

    /// <summary>A 400 naming <c>limit</c> when it is out of range, else null.</summary>
    public static IResult? LimitProblem(int? limit) =>
        limit is < 1 or > MaxLimit ? Problems.BadQuery("limit", $"must be between 1 and {MaxLimit}") : null;

    /// <summary>
    /// The cursor of a list read at a log position: the position, so every page answers on the same basis, and how
    /// far the pages so far reached (an offset, or the last stream version listed).
    /// </summary>
    public static string CursorAt(long position, long reached) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"t{position}.{reached}");

    public static bool TryReadCursor(string cursor, out long position, out long reached)
    {
        reached = 0;
        position = 0;
        var parts = cursor.Split('.');
        return parts.Length == 2 && PositionOf(cursor) is { } issuedAt && (position = issuedAt) >= 0
            && long.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out reached);
    }

    /// <summary>The log position a computed list's cursor was issued at, so the next page keeps the same basis.</summary>
    public static long? PositionOf(string? cursor) =>
        cursor is { Length: > 1 } && cursor[0] == 't' && cursor.IndexOf('.', StringComparison.Ordinal) is > 1 and var dot
        && long.TryParse(cursor.AsSpan(1, dot - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p)
            ? p
            : null;
}
