using DealLedger.Api.Auth;
using Microsoft.AspNetCore.Cors.Infrastructure;

namespace DealLedger.Api.Hosting;

/// <summary>
/// The settings that differ between a developer's machine and a deployment; each defaults to the safe choice
/// outside Development (docs/operations.md, "Production posture").
/// </summary>
/// <param name="ApplySchema">The API creates and updates its own tables (<c>Database:ApplySchema</c>); off, <c>db-apply</c> does.</param>
/// <param name="DocsEnabled">The API reference and the OpenAPI document are served (<c>Docs:Enabled</c>).</param>
/// <param name="AllowedOrigins">Browser origins allowed to call the API (<c>Cors:AllowedOrigins</c>); none by default.</param>
public sealed record Posture(bool ApplySchema, bool DocsEnabled, IReadOnlyList<string> AllowedOrigins)
{
    public static Posture From(IConfiguration configuration, IHostEnvironment environment) => new(
        configuration.GetValue<bool?>("Database:ApplySchema") ?? environment.IsDevelopment(),
        configuration.GetValue<bool?>("Docs:Enabled") ?? environment.IsDevelopment(),
        configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? []);

    /// <summary>
    /// The one CORS policy. Keys travel in a header, never in cookies, so credentials stay off; preflights are
    /// answered (204) for every origin, with the allowing headers only for the configured ones.
    /// </summary>
    public void CorsPolicy(CorsPolicyBuilder policy) =>
        policy.WithOrigins([.. AllowedOrigins])
            .WithMethods("GET", "POST", "DELETE")
            .WithHeaders("Content-Type", "Accept", ApiKeyHandler.Header, "If-Match", Correlation.Header, Reads.ReadPosition.MinimumHeader)
            .WithExposedHeaders("ETag", "Location", Correlation.Header, Correlation.ReplacedHeader, Reads.ReadPosition.Header)
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
}
