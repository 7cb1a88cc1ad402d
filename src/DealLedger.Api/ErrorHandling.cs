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
        var tooLong = DatabaseFailures.IsStatementTimeout(exception);
        var (status, title) = exception switch
        {
            _ when Facts.FactLedger.IsWriteCollision(exception) => (StatusCodes.Status409Conflict, "Conflict"),
            BadHttpRequestException bad => (bad.StatusCode, "Bad request"),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => (499, "Client closed request"),
            _ when tooLong => (StatusCodes.Status503ServiceUnavailable, "Query ran too long"),
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
            if (!tooLong)
            {
                // The same query would be stopped again: no Retry-After invites a retry loop.
                httpContext.Response.Headers.RetryAfter = database.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
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
                Type = tooLong ? Problems.QueryTooLongType : null,
                Detail = status switch
                {
                    StatusCodes.Status500InternalServerError => "See the server log for this request's correlation id.",
                    _ when tooLong => "The database stopped this query at its statement time limit; the same query will be stopped again. " +
                        "Narrow it: a shorter period, a lower limit, or more filters.",
                    StatusCodes.Status503ServiceUnavailable when DatabaseFailures.IsSchemaMissing(exception) =>
                        $"The ledger's database or schema is missing here (renamed, dropped or not applied yet); retry after {database.RetryAfterSeconds} s.",
                    StatusCodes.Status503ServiceUnavailable => $"The database cannot take this request now; retry after {database.RetryAfterSeconds} s.",
                    _ when DatabaseFailures.IsBadInput(exception) => "A value in the request holds characters the ledger cannot store (such as NUL).",
                    _ => exception.Message,
                },
            },
        });
    }
}
