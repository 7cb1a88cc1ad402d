using DealLedger.Api.Limits;
using Microsoft.AspNetCore.Diagnostics;

namespace DealLedger.Api;

/// <summary>
/// Last line of defence: a concurrency conflict anywhere is a 409, a rejected request a 4xx, and a database that is
/// busy or down a 503 with <c>Retry-After</c>, never a 500. Endpoints handle their expected sad paths themselves;
/// this catches what escapes them.
/// </summary>
public sealed class ErrorHandling(IProblemDetailsService problems, DatabaseOptions database, ILogger<ErrorHandling> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = exception switch
        {
            _ when Facts.FactLedger.IsWriteCollision(exception) => (StatusCodes.Status409Conflict, "Conflict"),
            BadHttpRequestException bad => (bad.StatusCode, "Bad request"),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => (499, "Client closed request"),
            _ when DatabaseFailures.IsUnavailable(exception) => (StatusCodes.Status503ServiceUnavailable, "Database busy or unavailable"),
            _ when DatabaseFailures.IsBadInput(exception) => (StatusCodes.Status400BadRequest, "Bad request"),
            _ => (StatusCodes.Status500InternalServerError, "Unexpected error"),
        };
        if (status == StatusCodes.Status500InternalServerError)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        }

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            logger.LogWarning("{Method} {Path} answered 503: {Reason}", httpContext.Request.Method, httpContext.Request.Path, exception.Message);
            httpContext.Response.Headers.RetryAfter = database.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = status,
                Title = title,
                Detail = status switch
                {
                    StatusCodes.Status500InternalServerError => "See the server log for this request's correlation id.",
                    StatusCodes.Status503ServiceUnavailable => $"The database cannot take this request now; retry after {database.RetryAfterSeconds} s.",
                    _ when DatabaseFailures.IsBadInput(exception) => "A value in the request holds characters the ledger cannot store (such as NUL).",
                    _ => exception.Message,
                },
            },
        });
    }
}
