namespace DealLedger.Api.Hosting;

/// <summary>
/// Headers that keep browsers from sniffing, framing or leaking referrers of the API's answers. API answers
/// get a content policy that allows nothing; the reference page (<c>/docs</c>) needs its own scripts and styles.
/// </summary>
public static class SecurityHeaders
{
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    // Scalar's page is served from /docs with inline configuration, styles and data: images; it fetches the
    // OpenAPI document from this host only.
    public const string DocsPolicy = "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    // The explorer's pages (server-rendered HTML, no script): its own stylesheet and icon, forms posting back to it.
    public const string ExplorerPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; " +
        "base-uri 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            // Set when the answer starts, so answers rewritten by the exception handler (which clears headers) keep them.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/docs") ? DocsPolicy
                    : context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true ? ExplorerPolicy
                    : ApiPolicy;
                return Task.CompletedTask;
            });
            await next(context);
        });
}
