using System.Globalization;
using CsvHelper;
using DealLedger.Api.Admin;
using DealLedger.Api.Temporal;
using DealLedger.Domain.Audit;
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

/// <summary>
/// One revision of a deal term or an estimate, flat so it exports as one CSV row: the value, its delta and
/// ratio to the previous live value where numeric, its status, the source, and the three times with the recorder.
/// <see cref="Change"/> says what the report is to the chain before it (first, revision, restatement,
/// corroboration; docs/audit.md, "Repeats"): restatements and corroborations have no delta or ratio.
/// </summary>
[CsvRecord]
public sealed partial record RevisionRow(
    string Subject,
    string Term,
    string FactId,
    string State,
    bool Current,
    decimal? Amount,
    decimal? Max,
    string? Currency,
    string? Precision,
    decimal? Quantity,
    string? Unit,
    string? Period,
    string? Text,
    decimal? Delta,
    decimal? Ratio,
    string? NotComputable,
    DateOnly ReportedOn,
    string? Effective,
    DateTimeOffset RecordedAt,
    string? RecordedBy,
    string Publisher,
    string? Title,
    string? Url,
    string SourceKind,
    string? Cites,
    string? CorrectedBy,
    string? RetractedBy,
    string? CorroboratedBy,
    string? DisputedBy,
    string? Change);

/// <summary>A revisions request, parsed: the basis it is read on and the export format.</summary>
/// <summary>A JSON answer of the revisions endpoints: each revision in reported order, and the basis it was read on.</summary>
public sealed record RevisionsAnswer(IReadOnlyList<RevisionRow> Revisions, Basis Basis);

public sealed record RevisionsRequest(TemporalQuery Query, Export.Format Format);

public static class Revisions
{
    /// <summary>Parses the basis (<c>asOf</c>, <c>recordedAsOf</c>, <c>effectiveAt</c>, <c>position</c>) and the format; a malformed value is the answer (400).</summary>
    public static (RevisionsRequest?, IResult?) Load(string? asOf, string? recordedAsOf, string? effectiveAt, string? position, string? format,
        HttpContext context)
    {
        var (query, problem) = TemporalQuery.Parse(asOf, recordedAsOf, effectiveAt, position);
        var (exportFormat, formatProblem) = Export.Negotiate(context, format);
        return (problem ?? formatProblem) is { } bad ? (null, bad) : (new RevisionsRequest(query!, exportFormat), null);
    }

    /// <summary>Every revision of one term of a deal (total-value, first-year-value, duration, start, capacity, status, exclusivity...).</summary>
    [WolverineGet("/deals/{slug}/terms/{term}/revisions", OperationId = "GetDealTermRevisions")]
    [EndpointSummary("List a deal term's revisions")]
    [Tags("Audit")]
    [ProducesResponseType<RevisionsAnswer>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> DealTerm(string slug, string term, [NotBody] RevisionsRequest request, HttpContext context, ServingReads reads,
        CancellationToken ct)
    {
        var session = reads.Session;
        var (events, basis, exists) = await TemporalReads.StreamAsync(session, slug, request.Query, ct);
        var deal = TemporalReads.FoldDeal(slug, events);
        if (!exists || deal?.Kind is null && deal?.Terms.Count is null or 0)
        {
            return Problems.NotFound("deal", slug);
        }

        if (!deal!.Terms.TryGetValue(term, out var dealTerm))
        {
            return Problems.Status(StatusCodes.Status404NotFound, "Unknown term",
                $"Deal '{slug}' has no report of '{term}' on this basis; its terms: {string.Join(", ", deal.Terms.Keys)}.");
        }

        var rows = ForDealTerm(deal, dealTerm, Recorders(events, context));
        return await Export.RowsAsync(context, request.Format, Export.Stream(rows), $"{slug}-{term}-revisions",
            () => Task.FromResult(Reads.ReadPosition.Answer(Results.Json(new RevisionsAnswer(rows, basis)), basis)));
    }

    /// <summary>Every revision of an estimate, in the same shape as a deal term's.</summary>
    [WolverineGet("/estimates/{slug}/revisions", OperationId = "GetEstimateRevisions")]
    [EndpointSummary("List an estimate's revisions")]
    [Tags("Audit")]
    [ProducesResponseType<RevisionsAnswer>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Estimate(string slug, [NotBody] RevisionsRequest request, HttpContext context, ServingReads reads,
        CancellationToken ct)
    {
        var session = reads.Session;
        var (events, basis, _) = await TemporalReads.StreamAsync(session, slug, request.Query, ct);
        if (TemporalReads.FoldEstimate(slug, events) is not { } history)
        {
            return Problems.NotFound("estimate", slug);
        }

        var rows = ForEstimate(history, Recorders(events, context));
        return await Export.RowsAsync(context, request.Format, Export.Stream(rows), $"{slug}-revisions",
            () => Task.FromResult(Reads.ReadPosition.Answer(Results.Json(new RevisionsAnswer(rows, basis)), basis)));
    }

    public static IReadOnlyList<RevisionRow> ForDealTerm(DealSummary deal, DealTerm term, IReadOnlyDictionary<string, string?> recorders) =>
        RevisionChain.Of(term.Reports, r => r.Source.ReportedOn, r => Figure.Of(r.Value.Money, r.Value.Quantity, r.Value.Unit),
                r => CurrentValueRule.IsLive(deal.Statuses, r.Source.FactId), r => r.Change)
            .Select(revision =>
            {
                var (report, change) = revision;
                var value = report.Value;
                return Row(deal.Id, term.Term, report.Source, deal.Statuses.GetValueOrDefault(report.Source.FactId), report.Source.FactId == term.Source?.FactId,
                    value.Money, value.Quantity, value.Unit, value.Precision, value.Period, value.Text, change, recorders, report.Change);
            })
            .ToList();

    public static IReadOnlyList<RevisionRow> ForEstimate(EstimateHistory history, IReadOnlyDictionary<string, string?> recorders) =>
        history.Revisions.Select(r => Row(history.Id, history.Metric!, r.Source, history.Statuses.GetValueOrDefault(r.Source.FactId),
                r.Source.FactId == history.Current?.Source.FactId, r.Value, null, null, r.Value.Precision, r.Horizon, r.Note,
                new Change(r.Delta, r.Ratio, r.NotComputable), recorders, r.Change))
            .ToList();

    /// <summary>Who recorded each fact (the API key's name), from the events' metadata.</summary>
    public static IReadOnlyDictionary<string, string?> Recorders(IEnumerable<IEvent> events) =>
        events.Where(e => e.Data is IFact).ToDictionary(e => ((IFact)e.Data).Fact.FactId, e => e.UserName);

    /// <summary>The recorders, or none when the caller may not see them (<see cref="Auth.RecorderNames"/>).</summary>
    private static IReadOnlyDictionary<string, string?> Recorders(IEnumerable<IEvent> events, HttpContext context) =>
        Auth.RecorderNames.VisibleTo(context.User) ? Recorders(events) : new Dictionary<string, string?>();

    /// <summary>A value as one line of text, for changes and exports.</summary>
    public static string Describe(TermValue value) => value switch
    {
        { Money: { } money } => TimelineProjection.Format(money),
        { Quantity: { } quantity } => $"{(value.Precision is null or "exact" ? "" : value.Precision + " ")}{quantity.ToString(CultureInfo.InvariantCulture)} {value.Unit}",
        { Period: { } period } when value.Text is "in-force" or "lifted" => $"{value.Text} ({period.Text})",
        { Period: { } period } => period.Text,
        _ => value.Text ?? "",
    };

    private static RevisionRow Row(string subject, string term, FactRef source, FactStatus? status, bool current, Money? money,
        decimal? quantity, string? unit, string? precision, Effective? period, string? text, Change? change,
        IReadOnlyDictionary<string, string?> recorders, string? repeat) =>
        new(subject, term, source.FactId, status?.State ?? FactStatus.Live, current,
            money?.Amount, money?.Max, money?.Currency, precision, quantity, unit, period?.Text, text, change?.Delta, change?.Ratio, change?.NotComputable,
            source.ReportedOn, source.Effective?.Text, source.RecordedAt, recorders.GetValueOrDefault(source.FactId),
            source.Source.Publisher, source.Source.Title, source.Source.Url, source.Source.Kind,
            source.Source.Cites.Count == 0 ? null : string.Join("; ", source.Source.Cites.Select(c => c.Publisher)),
            status?.CorrectedBy, status?.RetractedBy,
            status is null || status.CorroboratedBy.Count == 0 ? null : string.Join("; ", status.CorroboratedBy),
            status is null || status.DisputedBy.Count == 0 ? null : string.Join("; ", status.DisputedBy), repeat);
}
