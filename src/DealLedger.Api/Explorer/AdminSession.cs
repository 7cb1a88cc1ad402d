using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using DealLedger.Api.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace DealLedger.Api.Explorer;

/// <summary>
/// The explorer's admin pages are operated from a browser, which cannot send the <c>X-Api-Key</c> header: the
/// sign-in form checks an admin key once and keeps the session in a cookie of its own scheme. That scheme is never
/// the default one and only the <see cref="Policy"/> of the explorer's admin pages names it, so the cookie
/// authorizes those pages and nothing else: the JSON API (<c>/admin/...</c>, <c>POST /facts</c>), whose requests
/// carry no antiforgery token, keeps authenticating by the header alone. The cookie is also scoped to
/// <c>/explore</c>, so browsers do not even send it there.
/// </summary>
public static class AdminSession
{
    public const string Scheme = "ExplorerAdmin";
    public const string Policy = "explorer-admin";
    public const string CookieName = "dealledger-admin";
    public const string SignInPath = "/explore/sign-in";
    public const string AdminPath = "/explore/admin";

    /// <summary>How long a session lasts without a request (sliding).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>A claim naming which secret the session was opened with (a hash of its hash, never the key).</summary>
    private const string KeyClaim = "dealledger:key";

    public static AuthenticationBuilder AddExplorerAdminSession(this AuthenticationBuilder authentication)
    {
        // TLS ends at the proxy outside Development (docs/operations.md), where the API sees plain HTTP: the cookie
        // is marked Secure there whatever the request says, and only as the request says in Development.
        authentication.Services.AddOptions<CookieAuthenticationOptions>(Scheme).Configure<IHostEnvironment>((options, environment) =>
            options.Cookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always);
        return authentication.AddCookie(Scheme, options =>
        {
            options.Cookie.Name = CookieName;
            options.Cookie.Path = "/explore";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.ExpireTimeSpan = Lifetime;
            options.SlidingExpiration = true;
            options.LoginPath = SignInPath;
            options.AccessDeniedPath = SignInPath;
            options.ReturnUrlParameter = "returnUrl";
            options.Events.OnValidatePrincipal = StillValidAsync;
        });
    }

    /// <summary>Signed in with the explorer's cookie, by an admin key.</summary>
    public static void Requirement(AuthorizationPolicyBuilder policy) =>
        policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser().RequireRole(Policies.Admin);

    /// <summary>
    /// The admin key a sign-in form presented (the same SHA-256, constant-time comparison as the header), or why
    /// it cannot sign in: no key, an unknown one, or one that may record facts but not operate read models.
    /// </summary>
    public static (ApiKey? Key, string? Refusal) Check(AuthOptions auth, string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return (null, "Enter an admin key.");
        }

        return auth.Match(presented) switch
        {
            null => (null, "That key is not valid. Check it and try again."),
            { Admin: false } key => (null, $"The key '{key.Name}' may record facts but not operate read models; sign in with an admin key."),
            var key => (key, null),
        };
    }

    /// <summary>Opens the session; the answer redirects to <paramref name="returnTo"/> (a local path, see <see cref="ReturnTo"/>).</summary>
    public static Task SignInAsync(HttpContext context, ApiKey key, string returnTo)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, key.Name), new Claim(ClaimTypes.Role, Policies.Admin), new Claim(KeyClaim, Fingerprint(key))],
            Scheme);
        return context.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false, RedirectUri = returnTo });
    }

    public static Task SignOutAsync(HttpContext context) => context.SignOutAsync(Scheme);

    /// <summary>
    /// Where to go after signing in: the page asked for when it is a local path, else the admin page. Only printable
    /// ASCII is followed: a Location header holds nothing else (Kestrel refused "/。evil" with a 500), and the paths
    /// this API links to are percent-encoded already.
    /// </summary>
    public static string ReturnTo(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && RedirectHttpResult.IsLocalUrl(returnUrl)
            && returnUrl.All(c => c is > ' ' and <= '~')
            ? returnUrl
            : AdminPath;

    /// <summary>
    /// A session ends when its key is removed, loses its admin flag or is given a new secret: the cookie
    /// outlives none of these.
    /// </summary>
    private static async Task StillValidAsync(CookieValidatePrincipalContext context)
    {
        var auth = context.HttpContext.RequestServices.GetRequiredService<IOptionsMonitor<AuthOptions>>().CurrentValue;
        var name = context.Principal?.Identity?.Name;
        var print = context.Principal?.FindFirstValue(KeyClaim);
        if (!auth.ApiKeys.Any(k => k.Admin && k.Name == name && k.Hash() is not null && Fingerprint(k) == print))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }

    private static string Fingerprint(ApiKey key) => Convert.ToHexString(SHA256.HashData(key.Hash()!));

    /// <summary>A count as the admin pages write it (12,345).</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A duration in whole seconds, minutes or hours.</summary>
    public static string Duration(double seconds) => seconds switch
    {
        < 90 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0} s"),
        < 5400 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0.#} h"),
    };

    public static string Time(DateTimeOffset? time) =>
        time?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "";
}
