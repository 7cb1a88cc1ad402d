using System.Globalization;
using DealLedger.Api.Reads;
using DealLedger.Domain.Facts;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace DealLedger.Api.Facts;

/// <summary>A <c>POST /facts</c> request, read and parsed: the fact, and the subject version its If-Match header names.</summary>
public sealed record FactRequest(ParsedFact Fact, long? IfMatch);

public static class RecordFactEndpoint
{
    /// <summary>
    /// Reads the request before the ledger is touched: the If-Match header, a body within the limit, JSON, a valid fact.
    /// The first problem is the answer (400, 413 or 422) and nothing else runs.
    /// </summary>
    public static async Task<(FactRequest?, IResult?)> LoadAsync(HttpContext context, TimeProvider clock, CancellationToken ct)
    {
        var (ifMatch, preconditionProblem) = ParseIfMatch(context.Request.Headers.IfMatch.ToString());
        if (preconditionProblem is not null)
        {
            return (null, preconditionProblem);
        }

        var (body, tooLarge) = await RequestBody.ReadAsync(context, RequestBody.FactLimit, ct);
        if (tooLarge is not null)
        {
            return (null, tooLarge);
        }

        var (json, malformed) = RequestBody.ParseJson(body!);
        if (malformed is not null)
        {
            return (null, malformed);
        }

        var (fact, errors) = FactParser.Parse(json!.Value, FactParser.LatestReportedOn(clock.GetUtcNow()));
        return fact is null ? (null, Problems.Fields(errors)) : (new FactRequest(fact, ifMatch), null);
    }

    /// <summary>Records one fact.</summary>
    [WolverinePost("/facts", OperationId = "RecordFact")]
    [EndpointSummary("Record a fact")]
    [Authorize(Policy = Policies.Write)]
    [Tags("Facts")]
    [Consumes(typeof(FactEnvelope), "application/json")]
    [ProducesResponseType<RecordedFact>(StatusCodes.Status201Created)]
    [ProducesResponseType<RecordedFact>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status412PreconditionFailed, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    public static async Task<Results<Created<RecordedFact>, Ok<RecordedFact>, ProblemHttpResult>> Post([NotBody] FactRequest request,
        HttpContext context, IDocumentSession session, LedgerNotifications notifications, CancellationToken ct)
    {
        Recorder.Stamp(session, context);
        return await FactLedger.RecordAsync(session, request.Fact, request.IfMatch, ct) switch
        {
            RecordOutcome.Recorded r => Created(context, r.Fact, r.Stream, Told(notifications, [r.Fact.Subject], r.Position)),
            RecordOutcome.Duplicate d => Resent(context, d.Fact, await FactLedger.PositionAsync(session, [], ct)),
            RecordOutcome.Invalid i => Problems.Fields(i.Errors),
            RecordOutcome.Stale s => Stale(context, s.CurrentVersion, request.IfMatch!.Value),
            RecordOutcome.Conflict c => Problems.Status(StatusCodes.Status409Conflict, "Conflict", c.Detail),
            var outcome => throw new InvalidOperationException($"unhandled outcome {outcome}"),
        };
    }

    /// <summary>Tells this node's readers of its own write before it is answered (see <see cref="LedgerNotifications.Appended"/>).</summary>
    public static long Told(LedgerNotifications notifications, IReadOnlyList<string> streams, long position)
    {
        notifications.Appended(streams, position);
        return position;
    }

    private static Ok<RecordedFact> Resent(HttpContext context, RecordedFact fact, long position)
    {
        Reads.ReadPosition.Set(context, position);
        return TypedResults.Ok(fact);
    }

    private static Created<RecordedFact> Created(HttpContext context, RecordedFact fact, StreamKind stream, long position)
    {
        context.Response.Headers.ETag = Etag.Of(fact.Version);
        Reads.ReadPosition.Set(context, position);
        var location = stream switch
        {
            StreamKind.Deal => $"/deals/{fact.Subject}",
            StreamKind.Estimate => $"/estimates/{fact.Subject}",
            _ => $"/parties/{fact.Subject}",
        };
        return TypedResults.Created(location, fact);
    }

    private static ProblemHttpResult Stale(HttpContext context, long current, long expected)
    {
        context.Response.Headers.ETag = Etag.Of(current);
        return Problems.Status(StatusCodes.Status412PreconditionFailed, "Precondition Failed",
            $"If-Match named version {expected}, but the subject is at version {current}; read it again and retry.",
            new Dictionary<string, object?> { ["currentVersion"] = current });
    }

    private static (long? Version, IResult? Problem) ParseIfMatch(string header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return (null, null);
        }

        var text = header.Trim();
        if (text.StartsWith("W/", StringComparison.Ordinal))
        {
            text = text[2..];
        }

        text = text.Trim('"');
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? (version, null)
            : (null, Problems.Fields([new FieldError("If-Match", $"'{header}' is not a stream version ETag such as \"3\"")],
                StatusCodes.Status400BadRequest, "Invalid If-Match header"));
    }
}

/// <summary>Stream versions as ETags: <c>"3"</c>.</summary>
public static class Etag
{
    public static string Of(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";
}

/// <summary>Stamps who records and under which correlation id on the session, so Marten stores both on every event.</summary>
public static class Recorder
{
    public static void Stamp(IDocumentSession session, HttpContext context)
    {
        session.LastModifiedBy = context.User.Identity?.Name;
        session.CorrelationId = Correlation.Of(context);
    }
}
