namespace DealLedger.Api;

/// <summary>Authorization policy names.</summary>
public static class Policies
{
    public const string Write = "write";
    public const string Read = "read";
    public const string Admin = "admin";
}

/// <summary>
/// The request's correlation id: the caller's <c>X-Correlation-Id</c> when it sends one, else the request's
/// trace id. Echoed on the response and stored on every event the request records.
/// </summary>
public static class Correlation
{
    public const string Header = "X-Correlation-Id";

    public static string Of(HttpContext context)
    {
        if (context.Items[Header] is string known)
        {
            return known;
        }

        var incoming = context.Request.Headers[Header].ToString();
        var id = incoming.Length is > 0 and <= 200 ? incoming : System.Diagnostics.Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        context.Items[Header] = id;
        return id;
    }

    public static IApplicationBuilder UseCorrelationIds(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            context.Response.Headers[Header] = Of(context);
            await next(context);
        });
}
