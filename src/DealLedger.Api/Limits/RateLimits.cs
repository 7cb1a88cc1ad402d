using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace DealLedger.Api.Limits;

/// <summary>Requests a client may send in a window; 0 or less turns the limit off.</summary>
public sealed class WindowLimit
{
    public int PermitLimit { get; set; }
    public int WindowSeconds { get; set; } = 10;
}

/// <summary>Requests of one kind served at once across the process, and how many more may wait for a turn.</summary>
public sealed class ConcurrencyLimit
{
    public int PermitLimit { get; set; }
    public int QueueLimit { get; set; }
}

/// <summary>The request limits (<c>RateLimits:*</c>); defaults and reasons in docs/operations.md.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Per valid API key (partitioned by the key's name).</summary>
    public WindowLimit PerKey { get; set; } = new() { PermitLimit = 1200 };

    /// <summary>Per client address, for requests without a valid key (a wrong key counts here).</summary>
    public WindowLimit PerAddress { get; set; } = new() { PermitLimit = 300 };

    /// <summary>Wrong API keys per client address (header or sign-in form); past it every key from there is refused until the window ends.</summary>
    public WindowLimit WrongKeys { get; set; } = new() { PermitLimit = 20, WindowSeconds = 300 };

    /// <summary>Temporal reads (asOf, recordedAsOf, effectiveAt, position, a pinned cursor) and CSV/NDJSON exports.</summary>
    public ConcurrencyLimit ExpensiveReads { get; set; } = new() { PermitLimit = 4, QueueLimit = 8 };

    /// <summary><c>POST /facts/import</c>.</summary>
    public ConcurrencyLimit Imports { get; set; } = new() { PermitLimit = 2, QueueLimit = 0 };

    /// <summary>The <c>Retry-After</c> of a 503 when a concurrency limit and its queue are full.</summary>
    public int BusyRetryAfterSeconds { get; set; } = 2;
}

/// <summary>
/// ASP.NET Core's rate limiter, as one global chain: first a fixed window per client (its key, else its address:
/// answered 429 with the window's <c>Retry-After</c>), then a concurrency limit per kind of expensive request
/// (answered 503: the server is busy, not the client greedy). The client is known after authentication, so
/// <see cref="UseRequestLimits"/> goes after <c>UseAuthentication</c>.
/// </summary>
public static class RateLimits
{
    private static readonly string[] TemporalParameters = ["asOf", "recordedAsOf", "effectiveAt", "position"];

    public static IServiceCollection AddRequestLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddSingleton(new Auth.KeyGuesses(limits.WrongKeys));
        services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => PerClient(context, limits)),
                PartitionedRateLimiter.Create<HttpContext, string>(context => PerKind(context, limits)));
            options.OnRejected = (rejected, _) => RejectAsync(rejected, limits);
        });
        return services;
    }

    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) => app.UseRateLimiter();

    /// <summary>The kind of an expensive request, or null for an ordinary one.</summary>
    public static string? ExpensiveKind(HttpRequest request)
    {
        if (HttpMethods.IsPost(request.Method) && request.Path.Equals("/facts/import", StringComparison.OrdinalIgnoreCase))
        {
            return "imports";
        }

        if (!HttpMethods.IsGet(request.Method))
        {
            return null;
        }

        var query = request.Query;
        var temporal = TemporalParameters.Any(p => !string.IsNullOrEmpty(query[p]))
            || Paging.PositionOf(query["cursor"]) is not null;
        var format = query["format"].ToString();
        var accept = request.Headers.Accept.ToString();
        var export = format is "csv" or "ndjson"
            || accept.Contains(Audit.Export.Csv, StringComparison.OrdinalIgnoreCase)
            || accept.Contains(Audit.Export.NdJson, StringComparison.OrdinalIgnoreCase);
        return temporal || export ? "expensive-reads" : null;
    }

    private static RateLimitPartition<string> PerClient(HttpContext context, RateLimitOptions limits)
    {
        var (key, limit) = context.User.Identity?.IsAuthenticated == true
            ? ("key:" + context.User.FindFirstValue(ClaimTypes.Name), limits.PerKey)
            : ("address:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown"), limits.PerAddress);
        return limit.PermitLimit <= 0
            ? RateLimitPartition.GetNoLimiter("unlimited")
            : RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limit.PermitLimit,
                Window = TimeSpan.FromSeconds(Math.Max(1, limit.WindowSeconds)),
                QueueLimit = 0,
            });
    }

    private static RateLimitPartition<string> PerKind(HttpContext context, RateLimitOptions limits)
    {
        var kind = ExpensiveKind(context.Request);
        var limit = kind switch
        {
            "imports" => limits.Imports,
            "expensive-reads" => limits.ExpensiveReads,
            _ => null,
        };
        return limit is null || limit.PermitLimit <= 0
            ? RateLimitPartition.GetNoLimiter("ordinary")
            : RateLimitPartition.GetConcurrencyLimiter(kind!, _ => new ConcurrencyLimiterOptions
            {
                PermitLimit = limit.PermitLimit,
                QueueLimit = Math.Max(0, limit.QueueLimit),
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            });
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, RateLimitOptions limits)
    {
        var context = rejected.HttpContext;

        // Only a window knows when it reopens; a full concurrency limit is the server being busy.
        var windowed = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter);
        var seconds = windowed ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : Math.Max(1, limits.BusyRetryAfterSeconds);
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var problem = windowed
            ? Problems.Status(StatusCodes.Status429TooManyRequests, "Too many requests",
                $"This client has sent more requests than its limit allows; retry after {seconds} s.")
            : Problems.Status(StatusCodes.Status503ServiceUnavailable, "Server busy",
                $"Too many {(ExpensiveKind(context.Request) == "imports" ? "imports" : "temporal reads and exports")} are running; retry after {seconds} s.");
        await problem.ExecuteAsync(context);
    }
}
