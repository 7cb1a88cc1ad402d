using System.Globalization;
using DealLedger.Api.Temporal;

namespace DealLedger.Api.Reads;

/// <summary>
/// Read-your-writes by log position. Every write answers <c>Ledger-Position</c>: the log position it reached. Every
/// read answers <c>Ledger-Position</c>: its basis' position. A read may name a minimum (<c>Ledger-Min-Position</c>
/// header or <c>minPosition</c> query; distinct from <c>position</c>, which pins a read in time): when this node has
/// not been told of that position yet, the read waits for it at most <c>Reads:MinPositionWaitMilliseconds</c>, then
/// reads through to the database, so it never answers older than the position and never hangs.
/// </summary>
public static class ReadPosition
{
    public const string Header = "Ledger-Position";
    public const string MinimumHeader = "Ledger-Min-Position";
    public const string MinimumQuery = "minPosition";

    /// <summary>The minimum a request named, and whether memory may answer it (false: read through to the database).</summary>
    public sealed record Minimum(long Position, bool FromMemory);

    /// <summary>Whether this request may be answered from memory (no minimum, or one this node has been told of).</summary>
    public static bool FromMemory(HttpContext context) => context.Features.Get<Minimum>() is not { FromMemory: false };

    /// <summary>A valid <c>position</c> pin: a read pinned there needs the log up to it just as a minimum position does.</summary>
    public static long? Pin(HttpRequest request) =>
        long.TryParse(request.Query["position"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;

    public static void Set(HttpContext context, long position) =>
        context.Response.Headers[Header] = position.ToString(CultureInfo.InvariantCulture);

    /// <summary>A read's answer with its basis' position in <c>Ledger-Position</c>.</summary>
    public static IResult Answer(IResult answer, Basis basis) => new Positioned(answer, basis.Position);

    /// <summary>Parses and waits for a request's minimum position (reads only); a bad one is a 400 and nothing runs.</summary>
    public static IApplicationBuilder UseReadPositions(this IApplicationBuilder app)
    {
        var notifications = app.ApplicationServices.GetRequiredService<LedgerNotifications>();
        var wait = TimeSpan.FromMilliseconds(app.ApplicationServices.GetRequiredService<IConfiguration>()
            .GetValue("Reads:MinPositionWaitMilliseconds", 500));
        return app.Use(async (context, next) =>
        {
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
            {
                await next(context);
                return;
            }

            var (minimum, problem) = Parse(context);
            if (problem is not null)
            {
                await problem.ExecuteAsync(context);
                return;
            }

            if (minimum is { } position)
            {
                var told = await notifications.WaitForAsync(position, wait, context.RequestAborted);
                context.Features.Set(new Minimum(position, told));
            }

            await next(context);
        });
    }

    private static (long? Minimum, IResult? Problem) Parse(HttpContext context)
    {
        long? minimum = null;
        foreach (var (name, text) in new[]
                 {
                     (MinimumHeader, context.Request.Headers[MinimumHeader].ToString()),
                     (MinimumQuery, context.Request.Query[MinimumQuery].ToString()),
                 })
        {
            if (text.Length == 0)
            {
                continue;
            }

            if (!long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return (null, Problems.BadQuery(name,
                    $"'{text}' is not a log position (a whole number from an earlier answer's {Header} header)"));
            }

            minimum = Math.Max(minimum ?? 0, value);
        }

        return (minimum, null);
    }

    private sealed class Positioned(IResult answer, long position) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            Set(httpContext, position);
            return answer.ExecuteAsync(httpContext);
        }
    }
}
