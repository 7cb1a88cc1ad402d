using DealLedger.Api.Admin;
using CsvHelper;
using DealLedger.Api.Temporal;
using DealLedger.Domain.Audit;
using DealLedger.Domain.Facts;
using DealLedger.Domain.Relations;
using DealLedger.Domain.Sources;
using DealLedger.Projections;
using DealLedger.Projections.Deals;
using DealLedger.Projections.Estimates;
using DealLedger.Projections.Timeline;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace DealLedger.Api.Audit;

/// <summary>One thing that became known in a window of reported dates, flat for CSV.</summary>
[CsvRecord]
public sealed partial record ChangeRow(
    string Subject,
    string Change,
    string? Term,
    string? Before,
    string? After,
    string FactId,
    string Type,
    DateOnly ReportedOn,
    string Publisher,
    string? Title,
    string? Url,
    string SourceKind,
    string Summary);

/// <summary>A change and what a reader needs to show it: its subject's kind, and the amounts it compares when they are amounts.</summary>
public sealed record LedgerChange(ChangeRow Row, StreamKind? Kind, Money? Before, Money? After);

/// <summary>
/// What became known between two reported dates: new terms, revised values with before and after, status
/// changes, new deals and estimates, corroborations, disputes, corrections and retractions.
/// </summary>
/// <summary>A changes request, parsed: the window of reported dates, the basis it is read on, the export format.</summary>
/// <summary>A JSON answer of the changes endpoints: the rows in reported order, and the basis they were read on.</summary>
public sealed record ChangesAnswer(IReadOnlyList<ChangeRow> Changes, Basis Basis);

public sealed record ChangesRequest(ReportedWindow Window, TemporalQuery Query, Export.Format Format);

public static class Changes
{
    /// <summary>
    /// Parses the window (<c>from</c>, <c>to</c>), the basis (<c>recordedAsOf</c>, <c>position</c>) and the format; a
    /// malformed value or a window that ends before it starts is the answer (400).
    /// </summary>
    public static (ChangesRequest?, IResult?) Load(string? from, string? to, string? recordedAsOf, string? position, string? format,
        HttpContext context)
    {
        var (query, problem) = TemporalQuery.Parse(null, recordedAsOf, null, position);
        var start = Problems.Date(from, "from", ref problem) ?? DateOnly.MinValue;
        var end = Problems.Date(to, "to", ref problem) ?? DateOnly.MaxValue;
        var (exportFormat, formatProblem) = Export.Negotiate(context, format);
        problem ??= formatProblem;
        if (problem is null && start > end)
        {
            problem = Problems.BadQuery("to", "must not be before 'from'");
        }

        return problem is null ? (new ChangesRequest(new ReportedWindow(start, end), query!, exportFormat), null) : (null, problem);
    }

    /// <summary>
    /// What became known about a deal between two reported dates (<c>from</c>, <c>to</c>): each fact reported in the
    /// window with the value it changed, from what, by how much, and its source; as CSV or NDJSON too.
    /// </summary>
    [WolverineGet("/deals/{slug}/changes", OperationId = "GetDealChanges")]
    [EndpointSummary("What became known about a deal between two dates")]
    [Tags("Audit")]
    [ProducesResponseType<ChangesAnswer>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static Task<IResult> Deal(string slug, [NotBody] ChangesRequest request, HttpContext context, ServingReads reads, CancellationToken ct) =>
        OneAsync(slug, StreamKind.Deal, request, context, reads.Session, ct);

    /// <summary>
    /// What became known about an estimate between two reported dates (<c>from</c>, <c>to</c>): each revision reported in
    /// the window with the previous value, the delta and its source; as CSV or NDJSON too.
    /// </summary>
    [WolverineGet("/estimates/{slug}/changes", OperationId = "GetEstimateChanges")]
    [EndpointSummary("What became known about an estimate between two dates")]
    [Tags("Audit")]
    [ProducesResponseType<ChangesAnswer>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static Task<IResult> Estimate(string slug, [NotBody] ChangesRequest request, HttpContext context, ServingReads reads, CancellationToken ct) =>
        OneAsync(slug, StreamKind.Estimate, request, context, reads.Session, ct);

    /// <summary>Changes across the whole ledger in the window (subjects found through the timeline, so it trails writes by a moment).</summary>
    [WolverineGet("/changes", OperationId = "GetChanges")]
    [EndpointSummary("What became known between two dates")]
    [Tags("Audit")]
    [ProducesResponseType<ChangesAnswer>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<IResult> All([NotBody] ChangesRequest request, HttpContext context, ServingReads reads, CancellationToken ct)
    {
        var ((start, end), query, format) = request;
        var (changes, basis) = await AcrossLedgerAsync(reads.Session, request.Window, query, ct);
        var ordered = changes.Select(c => c.Row).ToList();
        return await Export.RowsAsync(context, format, Export.Stream(ordered), $"changes-{start:yyyy-MM-dd}-{end:yyyy-MM-dd}",
            () => Task.FromResult(Reads.ReadPosition.Answer(Results.Json(new ChangesAnswer(ordered, basis)), basis)));
    }

    /// <summary>
    /// Every change across the ledger in the window, in reported order, and the basis it was read on: the answer of
    /// <c>GET /changes</c>, which the explorer's "what changed" page shows too.
    /// </summary>
    public static async Task<(IReadOnlyList<LedgerChange> Changes, Basis Basis)> AcrossLedgerAsync(IQuerySession session, ReportedWindow window,
        TemporalQuery query, CancellationToken ct)
    {
        var (start, end) = window;
        var subjects = await session.Query<TimelineEntry>()
            .Where(t => t.ReportedOn >= start && t.ReportedOn <= end)
            .Select(t => t.Subject).Distinct().ToListAsync(ct);
        var changes = new List<LedgerChange>();
        foreach (var subject in subjects.Order(StringComparer.Ordinal))
        {
            var (events, _, _) = await TemporalReads.StreamAsync(session, subject, query, ct);
            changes.AddRange(Compare(subject, events, window));
        }

        var basis = query.BasisAt(query.Position ?? await TemporalReads.ProgressOfAsync(session, "Timeline", ct));
        return (changes.OrderBy(c => c.Row.ReportedOn).ThenBy(c => c.Row.Subject, StringComparer.Ordinal).ToList(), basis);
    }

    private static async Task<IResult> OneAsync(string slug, StreamKind kind, ChangesRequest request, HttpContext context, IQuerySession session,
        CancellationToken ct)
    {
        var ((start, end), query, format) = request;
        var (events, basis, exists) = await TemporalReads.StreamAsync(session, slug, query, ct);
        if (!exists || ChangeDetection.KindOf(events.Select(e => (IFact)e.Data)) != kind)
        {
            return Problems.NotFound(kind == StreamKind.Deal ? "deal" : "estimate", slug);
        }

        var rows = Between(slug, events, request.Window);
        return await Export.RowsAsync(context, format, Export.Stream(rows), $"{slug}-changes-{start:yyyy-MM-dd}-{end:yyyy-MM-dd}",
            () => Task.FromResult(Reads.ReadPosition.Answer(Results.Json(new ChangesAnswer(rows, basis)), basis)));
    }

    /// <summary>
    /// The subject as known just before the window against the subject as known at its end (each folded by its read
    /// model), and the facts reported within it, as rows (<see cref="ChangeDetection"/>).
    /// </summary>
    public static List<ChangeRow> Between(string subject, IReadOnlyList<IEvent> events, ReportedWindow window) =>
        Compare(subject, events, window).Select(c => c.Row).ToList();

    /// <summary>As <see cref="Between"/>, each row with the kind of its subject and the amounts it compares (for readers that format them).</summary>
    public static List<LedgerChange> Compare(string subject, IReadOnlyList<IEvent> events, ReportedWindow window)
    {
        var facts = events.Select(e => (IFact)e.Data).ToList();
        var byId = facts.ToDictionary(f => f.Fact.FactId);
        var before = events.Where(e => window.IsBefore((IFact)e.Data)).ToList();
        var after = events.Where(e => window.IsKnownAtEnd((IFact)e.Data)).ToList();
        var rows = new List<LedgerChange>();
        var streamKind = ChangeDetection.KindOf(facts);

        if (window.FirstReport(facts) is { } first)
        {
            rows.Add(new LedgerChange(Row(subject, ChangeKinds.Reported, null, null, null, first), streamKind, null, null));
        }

        switch (streamKind)
        {
            case StreamKind.Deal:
                var was = TemporalReads.FoldDeal(subject, before);
                foreach (var (term, now) in TemporalReads.FoldDeal(subject, after)?.Terms ?? [])
                {
                    var previous = was?.Terms.GetValueOrDefault(term)?.Value;
                    if (ChangeDetection.OfTerm(previous, now.Value, now.Source is not null, term == DealTerms.Status, (a, b) => a.SameAs(b)) is { } change)
                    {
                        var because = now.Source?.FactId ?? now.Reports[^1].Source.FactId;
                        rows.Add(new LedgerChange(Row(subject, change, term, Text(previous), Text(now.Value), byId[because]), streamKind, previous?.Money, now.Value?.Money));
                    }
                }

                break;

            case StreamKind.Estimate:
                var earlier = TemporalReads.FoldEstimate(subject, before)?.Current;
                var estimate = TemporalReads.FoldEstimate(subject, after);
                if (ChangeDetection.OfEstimate(earlier?.Source.FactId, estimate?.Current?.Source.FactId,
                        estimate?.Current?.Change is { } kind && !Repeats.IsChange(kind)) is { } revision)
                {
                    var current = estimate!.Current!;
                    rows.Add(new LedgerChange(Row(subject, revision, estimate.Metric, earlier is null ? null : TimelineProjection.Format(earlier.Value),
                        TimelineProjection.Format(current.Value), byId[current.Source.FactId]), streamKind, earlier?.Value, current.Value));
                }

                break;
        }

        foreach (var fact in facts.Where(window.Contains))
        {
            if (ChangeDetection.OfFact(fact) is { } change)
            {
                rows.Add(new LedgerChange(Row(subject, change, null, null, FactReferences.TargetOf(fact), fact), streamKind, null, null));
            }
        }

        return rows.OrderBy(r => r.Row.ReportedOn).ToList();
    }

    private static string? Text(TermValue? value) => value is null ? null : Revisions.Describe(value);

    private static ChangeRow Row(string subject, string change, string? term, string? before, string? after, IFact fact) =>
        new(subject, change, term, before, after, fact.Fact.FactId, FactTypes.Of(fact).Name, fact.Fact.ReportedOn, fact.Fact.Source.Publisher,
            fact.Fact.Source.Title, fact.Fact.Source.Url, fact.Fact.Source.Kind, TimelineProjection.Describe(fact));
}
