namespace DealLedger.Api.Explorer;

/// <summary>
/// Blazor's <c>NavigationManager.NavigateTo</c> answers a form post with an absolute <c>Location</c> built from the
/// request's Host header; a redirect to this same host is sent as a path instead, so no Host a client sends can
/// become the address a browser is sent to.
/// </summary>
public static class RelativeRedirects
{
    public static IApplicationBuilder UseRelativeRedirects(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var response = context.Response;
                if (response.StatusCode is >= 300 and < 400
                    && Uri.TryCreate(response.Headers.Location.ToString(), UriKind.Absolute, out var target)
                    && (target.Scheme == Uri.UriSchemeHttp || target.Scheme == Uri.UriSchemeHttps)
                    && string.Equals(target.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase))
                {
                    response.Headers.Location = target.GetComponents(UriComponents.PathAndQuery | UriComponents.Fragment, UriFormat.UriEscaped);
                }

                return Task.CompletedTask;
            });
            await next(context);
        });
}
