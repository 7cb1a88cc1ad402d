using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using DealLedger.Domain.Facts;
using DealLedger.Domain.Recording;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Wolverine.Http;

namespace DealLedger.Api.Facts;

/// <summary>Import limits (<c>Imports:*</c>); see docs/operations.md.</summary>
public sealed class ImportOptions
{
    public const string Section = "Imports";

    /// <summary>The largest import body accepted; a larger one is a 413 before anything is parsed.</summary>
    public long MaxBodyBytes { get; set; } = RequestBody.ImportLimit;
}

/// <summary>An import file, parsed line by line: the facts of the lines that parsed, and the errors of those that did not.</summary>
public sealed record ImportFile(IReadOnlyList<(int Line, ParsedFact Fact)> Facts, IReadOnlyList<LineErrors> Unparsed);

public static class ImportFactsEndpoint
{
    public const string NdJson = "application/x-ndjson";

    /// <summary>Bad lines listed in a 422 (<c>errorCount</c> counts them all): a report of a million bad lines is no help and costs memory.</summary>
    public const int ListedErrors = 100;

    /// <summary>Imports from this size on give their memory back to the OS when they end.</summary>
    public const int CompactAfterBytes = 1024 * 1024;

    /// <summary>
    /// Reads the file before the ledger is touched: the NDJSON media type, a body within the limit, every line parsed as
    /// it arrives (the file is never held whole, neither as bytes nor as one string). A wrong media type (415), an
    /// oversized body (413) or a file without a fact (422) is the answer and nothing else runs; bad lines are kept
    /// and reported with the ledger's findings.
    /// </summary>
    public static async Task<(ImportFile?, IResult?)> LoadAsync(HttpContext context, TimeProvider clock, IOptions<ImportOptions> options,
        CancellationToken ct)
    {
        var contentType = context.Request.ContentType ?? "";
        if (!contentType.StartsWith(NdJson, StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"Send the facts as {NdJson}: one JSON fact envelope per line."));
        }

        var limit = options.Value.MaxBodyBytes;
        if (RequestBody.Bounded(context, limit) is not { } body)
        {
            return (null, RequestBody.TooLarge(limit));
        }

        List<(int Line, ParsedFact Fact)> facts;
        List<LineErrors> errors;
        try
        {
            (facts, errors) = await ParseAsync(body, FactParser.LatestReportedOn(clock.GetUtcNow()), ct);
        }
        catch (Exception e) when (RequestBody.IsTooLarge(e))
        {
            return (null, RequestBody.TooLarge(limit));
        }

        if (body.BytesRead >= CompactAfterBytes)
        {
            // The server GC keeps the heap an import grew to long after it ends; an aggressive collection once the
            // answer is sent (the facts no longer referenced) returns part of it to the OS. Figures in docs/operations.md.
            context.Response.OnCompleted(() =>
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                return Task.CompletedTask;
            });
        }

        return errors.Count == 0 && facts.Count == 0
            ? (null, Problems.Status(StatusCodes.Status422UnprocessableEntity, "Empty import", "The file holds no fact."))
            : (new ImportFile(facts, errors), null);
    }

    /// <summary>Records an NDJSON file of facts, one envelope per line, atomically: all or nothing.</summary>
    [WolverinePost("/facts/import", OperationId = "ImportFacts")]
    [EndpointSummary("Import a file of facts")]
    [Authorize(Policy = Policies.Write)]
    [Tags("Facts")]
    [Consumes(typeof(string), NdJson)]
    [ProducesResponseType<ImportSummary>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    public static async Task<Results<Ok<ImportSummary>, ProblemHttpResult>> Post([NotBody] ImportFile file, HttpContext context,
        IDocumentSession session, Reads.LedgerNotifications notifications, CancellationToken ct)
    {
        Recorder.Stamp(session, context);
        var (summary, errors, conflict, position) = await FactLedger.ImportAsync(session, file.Facts, ct, file.Unparsed);
        if (conflict is not null)
        {
            return Problems.Status(StatusCodes.Status409Conflict, "Conflict", conflict);
        }

        if (summary is not null)
        {
            var subjects = file.Facts.Select(f => f.Fact.Subject).Distinct(StringComparer.Ordinal).ToList();
            Reads.ReadPosition.Set(context, RecordFactEndpoint.Told(notifications, subjects, position));
            return TypedResults.Ok(summary);
        }

        return Problems.Status(StatusCodes.Status422UnprocessableEntity, "The import has invalid lines",
            $"{errors.Count} line(s) cannot be recorded; nothing was written." +
                (errors.Count > ListedErrors ? $" The first {ListedErrors} are listed." : ""),
            new Dictionary<string, object?>
            {
                ["errorCount"] = errors.Count,
                ["lines"] = errors.Take(ListedErrors).Select(e => new { line = e.Line, factId = e.FactId, errors = Problems.Group(e.Errors) }).ToList(),
            });
    }

    /// <summary>Parses every line, collecting each bad line's errors by its 1-based line number.</summary>
    public static (List<(int Line, ParsedFact Fact)> Facts, List<LineErrors> Errors) Parse(byte[] body, DateOnly latestReportedOn)
    {
        var lines = new Lines(latestReportedOn);
        var buffer = new ReadOnlySequence<byte>(body);
        lines.Read(ref buffer, completed: true);
        return (lines.Facts, lines.Errors);
    }

    /// <summary>As <see cref="Parse"/>, reading the lines as they arrive.</summary>
    public static async Task<(List<(int Line, ParsedFact Fact)> Facts, List<LineErrors> Errors)> ParseAsync(Stream body,
        DateOnly latestReportedOn, CancellationToken ct)
    {
        var lines = new Lines(latestReportedOn);
        var reader = PipeReader.Create(body, new StreamPipeReaderOptions(leaveOpen: true));
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(ct);
                var buffer = result.Buffer;
                lines.Read(ref buffer, result.IsCompleted);
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return (lines.Facts, lines.Errors);
                }
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    /// <summary>
    /// The lines of a file as bytes, ended as a text reader ends them (LF, CRLF or CR), after an optional UTF-8 byte order
    /// mark. They are kept as bytes until JSON parsing, so no decoder replaces a byte that is not UTF-8: the parser refuses it.
    /// </summary>
    private sealed class Lines(DateOnly latestReportedOn)
    {
        private int _number;
        private bool _afterCarriageReturn;

        public List<(int Line, ParsedFact Fact)> Facts { get; } = [];

        public List<LineErrors> Errors { get; } = [];

        /// <summary>Parses every whole line of <paramref name="buffer"/> (and its rest, when the file is complete), leaving what is not yet a line.</summary>
        public void Read(ref ReadOnlySequence<byte> buffer, bool completed)
        {
            var reader = new SequenceReader<byte>(buffer);
            while (true)
            {
                if (_afterCarriageReturn)
                {
                    if (reader.End)
                    {
                        break;
                    }

                    reader.IsNext((byte)'\n', advancePast: true);
                    _afterCarriageReturn = false;
                }

                if (reader.TryReadToAny(out ReadOnlySequence<byte> line, "\r\n"u8, advancePastDelimiter: false))
                {
                    reader.TryRead(out var end);
                    _afterCarriageReturn = end == '\r';
                    Parse(line);
                    continue;
                }

                if (completed && !reader.End)
                {
                    Parse(reader.UnreadSequence);
                    reader.AdvanceToEnd();
                }

                break;
            }

            buffer = buffer.Slice(reader.Position);
        }

        private void Parse(ReadOnlySequence<byte> line)
        {
            if (++_number == 1)
            {
                var start = new SequenceReader<byte>(line);
                if (start.IsNext(Encoding.UTF8.Preamble, advancePast: true))
                {
                    line = line.Slice(start.Position);
                }
            }

            ParseLine(line, _number, latestReportedOn, Facts, Errors);
        }
    }

    private static void ParseLine(ReadOnlySequence<byte> line, int number, DateOnly latestReportedOn, List<(int, ParsedFact)> facts,
        List<LineErrors> errors)
    {
        if (IsBlank(line))
        {
            return;
        }

        JsonElement json;
        try
        {
            using var document = JsonDocument.Parse(line);
            json = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            errors.Add(new LineErrors(number, null, [new FieldError("$", $"malformed JSON: {e.Message}")]));
            return;
        }

        var (fact, lineErrors) = FactParser.Parse(json, latestReportedOn);
        if (fact is null)
        {
            errors.Add(new LineErrors(number, FactIdOf(json), lineErrors));
        }
        else
        {
            facts.Add((number, fact));
        }
    }

    private static bool IsBlank(ReadOnlySequence<byte> line)
    {
        foreach (var segment in line)
        {
            if (segment.Span.IndexOfAnyExcept(" \t"u8) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The fact id of a refused line, to list it by; none when it is not text.</summary>
    private static string? FactIdOf(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("factId", out var id) || id.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return id.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
