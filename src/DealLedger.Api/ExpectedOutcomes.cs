using Microsoft.AspNetCore.Http.Features;

namespace DealLedger.Api;

/// <summary>
/// A refused request (4xx: a lost race, a stale If-Match, an invalid fact, an unknown slug) is an answer, not a
/// fault: it is logged as one Information line with the problem's title, never as an error with a stack trace.
/// </summary>
public static class ExpectedOutcomes
{
    public const string Category = "DealLedger.Api.Outcomes";
    private const string TitleKey = "DealLedger.ProblemTitle";

    /// <summary>Keeps each problem's title for the log line.</summary>
    public static void Configure(ProblemDetailsOptions options) =>
        options.CustomizeProblemDetails = context => context.HttpContext.Items[TitleKey] = context.ProblemDetails.Title;

    public static IApplicationBuilder UseExpectedOutcomeLogging(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        return app.Use(async (context, next) =>
        {
            await next(context);
            var status = context.Response.StatusCode;
            if (status is >= 400 and < 500 && logger.IsEnabled(LogLevel.Information))
            {
                var title = context.Items[TitleKey] as string ?? context.Features.Get<IHttpResponseFeature>()?.ReasonPhrase ?? "";
                logger.LogInformation("{Method} {Path} answered {Status} {Title}", context.Request.Method, OneLine(context.Request.Path.Value),
                    status, OneLine(title));
            }
        });
    }

    private static string OneLine(string? text) => (text ?? "").ReplaceLineEndings(" ");
}
