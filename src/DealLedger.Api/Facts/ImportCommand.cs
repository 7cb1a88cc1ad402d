using System.Globalization;
using DealLedger.Domain.Facts;
using DealLedger.Domain.Recording;
using JasperFx.CommandLine;
using Marten;
using Spectre.Console;

namespace DealLedger.Api.Facts;

public sealed class ImportInput : NetCoreInput
{
#pragma warning disable CA1051 // the command line binds public fields as its arguments and flags
    [Description("An NDJSON file of facts: one fact envelope per line, as the body of POST /facts")]
    public string File = "";

    [Description("Facts per transaction (default 10,000): each batch is recorded whole or not at all")]
    public int BatchFlag = 10_000;

    [Description("The recorder name stamped on every event (default cli:<user>)")]
    public string? RecorderFlag;
#pragma warning restore CA1051
}

/// <summary>
/// <c>import FILE [--batch N] [--recorder NAME]</c>: records a file of facts of any size, with progress. Every line is
/// parsed and checked first: one bad line and nothing is written (the lines are listed, as POST /facts/import lists
/// them). Then the facts are recorded in batches, each in one transaction with the same rules as the HTTP import; a
/// batch refused (a conflict, a rule) stops the import with the batches before it recorded, and running the same
/// command again is safe: facts already recorded are recognised by their ids and skipped.
/// </summary>
[Description("Record an NDJSON file of facts, with progress (checked whole first, then recorded in batches)", Name = "import")]
public sealed class ImportCommand : JasperFxAsyncCommand<ImportInput>
{
    public ImportCommand()
    {
        Usage("Import a file").Arguments(x => x.File);
    }

    public override async Task<bool> Execute(ImportInput input)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);
        }

        if (!System.IO.File.Exists(input.File))
        {
            AnsiConsole.MarkupLine($"[red]No such file[/]: {Markup.Escape(input.File)}");
            return false;
        }

        if (input.BatchFlag is < 1 or > 100_000)
        {
            AnsiConsole.MarkupLine("[red]--batch must be between 1 and 100,000 facts[/]");
            return false;
        }

        using var host = input.BuildHost();
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var clock = host.Services.GetRequiredService<TimeProvider>();
        var recorder = input.RecorderFlag ?? $"cli:{Environment.UserName}";
        var correlation = $"import-{Guid.NewGuid():N}";

        List<(int Line, ParsedFact Fact)> facts = [];
        List<LineErrors> errors = [];
        var recorded = 0;
        var present = 0;
        string? stopped = null;
        IReadOnlyList<LineErrors> refused = [];
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var file = new FileInfo(input.File);
                var reading = progress.AddTask($"checking {file.Name}", maxValue: Math.Max(1, file.Length));
                await using (var stream = file.OpenRead())
                {
                    (facts, errors) = await ImportFactsEndpoint.ParseAsync(new ProgressStream(stream, read => reading.Value = read),
                        FactParser.LatestReportedOn(clock.GetUtcNow()), CancellationToken.None);
                }

                reading.Value = reading.MaxValue;
                reading.Description = $"checked {file.Name}: {facts.Count:N0} facts, {errors.Count:N0} bad lines";
                if (errors.Count > 0 || facts.Count == 0)
                {
                    return;
                }

                var recording = progress.AddTask("recording", maxValue: facts.Count);
                foreach (var batch in facts.Chunk(input.BatchFlag))
                {
                    await using var session = store.LightweightSession();
                    session.LastModifiedBy = recorder;
                    session.CorrelationId = correlation;
                    var (summary, lineErrors, conflict, _) = await FactLedger.ImportAsync(session, batch, CancellationToken.None);
                    if (summary is null)
                    {
                        stopped = conflict ?? "the rules refused lines of this batch";
                        refused = lineErrors;
                        recording.StopTask();
                        return;
                    }

                    recorded += summary.Recorded;
                    present += summary.AlreadyPresent;
                    recording.Increment(batch.Length);
                    recording.Description = $"recording: {recorded:N0} recorded, {present:N0} already present";
                }
            });

        if (facts.Count == 0 && errors.Count == 0)
        {
            AnsiConsole.MarkupLine("[red]The file holds no fact.[/]");
            return false;
        }

        if (errors.Count > 0 || refused.Count > 0)
        {
            var listed = errors.Count > 0 ? errors : refused;
            AnsiConsole.MarkupLine(errors.Count > 0
                ? $"[red]{errors.Count:N0} line(s) cannot be recorded; nothing was written.[/]"
                : $"[red]{refused.Count:N0} line(s) were refused.[/]");
            foreach (var line in listed.Take(ImportFactsEndpoint.ListedErrors))
            {
                var fields = string.Join("; ", line.Errors.Select(e => $"{e.Field}: {e.Message}"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"line {line.Line}{(line.FactId is null ? "" : $" ({line.FactId})")}: {fields}"));
            }

            if (listed.Count > ImportFactsEndpoint.ListedErrors)
            {
                Console.WriteLine($"... and {listed.Count - ImportFactsEndpoint.ListedErrors:N0} more");
            }
        }

        if (stopped is not null)
        {
            AnsiConsole.MarkupLine($"[red]Stopped[/]: {Markup.Escape(stopped)}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{recorded} facts recorded and {present} already present before the stop; running the same import again is safe (recorded facts are skipped)."));
            return false;
        }

        if (errors.Count > 0)
        {
            return false;
        }

        // One plain line for logs and scripts.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"imported {input.File}: {facts.Count} facts, {recorded} recorded, {present} already present, recorder {recorder}"));
        return true;
    }

    /// <summary>Reports how far a file has been read, for the progress bar.</summary>
    private sealed class ProgressStream(Stream inner, Action<long> reportRead) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Report(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Report(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Report(int read)
        {
            reportRead(inner.Position);
            return read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
