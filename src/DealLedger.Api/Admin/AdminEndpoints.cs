using DealLedger.Projections;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace DealLedger.Api.Admin;

/// <summary>Operating the read models: status, rebuilds with progress, cancellation. Admin keys only.</summary>
public static class AdminEndpoints
{
    [WolverineGet("/admin/projections", OperationId = "GetReadModelStatus")]
    [Authorize(Policy = Policies.Admin)]
    [Tags("Admin")]
    [ProducesResponseType<IReadOnlyList<ReadModelState>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    public static async Task<IResult> Status(ReadModelMonitor monitor, RebuildCoordinator rebuilds, CancellationToken ct) =>
        Results.Ok(await monitor.StatusAsync(rebuilds.Of, ct));

    /// <summary>Starts rebuilding a read model from the whole log; 409 while one is already running for it.</summary>
    [WolverinePost("/admin/projections/{name}/rebuild", OperationId = "RebuildReadModel")]
    [Authorize(Policy = Policies.Admin)]
    [Tags("Admin")]
    [ProducesResponseType<RebuildJob>(StatusCodes.Status202Accepted)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static async Task<IResult> Rebuild(string name, HttpContext context, RebuildCoordinator rebuilds, CancellationToken ct)
    {
        if (ReadModels.All.FirstOrDefault(m => m.Name == name) is not { } model)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "Unknown read model",
                $"No read model '{name}'; known: {string.Join(", ", ReadModels.All.Select(m => m.Name))}.");
        }

        if (model.Lifecycle == JasperFx.Events.Projections.ProjectionLifecycle.Inline)
        {
            // Rebuilding an inline read model while the API takes writes would race them (the fact index is the
            // idempotency key): those are rebuilt with the CLI while the API is stopped.
            return Problems.Status(StatusCodes.Status409Conflict, "Inline read model",
                $"'{name}' is written with every fact; rebuild it with `read-models rebuild {name}` while the API is stopped.");
        }

        var (job, started) = await rebuilds.StartAsync(model.Name, context.User.Identity?.Name, ct);
        return started
            ? Results.Accepted($"/admin/rebuilds/{job.Id}", job)
            : Problems.Status(StatusCodes.Status409Conflict, "Rebuild already running",
                $"'{name}' is already being rebuilt (/admin/rebuilds/{job.Id}); wait for it or cancel it.",
                new Dictionary<string, object?> { ["rebuild"] = $"/admin/rebuilds/{job.Id}" });
    }

    [WolverineGet("/admin/rebuilds/{id}", OperationId = "GetRebuild")]
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

    /// <summary>Cancels a running rebuild; the read model's live shard resumes from where it stands.</summary>
    [WolverineDelete("/admin/rebuilds/{id}", OperationId = "CancelRebuild")]
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
}
