using System.Reflection;
using System.Text.Json.Nodes;
using DealLedger.Api.Auth;
using DealLedger.Api.Facts;
using DealLedger.Domain.Deals;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Wolverine.Http;

namespace DealLedger.Api;

/// <summary>
/// What a client generator and a reader of the OpenAPI document need beyond what ASP.NET Core infers: the API key as a
/// security scheme and which operations need it, each operation's short summary (<see cref="EndpointSummaryAttribute"/>
/// on the endpoint) with its XML comment as the description, the query parameters shared by many endpoints described
/// once with their formats, and a description per tag.
/// </summary>
public static class OpenApiDocumentation
{
    public const string ApiKeyScheme = "ApiKey";

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Facts"] = "Recording facts: one at a time or a file at once. Every fact is kept for good, with its source and its dates.",
        ["Deals"] = "Deals as reported: current terms with their precision and source, history, and each term's revisions.",
        ["Estimates"] = "Estimates (a party's metric over a horizon) and how each was revised.",
        ["Parties"] = "What a party pays and is paid across its deals.",
        ["Commitments"] = "A buyer's contract values placed over the years they cover.",
        ["Timeline"] = "Every fact in the order it was reported.",
        ["Audit"] = "What the ledger recorded, when and by whom; what became known between two dates; raw events.",
        ["Sources"] = "Publishers and how their reports fared: corroborated, disputed, corrected, retracted.",
        ["Admin"] = "Read models: status, rebuilds, a new version built beside the serving one, parity and switch (admin keys).",
    };

    private sealed record SharedParameter(string Description, string? Format = null, string? Pattern = null,
        int? Minimum = null, int? Maximum = null, string[]? Values = null);

    private static readonly Dictionary<string, SharedParameter> SharedParameters = new(StringComparer.Ordinal)
    {
        ["asOf"] = new("Reported time: answer with the facts whose source published on or before this date (yyyy-MM-dd).", Format: "date"),
        ["recordedAsOf"] = new("Recorded time: answer with what the ledger itself held at this instant: a timestamp (2026-11-28T17:30:00Z) or a date (the end of that day, UTC)."),
        ["effectiveAt"] = new("Valid time: answer with the facts about the world that had started to hold by this date (yyyy-MM-dd).", Format: "date"),
        ["position"] = new("Pins the answer at a log position (from an earlier answer's basis): later facts are left out.", Pattern: "^[0-9]+$"),
        ["cursor"] = new("The previous page's next value, passed back as it is, with the same other parameters."),
        ["limit"] = new($"Items per page (1 to {Paging.MaxLimit}).", Minimum: 1, Maximum: Paging.MaxLimit),
        ["format"] = new("The answer's format; the Accept header says the same (text/csv, application/x-ndjson).", Values: ["json", "csv", "ndjson"]),
        ["from"] = new("Start of the window, inclusive (yyyy-MM-dd).", Format: "date"),
        ["to"] = new("End of the window, inclusive (yyyy-MM-dd).", Format: "date"),
        ["slug"] = new("The subject's slug, as facts name it (e.g. oracle-openai-cloud-2025)."),
        ["party"] = new("A party's slug (e.g. openai)."),
        ["kind"] = new("Only deals of this kind (the fact contract's words; another is a 400).",
            Values: [.. DealVocabulary.Kinds.Order(StringComparer.Ordinal)]),
        ["status"] = new("Only deals in this status (on a temporal basis, the status that basis knows; another word is a 400).",
            Values: [.. DealVocabulary.Statuses.Order(StringComparer.Ordinal)]),
        ["relatedTo"] = new("A deal's slug: only the deals that report a relation to it (substitutes, part of, expands...), " +
            "disputed or retracted ones included; on a temporal basis, the relations that basis knows."),
        ["sort"] = new("The order: by slug (the default), by title, by last reported date (lastReportedOn) or latest first " +
            "(-lastReportedOn); ties by slug.", Values: [.. Deals.DealOrder.ByName.Keys]),
        ["metric"] = new("Only estimates of this metric (e.g. cash-burn, annualized-revenue)."),
        ["publisher"] = new("A publisher as sources name it (e.g. The Information), URL-escaped."),
        ["buyer"] = new("The buying party's slug (e.g. openai)."),
        ["term"] = new("A term of the deal, as its summary's terms name it (e.g. total-value, first-year-value, duration, start)."),
        ["recordedFrom"] = new("Only events recorded at or after this instant: a timestamp (2026-11-28T17:30:00Z) or a date (the start of that day, UTC)."),
        ["recordedTo"] = new("Only events recorded at or before this instant: a timestamp or a date (the end of that day, UTC)."),
        ["recordedBy"] = new("Only events recorded by this API key's name (callers with a key only; without one it is a 401)."),
        ["type"] = new("Only events of this type (e.g. estimate.revised, deal.value-reported); a type never recorded lists nothing."),
        ["name"] = new("A read model's name, as GET /admin/projections lists them (e.g. PartyExposure)."),
        ["id"] = new("A rebuild's id, from the 202 answer that started it."),
        ["force"] = new("Switch even when the parity check found differences (they are intended)."),
    };

    /// <summary>
    /// Wolverine assumes every endpoint may answer 200 (typed <c>IResult</c> when it returns one, an empty schema in
    /// the document). An endpoint that declares its successes and no 200 among them (a rebuild and a cancel answer
    /// 202) never answers 200: its endpoint metadata loses that response, so the document never shows it.
    /// </summary>
    public static void DeclaredSuccessesOnly(HttpChain chain)
    {
        var declared = chain.Method.Method.GetCustomAttributes<ProducesResponseTypeAttribute>().Select(p => p.StatusCode).ToList();
        if (declared.Any(s => s is >= 200 and < 300) && !declared.Contains(StatusCodes.Status200OK))
        {
            chain.Metadata.Finally(endpoint => endpoint.RemoveStatusCodeResponse(StatusCodes.Status200OK));
        }
    }

    public static void Add(OpenApiOptions options, bool readsNeedKey)
    {
        OpenApiResponseExamples.Add(options);
        var summaries = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var method = (context.Description.ActionDescriptor as ControllerActionDescriptor)?.MethodInfo;
            if (method?.GetCustomAttribute<EndpointSummaryAttribute>() is { } summary && operation.OperationId is { } id)
            {
                // Kept for the document transformer: the XML comment transformer may run after this one and put the
                // comment's <summary> into the operation's summary.
                summaries[id] = summary.Summary;
            }

            var needsKey = readsNeedKey || metadata.OfType<IAuthorizeData>().Any();
            var key = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, context.Document)] = [] };

            // A read takes a key but needs none (with one, audit answers name the recorders): either requirement does.
            operation.Security = needsKey ? [key] : [new OpenApiSecurityRequirement(), key];
            if (needsKey)
            {
                operation.Responses ??= new OpenApiResponses();
                operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No API key, or one this API does not know (X-Api-Key)." });
                if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy == Policies.Admin))
                {
                    operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The key is not an admin key." });
                }
            }

            foreach (var parameter in operation.Parameters ?? [])
            {
                if (parameter is OpenApiParameter concrete && concrete.Name is { } name && SharedParameters.TryGetValue(name, out var shared))
                {
                    concrete.Description ??= shared.Description;
                    if (concrete.Schema is OpenApiSchema schema)
                    {
                        schema.Format ??= shared.Format;
                        schema.Pattern ??= shared.Pattern;
                        schema.Minimum ??= shared.Minimum?.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        schema.Maximum ??= shared.Maximum?.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        if (shared.Values is { } values)
                        {
                            schema.Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))];
                        }
                    }
                }
            }

            return Task.CompletedTask;
        });

        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "DealLedger API";
            document.Info.Description =
                "An event-sourced ledger of reported facts about big deals: every fact is kept with its source and its dates, " +
                "and every read can be asked as of a reported date, a recorded instant, a valid date or a log position. " +
                "Reads need no key; writes need an API key in X-Api-Key. Errors are RFC 7807 problem details.";
            foreach (var server in document.Servers ?? [])
            {
                server.Url = server.Url?.TrimEnd('/');
            }

            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
            document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyHandler.Header,
                Description = "An API key from the server's Auth:ApiKeys. Its name is recorded on every event it writes; admin keys may also run the Admin operations.",
            };

            foreach (var tag in document.Tags ?? Enumerable.Empty<OpenApiTag>())
            {
                if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description))
                {
                    tag.Description = description;
                }
            }

            foreach (var operation in (document.Paths?.Values ?? Enumerable.Empty<IOpenApiPathItem>()).SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>()))
            {
                if (operation.OperationId is { } id && summaries.TryGetValue(id, out var summary))
                {
                    // The XML comment's <summary> is the long text: it describes; the attribute's text summarises.
                    if (operation.Summary is { } comment && !string.Equals(comment, summary, StringComparison.Ordinal))
                    {
                        operation.Description = comment;
                    }

                    operation.Summary = summary;
                }
            }

            return Task.CompletedTask;
        });
    }
}
