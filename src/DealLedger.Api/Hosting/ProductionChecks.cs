using System.Security.Cryptography;
using System.Text;
using DealLedger.Api.Auth;
using Microsoft.Extensions.Options;

namespace DealLedger.Api.Hosting;

/// <summary>
/// Outside Development the API refuses to serve with settings that are only safe on a developer's machine: the
/// development key (or any key a guesser could find: under 128 bits by <see cref="EstimatedBits"/>), and no
/// <c>AllowedHosts</c>. Checked when the host starts to serve, so the command line (db-apply, projections status)
/// still runs with such settings.
/// </summary>
public sealed class ProductionChecks(IHostEnvironment environment, IConfiguration configuration, IOptions<AuthOptions> auth) : IHostedService
{
    public const string DevelopmentKey = "dev-key-change-me";
    public const int MinimumBits = 128;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (environment.IsDevelopment())
        {
            return Task.CompletedTask;
        }

        var problems = Problems(auth.Value, configuration["AllowedHosts"]);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                $"The {environment.EnvironmentName} environment refuses to start: {string.Join(" ", problems)} " +
                "See docs/operations.md, \"Production posture\".");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>What makes these settings unsafe to serve with outside Development (empty when nothing does).</summary>
    public static IReadOnlyList<string> Problems(AuthOptions auth, string? allowedHosts)
    {
        var problems = new List<string>();
        var developmentHash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(DevelopmentKey)));
        foreach (var (key, index) in auth.ApiKeys.Select((k, i) => (k, i)))
        {
            if (key.Key == DevelopmentKey || string.Equals(key.KeyHash, developmentHash, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"Auth:ApiKeys:{index} ('{key.Name}') is the development key, which is published in this repository.");
            }
            else if (key.Key.Length > 0 && EstimatedBits(key.Key) < MinimumBits)
            {
                problems.Add($"Auth:ApiKeys:{index} ('{key.Name}') is too easy to guess (about {EstimatedBits(key.Key):0} bits; at least " +
                    $"{MinimumBits} needed: e.g. `openssl rand -base64 32`).");
            }
        }

        if (string.IsNullOrWhiteSpace(allowedHosts) || allowedHosts.Split(';').Any(h => h.Trim() == "*"))
        {
            problems.Add("AllowedHosts is '*': set it to the host names clients use (e.g. 'ledger.example.org;localhost'), " +
                "so a request's Host header cannot be any name.");
        }

        return problems;
    }

    /// <summary>
    /// An upper estimate of a key's entropy: its length times the bits per character of the character classes it
    /// draws from (lower case, upper case, digits, other printable ASCII, anything else), capped by the distinct
    /// characters it uses (fewer than 8 distinct characters count as nothing). `openssl rand -hex 16` or
    /// <c>-base64 16</c> keys pass; the development key, words and repeated characters fall short.
    /// </summary>
    public static double EstimatedBits(string key)
    {
        var alphabet = 0;
        if (key.Any(char.IsAsciiLetterLower))
        {
            alphabet += 26;
        }

        if (key.Any(char.IsAsciiLetterUpper))
        {
            alphabet += 26;
        }

        if (key.Any(char.IsAsciiDigit))
        {
            alphabet += 10;
        }

        if (key.Any(c => char.IsAscii(c) && !char.IsAsciiLetterOrDigit(c)))
        {
            alphabet += 33;
        }

        if (key.Any(c => !char.IsAscii(c)))
        {
            alphabet += 100;
        }

        // A key of few distinct characters ("aaaa...", "abab...") is far weaker than its alphabet says; a random key
        // of n characters shows many (a 32-digit hex key about 14 of 16, a 22-character base64 one about 19).
        var distinct = key.Distinct().Count();
        return distinct < 8 ? 0 : key.Length * Math.Log2(Math.Min(alphabet, 4 * distinct));
    }
}
