namespace DealLedger.Api;

/// <summary>Authorization policy names.</summary>
public static class Policies
{
    public const string Write = "write";
    public const string Read = "read";
    public const string Admin = "admin";
}

/// <summary>
/// The request's correlation id: the caller's <c>X-Correlation-Id</c> when it is a token of 1 to 200 printable ASCII
/// characters, else the request's trace id. Echoed on the response and stored on every event the request records.
/// </summary>
public static class Correlation
{
    public const string Header = "X-Correlation-Id";

    /// <summary>Set on the response when the caller's correlation id was not usable and a generated one replaced it.</summary>
    public const string ReplacedHeader = "X-Correlation-Id-Replaced";

    public const int MaxLength = 200;

    public static string Of(HttpContext context)
    {
        if (context.Items[Header] is string known)
        {
            return known;
        }

        var incoming = context.Request.Headers[Header].ToString();
        var id = IsUsable(incoming) ? incoming : System.Diagnostics.Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        context.Items[Header] = id;
        return id;
    }

    /// <summary>
    /// Response headers carry ASCII only (Kestrel refuses anything else, which was a 500 on every endpoint), and the
    /// id goes into logs and event metadata: a tracing header the API cannot use is replaced, never a reason to refuse.
    /// </summary>
    public static bool IsUsable(string incoming) =>
        incoming.Length is > 0 and <= MaxLength && incoming.All(c => c is >= ' ' and <= '~');

    public static IApplicationBuilder UseCorrelationIds(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var id = Of(context);
            context.Response.Headers[Header] = id;
            if (context.Request.Headers.TryGetValue(Header, out var sent) && !IsUsable(sent.ToString()))
            {
                context.Response.Headers[ReplacedHeader] = $"the X-Correlation-Id sent was not 1 to {MaxLength} printable ASCII characters";
            }

            await next(context);
        });
}
