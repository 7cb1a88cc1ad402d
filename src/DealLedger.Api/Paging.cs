using System.Text.Json;
using Marten;
using Marten.Linq.CursorPaging;

namespace DealLedger.Api;

/// <summary>A page of a list; pass <see cref="Next"/> back as <c>cursor</c> for the following page (null at the end).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);

/// <summary>Keyset (cursor) paging through Marten, writing the stored JSON as it is, without re-serializing.</summary>
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static async Task<IResult> PageAsync<T>(IQueryable<T> sorted, string? cursor, int? limit, CancellationToken ct)
        where T : notnull
    {
        if (limit is < 1 or > MaxLimit)
        {
            return Problems.BadQuery("limit", $"must be between 1 and {MaxLimit}");
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

        var json = $"{{\"items\":{page.ItemsJson},\"next\":{JsonSerializer.Serialize(page.NextCursor)}}}";
        return Results.Text(json, "application/json");
    }
}
