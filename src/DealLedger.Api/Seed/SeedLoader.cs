using DealLedger.Api.Facts;
using Marten;

namespace DealLedger.Api.Seed;

public sealed class SeedOptions
{
    /// <summary>Load the seed dataset at start-up (on in Development). Loading is idempotent.</summary>
    public bool Enabled { get; set; }

    public string File { get; set; } = Path.Combine(AppContext.BaseDirectory, "Seed", "seed-article.ndjson");
}

/// <summary>
/// Loads the seed article's facts into the ledger at start-up, through the same import path users have, so
/// a fresh development database answers at once. Facts already present are left alone.
/// </summary>
public sealed class SeedLoader(IDocumentStore store, Microsoft.Extensions.Options.IOptions<SeedOptions> options, TimeProvider clock,
    ILogger<SeedLoader> logger) : IHostedService
{
    public const string Recorder = "seed";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var path = options.Value.File;
        var (facts, errors) = ImportFactsEndpoint.Parse(await File.ReadAllBytesAsync(path, cancellationToken), Domain.Facts.FactParser.LatestReportedOn(clock.GetUtcNow()));
        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"The seed file {path} has invalid lines: " +
                string.Join("; ", errors.Select(e => $"line {e.Line}: {string.Join(", ", e.Errors.Select(x => $"{x.Field} {x.Message}"))}")));
        }

        await using var session = store.LightweightSession();
        session.LastModifiedBy = Recorder;
        session.CorrelationId = "seed:" + Path.GetFileName(path);
        var (summary, lineErrors, conflict, _) = await FactLedger.ImportAsync(session, facts, cancellationToken);
        if (summary is null)
        {
            throw new InvalidOperationException($"The seed file {path} could not be loaded: {conflict ?? string.Join("; ",
                lineErrors.Select(e => $"line {e.Line}: {string.Join(", ", e.Errors.Select(x => $"{x.Field} {x.Message}"))}"))}");
        }

        logger.LogInformation("Seed {File}: {Recorded} facts recorded, {Present} already present", Path.GetFileName(path),
            summary.Recorded, summary.AlreadyPresent);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
