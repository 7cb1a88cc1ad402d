using DealLedger.Projections;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace DealLedger.Api.Admin;

/// <summary>Operating the read models: status, rebuilds with progress, cancellation. Admin keys only.</summary>
public static class AdminEndpoints
{
    /// <summary>
    /// Every read model with its version, lifecycle (inline or async), position against the log's high-water mark, lag,
    /// state and last error, and any new version being built beside the serving one.
    /// </summary>
    [WolverineGet("/admin/projections", OperationId = "GetReadModelStatus")]
    [EndpointSummary("List read models with their status")]
    [Authorize(Policy = Policies.Admin)]
    [Tags("Admin")]
    [ProducesResponseType<IReadOnlyList<ReadModelState>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    public static async Task<IResult> Status(ReadModelMonitor monitor, RebuildCoordinator rebuilds, CancellationToken ct) =>
        Results.Ok(await monitor.StatusAsync(rebuilds.Of, ct));

    /// <summary>
    /// Starts rebuilding a read model from the whole log; 409 while one is already running for it (on any node or in
    /// the CLI), and on a node whose daemon does not run it.
    /// </summary>
    [WolverinePost("/admin/projections/{name}/rebuild", OperationId = "RebuildReadModel")]
    [EndpointSummary("Rebuild a read model")]
    [Authorize(Policy = Policies.Admin)]
    [Tags("Admin")]
    [ProducesResponseType<RebuildJob>(StatusCodes.Status202Accepted)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static async Task<IResult> Rebuild(string name, HttpContext context, ReadModelCatalog catalog, RebuildCoordinator rebuilds, CancellationToken ct)
    {
        if (catalog.Find(name) is not { } model)
        {
            return UnknownReadModel(name, catalog);
        }

        if (model.Lifecycle == JasperFx.Events.Projections.ProjectionLifecycle.Inline)
        {
            // Rebuilding an inline read model while the API takes writes would race them (the fact index is the
            // idempotency key): those are rebuilt with the CLI while the API is stopped.
            return Problems.Status(StatusCodes.Status409Conflict, "Inline read model",
                $"'{name}' is written with every fact; rebuild it with `projections rebuild {name}` while the API is stopped.");
        }

        var start = await rebuilds.StartAsync(model.Name, context.User.Identity?.Name, ct);
        return start switch
        {
            { Refusal: null, Job: { } job } => Results.Accepted($"/admin/rebuilds/{job.Id}", job),
            { Job: { } running } => Problems.Status(StatusCodes.Status409Conflict, "Rebuild already running", start.Refusal!,
                new Dictionary<string, object?> { ["rebuild"] = $"/admin/rebuilds/{running.Id}" }),
            { Elsewhere: true } => Problems.Status(StatusCodes.Status409Conflict, "Rebuild running elsewhere", start.Refusal!),
            _ => Problems.Status(StatusCodes.Status409Conflict, "Rebuild not possible on this node", start.Refusal!),
        };
    }

    /// <summary>A rebuild's progress: events done and total, rate, state, and its error if it failed.</summary>
    [WolverineGet("/admin/rebuilds/{id}", OperationId = "GetRebuild")]
    [EndpointSummary("Get a rebuild's progress")]
    [Authorize(Policy = Policies.Admin)]
    [Tags("Admin")]
    [ProducesResponseType<RebuildJob>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Get(Guid id, RebuildCoordinator rebuilds, CancellationToken ct)
    {
        if (rebuilds.Find(id) is not { } job)
        {
            return Problems.NotFound("rebuild", id.ToString());
        }

        await rebuilds.RefreshAsync(job, ct);
        return Results.Ok(job);
    }

    /// <summary>Cancels a running rebuild; the read model keeps the documents it served, and its live shard runs on.</summary>
    [WolverineDelete("/admin/rebuilds/{id}", OperationId = "CancelRebuild")]
    [EndpointSummary("Cancel a rebuild")]
    [Authorize(Policy = Policies.Admin)]
    [Tags("Admin")]
    [ProducesResponseType<RebuildJob>(StatusCodes.Status202Accepted)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static IResult Cancel(Guid id, RebuildCoordinator rebuilds) =>
        rebuilds.Find(id) switch
        {
            null => Problems.NotFound("rebuild", id.ToString()),
            var job when rebuilds.Cancel(job) => Results.Accepted($"/admin/rebuilds/{job.Id}", job),
            var job => Problems.Status(StatusCodes.Status409Conflict, "Rebuild not running", $"The rebuild has already {job.Outcome}."),
        };

    /// <summary>
    /// Compares the version serving reads with the new version built beside it: positions, document counts and a
    /// per-document content hash, with the differing documents listed by id.
    /// </summary>
    [WolverineGet("/admin/projections/{name}/parity", OperationId = "CheckReadModelParity")]
    [EndpointSummary("Compare a new read-model version with the serving one")]
    [Authorize(Policy = Policies.Admin)]
    [Tags("Admin")]
    [ProducesResponseType<ParityReport>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static async Task<IResult> Parity(string name, ReadModelCatalog catalog, ReadModelVersions versions, CancellationToken ct)
    {
        if (catalog.Find(name) is not { } model)
        {
            return UnknownReadModel(name, catalog);
        }

        return versions.ServingOf(model) == model.Version
            ? NothingToSwitch(model)
            : Results.Ok(await versions.ParityAsync(model, ct));
    }

    /// <summary>
    /// Makes the new version serve reads: only when the parity check is clean, unless <c>force=true</c>. A refused
    /// switch is a 409 carrying the parity report.
    /// </summary>
    [WolverinePost("/admin/projections/{name}/switch", OperationId = "SwitchReadModelVersion")]
    [EndpointSummary("Switch reads to a new read-model version")]
    [Authorize(Policy = Policies.Admin)]
    [Tags("Admin")]
    [ProducesResponseType<ParityReport>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static async Task<IResult> Switch(string name, bool? force, HttpContext context, ReadModelCatalog catalog, ReadModelVersions versions,
        CancellationToken ct)
    {
        if (catalog.Find(name) is not { } model)
        {
            return UnknownReadModel(name, catalog);
        }

        if (versions.ServingOf(model) == model.Version)
        {
            return NothingToSwitch(model);
        }

        var (switched, report) = await versions.SwitchAsync(model, force ?? false, context.User.Identity?.Name, ct);
        return switched
            ? Results.Ok(report)
            : Problems.Status(StatusCodes.Status409Conflict, "Versions differ",
                $"v{report.New.Version} of '{name}' does not match v{report.Serving.Version} yet " +
                $"(positions {report.New.Position} and {report.Serving.Position}, {report.Differing} documents differ); " +
                "wait until it has caught up, or switch with force=true if the differences are intended.",
                new Dictionary<string, object?> { ["parity"] = report });
    }

    private static ProblemHttpResult UnknownReadModel(string name, ReadModelCatalog catalog) =>
        Problems.Status(StatusCodes.Status404NotFound, "Unknown read model",
            $"No read model '{name}'; known: {string.Join(", ", catalog.Models.Select(m => m.Name))}.");

    private static ProblemHttpResult NothingToSwitch(ReadModel model) =>
        Problems.Status(StatusCodes.Status409Conflict, "No new version",
            $"'{model.Name}' serves its current version (v{model.Version}); bump its version in the catalogue to build a new one beside it.");
}
