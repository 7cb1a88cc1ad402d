namespace DealLedger.Api;

/// <summary>
/// Refuses control characters in any query parameter or route value (a slug, a filter, a cursor) with a 400
/// naming the parameter, in one place for every endpoint: none of them means anything with one, and PostgreSQL
/// refuses a NUL in text (22P05), which used to surface as a 500.
/// </summary>
public static class QueryGuard
{
    public static IApplicationBuilder UseQueryGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (Offending(context) is { } parameter)
        {
            await Problems.BadQuery(parameter, "must not contain control characters (such as NUL)").ExecuteAsync(context);
            return;
        }

        await next(context);
    });

    /// <summary>The first query parameter or route value holding a control character, or null.</summary>
    public static string? Offending(HttpContext context)
    {
        foreach (var (name, values) in context.Request.Query)
        {
            if (HasControl(name) || values.Any(v => v is not null && HasControl(v)))
            {
                return Printable(name);
            }
        }

        foreach (var (name, value) in context.Request.RouteValues)
        {
            if (value is string text && HasControl(text))
            {
                return name;
            }
        }

        return null;
    }

    private static bool HasControl(string text) => text.Any(char.IsControl);

    private static string Printable(string name) => new(name.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
