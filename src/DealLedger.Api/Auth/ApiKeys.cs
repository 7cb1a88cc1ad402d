using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace DealLedger.Api.Auth;

/// <summary>
/// One configured key (<c>Auth:ApiKeys</c>): its name is recorded on every event written with it. The secret is
/// given either as <see cref="Key"/> or, so configuration never holds it, as <see cref="KeyHash"/>.
/// </summary>
public sealed class ApiKey
{
    public string Name { get; set; } = "";
    public string Key { get; set; } = "";

    /// <summary>The SHA-256 of the key's UTF-8 bytes as 64 hex digits (<c>printf %s KEY | sha256sum</c>).</summary>
    public string KeyHash { get; set; } = "";

    /// <summary>An admin key may also operate the read models (<c>/admin/...</c>).</summary>
    public bool Admin { get; set; }

    /// <summary>The SHA-256 presented keys are compared with; null when the entry is unusable.</summary>
    public byte[]? Hash()
    {
        if (Key.Length > 0)
        {
            return KeyHash.Length > 0 ? null : SHA256.HashData(Encoding.UTF8.GetBytes(Key));
        }

        if (KeyHash.Length != 64)
        {
            return null;
        }

        try
        {
            return Convert.FromHexString(KeyHash);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

public sealed class AuthOptions
{
    public List<ApiKey> ApiKeys { get; set; } = [];

    /// <summary>Why configured keys cannot be used (no name; neither or both of Key and KeyHash; a hash that is not 64 hex digits).</summary>
    public IReadOnlyList<string> Problems() =>
        ApiKeys.Select((k, i) => (k, i))
            .Where(x => x.k.Name.Length == 0 || x.k.Hash() is null)
            .Select(x => $"Auth:ApiKeys:{x.i}")
            .ToList();

    /// <summary>When true, reads need a key too; by default they are open.</summary>
    public bool RequireKeyForReads { get; set; }

    /// <summary>
    /// The configured key a caller presented, or null: compared by SHA-256 in constant time, so neither the
    /// configured secrets nor the time taken say how much of a guess was right. The X-Api-Key header and the
    /// explorer's sign-in form both check keys here.
    /// </summary>
    public ApiKey? Match(string presented)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        return ApiKeys.FirstOrDefault(k => k.Hash() is { } known && CryptographicOperations.FixedTimeEquals(hash, known));
    }
}

/// <summary>ASP.NET Core authentication by the <c>X-Api-Key</c> header; a missing or wrong key is a 401 ProblemDetails.</summary>
public sealed class ApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<AuthOptions> auth,
    KeyGuesses guesses)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";
    private const string BlockedItem = "dealledger.wrong-keys-blocked";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values) || string.IsNullOrEmpty(values.ToString()))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        // The right key is accepted even from an address locked out for wrong ones: with keys of 128 bits and more
        // (enforced outside Development) the lockout protects nothing a guesser could reach, and refusing every key
        // would lock out every client behind the same NAT or proxy address.
        var match = auth.CurrentValue.Match(values.ToString());
        if (match is null)
        {
            if (guesses.Blocked(Context) is { } seconds)
            {
                Context.Items[BlockedItem] = seconds;
                return Task.FromResult(AuthenticateResult.Fail("Too many wrong keys from this address."));
            }

            guesses.Wrong(Context);
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
        if (Context.Items[BlockedItem] is int seconds)
        {
            await Problems.Status(StatusCodes.Status429TooManyRequests, "Too many wrong keys", KeyGuesses.Refuse(Context, seconds)).ExecuteAsync(Context);
            return;
        }

        var presented = Request.Headers.ContainsKey(Header);
        await Problems.Status(StatusCodes.Status401Unauthorized, "API key required",
                presented ? $"The {Header} header does not hold a valid key." : $"Writes need an API key in the {Header} header.")
            .ExecuteAsync(Context);
    }
}
