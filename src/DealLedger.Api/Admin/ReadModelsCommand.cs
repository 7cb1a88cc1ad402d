using System.Globalization;
using DealLedger.Projections;
using JasperFx.CommandLine;
using Marten;
using Spectre.Console;

namespace DealLedger.Api.Admin;

public sealed class ReadModelsInput : NetCoreInput
{
#pragma warning disable CA1051 // the command line binds public fields as its positional arguments
    [Description("list, status or rebuild")]
    public string Action = "status";

    [Description("Read models to rebuild, by name (all when none), rebuilt in catalogue order")]
    public IEnumerable<string> Names = [];
#pragma warning restore CA1051
}

/// <summary>
/// <c>read-models list</c>: the catalogue. <c>read-models status</c>: each read model's position against the log, lag and state.
/// <c>read-models rebuild [name...]</c>: rebuilds with a live progress bar (events done / total, events per
/// second, time left), one at a time in catalogue order, so a view that reads another (PartyExposure reads
/// DealSummary) is rebuilt after it. Spectre.Console draws the table and the bars.
/// </summary>
[Description("Read models: status, or rebuild with progress", Name = "read-models")]
public sealed class ReadModelsCommand : JasperFxAsyncCommand<ReadModelsInput>
{
    public ReadModelsCommand()
    {
        Usage("Status of every read model, or rebuild all of them").Arguments(x => x.Action);
        Usage("Rebuild the named read models").Arguments(x => x.Action, x => x.Names);
    }

    /// <summary>
    /// <c>projections list|status|rebuild [name...]</c> is this command too, under the name operators expect.
    /// Marten's own <c>projections</c> command keeps its daemon runner (<c>projections</c>, <c>projections run</c>)
    /// and every form with flags; its list and rebuild would bypass the catalogue, the rebuild lock and the
    /// statistics check, so plain <c>list</c> and <c>rebuild</c> come here.
    /// </summary>
    public static string[] Route(string[] args) =>
        args is ["projections", "list" or "status" or "rebuild", ..] && !args.Any(a => a.StartsWith('-'))
            ? ["read-models", .. args[1..]]
            : args;

    public override async Task<bool> Execute(ReadModelsInput input)
    {
        if (Console.IsOutputRedirected)
        {
            // Spectre.Console assumes 80 columns without a terminal and wraps every cell of the tables; logs and
            // scripts get whole lines instead.
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);
        }

        using var host = input.BuildHost();
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        switch (input.Action)
        {
            case "list":
                ShowCatalogue(host.Services.GetRequiredService<ReadModelCatalog>());
                return true;
            case "status":
                await ShowStatusAsync(host.Services.GetRequiredService<ReadModelMonitor>());
                return true;
            case "rebuild":
                return await RebuildAsync(store, host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>(), host.Services.GetRequiredService<LedgerDatabase>(), host.Services.GetRequiredService<ReadModelCatalog>(),
                    input.Names.ToList());
            default:
                AnsiConsole.MarkupLine($"[red]Unknown action '{Markup.Escape(input.Action)}'[/]: use list, status or rebuild.");
                return false;
        }
    }

    private static void ShowCatalogue(ReadModelCatalog catalog)
    {
        var table = new Table().AddColumns("read model", "version", "kept", "document");
        foreach (var model in catalog.Models)
        {
            table.AddRow(model.Name, model.Version.ToString(CultureInfo.InvariantCulture),
                model.Lifecycle == JasperFx.Events.Projections.ProjectionLifecycle.Inline ? "inline" : "async", model.DocumentType.Name);
        }

        AnsiConsole.Write(table);
    }

    private static async Task ShowStatusAsync(ReadModelMonitor monitor)
    {
        var table = new Table().AddColumns("read model", "version", "kept", "position", "high-water mark", "lag (events)", "behind for", "state");
        foreach (var s in await monitor.StatusAsync(_ => null, CancellationToken.None))
        {
            table.AddRow(s.Name, s.Version.ToString(CultureInfo.InvariantCulture), s.Lifecycle, s.Position.ToString("N0", CultureInfo.InvariantCulture),
                s.HighWaterMark.ToString("N0", CultureInfo.InvariantCulture), s.LagEvents.ToString("N0", CultureInfo.InvariantCulture),
                $"{s.LagSeconds:0} s", s.State);
        }

        AnsiConsole.Write(table);
    }

    private static async Task<bool> RebuildAsync(IDocumentStore store, Npgsql.NpgsqlDataSource dataSource, LedgerDatabase database, ReadModelCatalog catalog, List<string> names)
    {
        var unknown = names.Where(n => catalog.Find(n) is null).ToList();
        if (unknown.Count > 0)
        {
            AnsiConsole.MarkupLine($"[red]Unknown read model(s)[/]: {Markup.Escape(string.Join(", ", unknown))}; " +
                $"known: {string.Join(", ", catalog.Models.Select(m => m.Name))}");
            return false;
        }

        var models = catalog.Models.Where(m => names.Count == 0 || names.Contains(m.Name)).ToList();
        // Held until the command ends: an API node cannot start rebuilding these meanwhile, nor another CLI.
        var holds = new List<RebuildLock>();
        try
        {
            foreach (var model in models)
            {
                if (await RebuildLock.TryTakeAsync(store, model.Name, CancellationToken.None) is not { } hold)
                {
                    AnsiConsole.MarkupLine($"[red]{Markup.Escape(model.Name)} is being rebuilt by an API node or another CLI[/]; " +
                        "wait for that rebuild to end.");
                    return false;
                }

                holds.Add(hold);
            }

            return await RebuildAsync(store, dataSource, database, catalog, models);
        }
        finally
        {
            foreach (var hold in holds)
            {
                await hold.DisposeAsync();
            }
        }
    }

    private static async Task<bool> RebuildAsync(IDocumentStore store, Npgsql.NpgsqlDataSource dataSource, LedgerDatabase database, ReadModelCatalog catalog, List<ReadModel> models)
    {
        // The last event's position, not the sequence's: a fresh log's sequence says 1 with no event at 1, and a write
        // that lost its race takes a number no event ever has, so the rebuild would wait for it forever.
        long total;
        await using (var session = store.QuerySession())
        {
            total = await Temporal.TemporalReads.LogPositionAsync(session, CancellationToken.None);
        }

        if (total == 0)
        {
            Console.WriteLine($"The log holds no events yet: nothing to replay; {string.Join(", ", models.Select(m => m.Name))} left empty.");
        }

        foreach (var refresh in await LogStatistics.RefreshIfStaleAsync(store, CancellationToken.None))
        {
            Console.WriteLine(refresh);
        }

        await WarmUpAsync(store, models);
        var ok = true;
        var summary = new Table().AddColumns("read model", "events", "seconds", "events/s");
        var lines = new List<string>();
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                foreach (var model in models)
                {
                    var task = progress.AddTask(model.Name, maxValue: Math.Max(1, total));
                    var started = DateTime.UtcNow;
                    // Beside the serving documents, swapped in at the end: an API node running meanwhile keeps serving
                    // and advancing the previous ones, and picks up from the swap (LiveShardKeeper).
                    var rebuild = ReadModelRebuild.RunAsync(store, dataSource, database.Schema, catalog.Models, model, total, swap => swap(), CancellationToken.None);
                    while (!rebuild.IsCompleted)
                    {
                        await Task.WhenAny(rebuild, Task.Delay(250));
                        var done = ReadModelRebuild.ProgressOf(await store.Advanced.AllProjectionProgress(), model);
                        var rate = done / Math.Max(0.001, (DateTime.UtcNow - started).TotalSeconds);
                        task.Value = Math.Min(done, total);
                        task.Description = $"{model.Name} {done:N0}/{total:N0} events, {rate:N0}/s";
                    }

                    try
                    {
                        await rebuild;
                        var seconds = (DateTime.UtcNow - started).TotalSeconds;
                        task.Value = task.MaxValue;
                        task.Description = $"{model.Name} {total:N0} events in {seconds:0.0} s";
                        summary.AddRow(model.Name, total.ToString("N0", CultureInfo.InvariantCulture), seconds.ToString("0.0", CultureInfo.InvariantCulture),
                            (total / Math.Max(0.001, seconds)).ToString("N0", CultureInfo.InvariantCulture));
                        lines.Add(string.Create(CultureInfo.InvariantCulture, $"rebuilt {model.Name}: {total} events in {seconds:0.000} s"));
                    }
                    catch (RebuildFailedException e)
                    {
                        ok = false;
                        task.Description = $"[red]{Markup.Escape(model.Name)} failed[/]";
                        task.StopTask();
                        lines.Add($"{model.Name} failed, its previous documents kept: {e.Message}");
                        return;
                    }
                    catch (Exception e)
                    {
                        ok = false;
                        task.Description = $"[red]{Markup.Escape(model.Name)} failed[/]";
                        task.StopTask();
                        AnsiConsole.WriteException(e);
                        return;
                    }
                }
            });
        AnsiConsole.Write(summary);

        // One plain line per read model, for logs and scripts (the benchmarks read it).
        lines.ForEach(Console.WriteLine);
        return ok;
    }

    /// <summary>
    /// Marten generates and compiles each document's storage code on first use; doing that before the clock
    /// starts keeps the progress bar's rate and time left about the rebuild itself.
    /// </summary>
    private static async Task WarmUpAsync(IDocumentStore store, IEnumerable<ReadModel> models)
    {
        await using var session = store.QuerySession();
        _ = await session.Events.QueryAllRawEvents().Take(1).ToListAsync();
        var load = typeof(IQuerySession).GetMethods()
            .Single(m => m is { Name: nameof(IQuerySession.LoadAsync), IsGenericMethodDefinition: true } &&
                         m.GetParameters() is [{ ParameterType: var id }, _] && id == typeof(string));
        foreach (var model in models)
        {
            await (Task)load.MakeGenericMethod(model.DocumentType).Invoke(session, ["(warm-up)", CancellationToken.None])!;
        }
    }
}
