using System.Text.Json;
using CsvHelper;
using Microsoft.Extensions.Options;

namespace DealLedger.Api.Audit;

/// <summary>
/// Writes rows as JSON, CSV or NDJSON, chosen by <c>?format=</c> or the Accept header. CSV and NDJSON are
/// streamed row by row (CsvHelper for CSV: quoting and escaping are not ours to get wrong), so an export of
/// any size never sits in memory. Row types are flat <c>[CsvRecord]</c> records (CsvHelper generates their mapping).
/// </summary>
public static class Export
{
    public const string Csv = "text/csv";
    public const string NdJson = "application/x-ndjson";

    /// <summary>
    /// RFC 4180, with every text field that a spreadsheet would run as a formula (starting with = + - @, tab or CR, as OWASP
    /// lists them) written after a single quote, which a spreadsheet reads as "this cell is text". Numbers, dates and
    /// booleans are written as they are, so a negative delta stays a number.
    /// </summary>
    public static readonly CsvWriterOptions CsvOptions = CsvWriterOptions.Default with { Injection = CsvInjection.Escape };

    public enum Format
    {
        Json,
        Csv,
        NdJson,
    }

    public static (Format Format, IResult? Problem) Negotiate(HttpContext context, string? format)
    {
        switch (format)
        {
            case "csv":
                return (Format.Csv, null);
            case "ndjson":
                return (Format.NdJson, null);
            case "json":
                return (Format.Json, null);
            case null or "":
                var accept = context.Request.Headers.Accept.ToString();
                return (accept.Contains(Csv, StringComparison.OrdinalIgnoreCase) ? Format.Csv
                    : accept.Contains(NdJson, StringComparison.OrdinalIgnoreCase) ? Format.NdJson
                    : Format.Json, null);
            default:
                return (Format.Json, Problems.BadQuery("format", $"'{format}' is not one of: json, csv, ndjson"));
        }
    }

    /// <summary>Streams <paramref name="rows"/> in a file format; JSON answers go through <paramref name="json"/>.</summary>
    public static async Task<IResult> RowsAsync<T>(HttpContext context, Format format, IAsyncEnumerable<T> rows, string fileName,
        Func<Task<IResult>> json)
    {
        if (format == Format.Json)
        {
            return await json();
        }

        var response = context.Response;
        response.ContentType = format == Format.Csv ? $"{Csv}; charset=utf-8" : NdJson;
        response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}.{(format == Format.Csv ? "csv" : "ndjson")}\"";
        var ct = context.RequestAborted;
        if (format == Format.Csv)
        {
            await using var csv = CsvWriter.Create(response.Body, CsvOptions, leaveOpen: true);
            await csv.WriteRecordsAsync(rows, ct);
            await csv.FlushAsync(ct);
            return Results.Empty;
        }

        await using var writer = new StreamWriter(response.Body, leaveOpen: true);
        {
            var options = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
            var count = 0;
            await foreach (var row in rows.WithCancellation(ct))
            {
                await writer.WriteLineAsync(JsonSerializer.Serialize(row, options));
                if (++count % 1000 == 0)
                {
                    await writer.FlushAsync(ct);
                }
            }
        }

        await writer.FlushAsync(ct);
        return Results.Empty;
    }

    public static async IAsyncEnumerable<T> Stream<T>(IEnumerable<T> rows)
    {
        foreach (var row in rows)
        {
            yield return row;
        }

        await Task.CompletedTask;
    }
}
