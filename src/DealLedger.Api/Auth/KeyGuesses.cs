using System.Globalization;
using System.Threading.RateLimiting;
using DealLedger.Api.Limits;

namespace DealLedger.Api.Auth;

/// <summary>
/// Wrong keys per client address (<c>RateLimits:WrongKeys</c>), in the header or the explorer's sign-in form. Past the
/// window's limit every wrong key from that address is answered 429 until the window ends; a right key is still
/// accepted, so one client's wrong guesses never lock out the others behind the same address. That is safe because
/// keys are long random secrets (outside Development the API refuses keys under 128 bits: <c>ProductionChecks</c>).
/// Only wrong keys count; an address that sends none is never slowed here.
/// </summary>
public sealed class KeyGuesses : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _wrongKeys;

    public KeyGuesses(WindowLimit limit)
    {
        if (limit.PermitLimit > 0)
        {
            _wrongKeys = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address,
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limit.PermitLimit,
                    Window = TimeSpan.FromSeconds(Math.Max(1, limit.WindowSeconds)),
                    QueueLimit = 0,
                }));
        }
    }

    /// <summary>Seconds until the address may present keys again, or null when it may now.</summary>
    public int? Blocked(HttpContext context)
    {
        if (_wrongKeys is null)
        {
            return null;
        }

        // Zero permits asks whether any are left without spending one.
        using var lease = _wrongKeys.AttemptAcquire(Address(context), 0);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
    }

    /// <summary>Counts a wrong key against the request's address.</summary>
    public void Wrong(HttpContext context) => _wrongKeys?.AttemptAcquire(Address(context)).Dispose();

    /// <summary>The refusal of a blocked address, in words, with <c>Retry-After</c> set on the answer.</summary>
    public static string Refuse(HttpContext context, int seconds)
    {
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return $"Too many wrong keys from this address: wrong keys are refused for {seconds} s more.";
    }

    public void Dispose() => _wrongKeys?.Dispose();

    private static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
