namespace DealLedger.Api;

/// <summary>
/// A bare endpoint in the API host that returns bytes held in memory, as the baseline for read benchmarks:
/// the distance between it and a real read is what DealLedger adds on top of the host. Mapped only when
/// <c>Benchmarks:BareEndpoint</c> is true; an admin key sets the bytes.
/// </summary>
public static class BareEndpoint
{
    private static byte[] _bytes = [];

    public static void Map(WebApplication app)
    {
        app.MapPut("/_bench/bytes", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            _bytes = buffer.ToArray();
            return Results.NoContent();
        }).RequireAuthorization(Policies.Admin).ExcludeFromDescription();
        app.MapGet("/_bench/bytes", () => Results.Bytes(_bytes, "application/json")).ExcludeFromDescription();
    }
}
