using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace DealLedger.Api.Auth;

/// <summary>One configured key (<c>Auth:ApiKeys</c>): its name is recorded on every event written with it.</summary>
public sealed class ApiKey
{
    public string Name { get; set; } = "";
    public string Key { get; set; } = "";

    /// <summary>An admin key may also operate the read models (<c>/admin/...</c>).</summary>
    public bool Admin { get; set; }
}

public sealed class AuthOptions
{
    public List<ApiKey> ApiKeys { get; set; } = [];

    /// <summary>When true, reads need a key too; by default they are open.</summary>
    public bool RequireKeyForReads { get; set; }
}

/// <summary>ASP.NET Core authentication by the <c>X-Api-Key</c> header; a missing or wrong key is a 401 ProblemDetails.</summary>
public sealed class ApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<AuthOptions> auth)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values) || string.IsNullOrEmpty(values.ToString()))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(values.ToString()));
        var match = auth.CurrentValue.ApiKeys.FirstOrDefault(k =>
            k.Key.Length > 0 && CryptographicOperations.FixedTimeEquals(presented, SHA256.HashData(Encoding.UTF8.GetBytes(k.Key))));
        if (match is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        }

        Claim[] claims = match.Admin
            ? [new Claim(ClaimTypes.Name, match.Name), new Claim(ClaimTypes.Role, Policies.Admin)]
            : [new Claim(ClaimTypes.Name, match.Name)];
        var identity = new ClaimsIdentity(claims, SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        await Problems.Status(StatusCodes.Status403Forbidden, "Admin key required",
            $"The key '{Context.User.Identity?.Name}' may record facts but not operate read models; use an admin key.").ExecuteAsync(Context);

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var presented = Request.Headers.ContainsKey(Header);
        await Problems.Status(StatusCodes.Status401Unauthorized, "API key required",
                presented ? $"The {Header} header does not hold a valid key." : $"Writes need an API key in the {Header} header.")
            .ExecuteAsync(Context);
    }
}
