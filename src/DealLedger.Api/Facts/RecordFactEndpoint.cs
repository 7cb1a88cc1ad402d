using System.Globalization;
using DealLedger.Domain.Facts;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace DealLedger.Api.Facts;

public static class RecordFactEndpoint
{
    /// <summary>Records one fact.</summary>
    [WolverinePost("/facts", OperationId = "RecordFact")]
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
    public static async Task<IResult> Post(HttpContext context, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var (ifMatch, preconditionProblem) = ParseIfMatch(context.Request.Headers.IfMatch.ToString());
        if (preconditionProblem is not null)
        {
            return preconditionProblem;
        }

        var (body, tooLarge) = await RequestBody.ReadAsync(context, RequestBody.FactLimit, ct);
        if (tooLarge is not null)
        {
            return tooLarge;
        }

        var (json, malformed) = RequestBody.ParseJson(body!);
        if (malformed is not null)
        {
            return malformed;
        }

        var (fact, errors) = FactParser.Parse(json!.Value, FactParser.LatestReportedOn(clock.GetUtcNow()));
        if (fact is null)
        {
            return Problems.Fields(errors);
        }

        Recorder.Stamp(session, context);
        var outcome = await FactLedger.RecordAsync(session, fact, ifMatch, ct);
        return outcome switch
        {
            RecordOutcome.Recorded r => Created(context, r.Fact, r.Stream),
            RecordOutcome.Duplicate d => Results.Ok(d.Fact),
            RecordOutcome.Invalid i => Problems.Fields(i.Errors),
            RecordOutcome.Stale s => Stale(context, s.CurrentVersion, ifMatch!.Value),
            RecordOutcome.Conflict c => Problems.Status(StatusCodes.Status409Conflict, "Conflict", c.Detail),
            _ => throw new InvalidOperationException($"unhandled outcome {outcome}"),
        };
    }

    private static IResult Created(HttpContext context, RecordedFact fact, StreamKind stream)
    {
        context.Response.Headers.ETag = Etag.Of(fact.Version);
        var location = stream switch
        {
            StreamKind.Deal => $"/deals/{fact.Subject}",
            StreamKind.Estimate => $"/estimates/{fact.Subject}",
            _ => $"/parties/{fact.Subject}",
        };
        return Results.Created(location, fact);
    }

    private static IResult Stale(HttpContext context, long current, long expected)
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
