using DealLedger.Api;
using DealLedger.Api.Admin;
using DealLedger.Api.Auth;
using DealLedger.Api.Explorer;
using DealLedger.Api.Hosting;
using DealLedger.Api.Limits;
using DealLedger.Api.Reads;
using DealLedger.Api.Seed;
using DealLedger.Projections;
using JasperFx;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Scalar.AspNetCore;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

var builder = WebApplication.CreateBuilder(args);
// JasperFx prints "Searching '<assembly>' for commands" for each of its assemblies, on every start, until a static
// latch flips when extensions are first applied; applying none first keeps the start-up log to lines that say something.
new JasperFx.CommandLine.CommandFactory().ApplyExtensions(new ServiceCollection());
builder.Host.ApplyJasperFxExtensions();
// The API has HTTP endpoints and no message handlers: Wolverine's "found no handlers" warning is expected here.
builder.Logging.AddFilter("Wolverine.Configuration.HandlerDiscovery", LogLevel.Error);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
var posture = Posture.From(builder.Configuration, builder.Environment);
builder.Services.AddSingleton(posture);

using var bootLogging = LoggerFactory.Create(logging => logging.AddConsole());
var (connectionString, ownedDatabase) = await DatabaseProvisioning.ResolveAsync(builder, bootLogging.CreateLogger("DealLedger.Database"));

var databaseOptions = builder.Configuration.GetSection(ConnectionBudget.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
builder.Services.AddSingleton(databaseOptions);
var poolSize = await ConnectionBudget.SizeAsync(connectionString, databaseOptions, bootLogging.CreateLogger("DealLedger.Database"));
ConnectionBudget.Register(builder.Services, connectionString, poolSize, databaseOptions);
var standbyReads = databaseOptions.Reads == ReadPreference.PreferStandby && ConnectionBudget.ListsSeveralHosts(connectionString);
if (databaseOptions.Reads == ReadPreference.PreferStandby && !standbyReads)
{
    bootLogging.CreateLogger("DealLedger.Database").LogWarning(
        "Database:Reads is PreferStandby, but the connection string lists one host: every read goes to it");
}

builder.Services.AddSingleton<StandbyReads>();
builder.Services.AddHttpContextAccessor();

var schema = builder.Configuration["Marten:Schema"] ?? LedgerStore.DefaultSchema;
builder.Services.AddSingleton(new LedgerDatabase(schema));
builder.Services.AddSingleton(new ReadModelCatalog(ReadModels.All));
// Memory for whole deal summaries kept between writes and reads, per store (docs/read-models.md "The bound").
DealLedger.Projections.Deals.DealSummaries.DefaultMegabytes = builder.Configuration.GetValue("Projections:WholeSummariesMegabytes", 64L);
var marten = builder.Services.AddMarten(services =>
    {
        var options = new StoreOptions();
        LedgerStore.ConfigureLedger(options, schema, services.GetRequiredService<ReadModelCatalog>().Models,
            builder.Configuration.GetValue<bool>("Projections:SkipFailingEvents"));
        options.Schema.For<ServingVersion>();
        options.AutoCreateSchemaObjects = posture.ApplySchema ? AutoCreate.CreateOrUpdate : AutoCreate.None;
        // Nodes started together wait for one another's start-up schema application (10 s); one that waits longer starts
        // anyway, logging an error, and applies what is missing on first use, as it did before.
        options.ResourceMigrationFailureMode = ResourceMigrationFailureMode.ContinueOnFailures;
        options.Logger(new DealLedger.Api.Facts.LostRaceLogging(services.GetRequiredService<ILogger<IDocumentStore>>()));
        // Only query sessions that Marten opens itself follow the read preference; write sessions, the daemon, schema
        // changes and locks keep to the primary (Weasel's default for a multi-host data source).
        options.Advanced.MultiHostSettings.WriteSessionPreference = Npgsql.TargetSessionAttributes.Primary;
        options.Advanced.MultiHostSettings.ReadSessionPreference = standbyReads
            ? Npgsql.TargetSessionAttributes.PreferStandby
            : Npgsql.TargetSessionAttributes.Primary;
        return options;
    })
    .UseNpgsqlDataSource()
    .UseReadSessions(standbyReads)
    .IntegrateWithWolverine()
    .AddAsyncDaemon(builder.Configuration.GetValue("Projections:DaemonMode", DaemonMode.Solo));
if (posture.ApplySchema)
{
    // Every table and function before the first request: applied lazily, a burst after a cold start queued behind
    // Weasel's 5 s in-process lock and timed out.
    marten.ApplyAllDatabaseChangesOnStartup();
}

builder.Host.UseWolverine(options =>
{
    // Without this, test runs sometimes scan the test assembly and find no endpoint.
    options.ApplicationAssembly = typeof(Program).Assembly;
    options.AutoBuildMessageStorageOnStartup = posture.ApplySchema ? AutoCreate.CreateOrUpdate : AutoCreate.None;
});
if (builder.Configuration.GetValue("Projections:DaemonMode", DaemonMode.Solo) == DaemonMode.Solo)
{
    // Before the daemon's hosted service: a second Solo node on the same ledger stops here (SoloDaemonLock).
    builder.Services.AddSingleton<SoloDaemonLock>();
    builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp => sp.GetRequiredService<SoloDaemonLock>()));
}

if (!posture.ApplySchema)
{
    // First of the hosted services, so a missing schema stops the start before the daemon or Wolverine touch it.
    builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, SchemaCheck>());
}

// First of all hosted services (inserted last at 0): settings unsafe outside Development stop the start at once.
builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, ProductionChecks>());

builder.Services.AddWolverineHttp();
var forwarded = ForwardedClients.Add(builder.Services, builder.Configuration);

builder.Services.AddOptions<AuthOptions>().Bind(builder.Configuration.GetSection("Auth"))
    .Validate(auth => auth.Problems().Count == 0, "Auth:ApiKeys has keys that cannot be used; each needs a Name and either a Key or a KeyHash (64 hex digits of SHA-256)")
    .ValidateOnStart();
builder.Services.Configure<SeedOptions>(builder.Configuration.GetSection("Seed"));
builder.Services.Configure<DealLedger.Api.Facts.ImportOptions>(builder.Configuration.GetSection(DealLedger.Api.Facts.ImportOptions.Section));
builder.Services.AddAuthentication(ApiKeyHandler.SchemeName)
    .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, null)
    .AddExplorerAdminSession();
var readsNeedKey = builder.Configuration.GetValue<bool>("Auth:RequireKeyForReads");
builder.Services.AddAuthorizationBuilder()
    .AddPolicy(Policies.Write, policy => policy.RequireAuthenticatedUser())
    .AddPolicy(Policies.Admin, policy => policy.RequireRole(Policies.Admin))
    .AddPolicy(AdminSession.Policy, AdminSession.Requirement)
    .SetFallbackPolicy(readsNeedKey ? new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build() : null);

builder.Services.ConfigureHttpJsonOptions(ResponseJson.Configure);
builder.Services.AddProblemDetails(ExpectedOutcomes.Configure);
builder.Services.AddCors(cors => cors.AddDefaultPolicy(posture.CorsPolicy));
builder.Services.AddExceptionHandler<ErrorHandling>();
builder.Services.AddRequestLimits(builder.Configuration);
builder.Services.AddSingleton<ReadModelMonitor>();
builder.Services.AddSingleton<RebuildCoordinator>();
builder.Services.AddSingleton<ReadModelVersions>();
builder.Services.AddScoped<ServingReads>();
builder.Services.AddSingleton<DealLedger.Api.Reads.LedgerNotifications>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<DealLedger.Api.Reads.LedgerNotifications>());
builder.Services.AddSingleton<DealLedger.Api.Deals.CurrentDeals>();
builder.Services.AddHostedService<ReadModelVersionsRefresh>();
builder.Services.AddHostedService<ReadModelWatch>();
builder.Services.AddHostedService<LiveShardKeeper>();
builder.Services.AddHealthChecks()
    .AddCheck<DatabaseHealthCheck>("database", tags: [HealthJson.Ready])
    .AddCheck<ReadModelsHealthCheck>("read-models", tags: [HealthJson.Ready]);
builder.Services.AddOpenApi(options =>
{
    OpenApiRequestBodies.Add(options);
    OpenApiLimitResponses.Add(options);
    DealLedger.Api.Reads.OpenApiReadPositions.Add(options);
    OpenApiDocumentation.Add(options, readsNeedKey);
});
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddHostedService<SeedLoader>();
// The explorer: server-rendered pages (Razor components, static SSR) over the same read models as the API.
builder.Services.AddRazorComponents();

var app = builder.Build();
app.Services.GetRequiredService<IDocumentStore>().Advanced.InitialDataCollection
    .Add(new ForgetAnswersOnReset(app.Services.GetRequiredService<LedgerNotifications>()));

if (forwarded)
{
    // First, so limits, lockouts, logs and the scheme all see the client, not the proxy.
    app.UseForwardedHeaders();
}

app.UseSecurityHeaders();
if (!app.Environment.IsDevelopment())
{
    // Every cookie Secure outside Development, whatever the request's scheme (TLS usually ends at a proxy). Set by the
    // cookie policy rather than antiforgery's own option, which would throw on every plain-HTTP request instead.
    app.UseCookiePolicy(new CookiePolicyOptions { Secure = CookieSecurePolicy.Always });
}

app.UseRelativeRedirects();
app.UseExpectedOutcomeLogging();
app.UseExceptionHandler();
if (!app.Environment.IsDevelopment())
{
    app.UseHsts();
}

app.UseStatusCodePages(DealLedger.Api.Explorer.ExplorerStatusPages.HandleAsync);
app.UseCorrelationIds();
app.UseStaticFiles();
app.UseCors();
app.UseQueryGuard();
app.UseAuthentication();
app.UseRequestLimits();
app.UseAuthorization();
app.UseAntiforgery();
app.UseReadPositions();
app.UseStandbyReads();
if (posture.DocsEnabled)
{
    app.MapOpenApi().AllowAnonymous();
    app.MapScalarApiReference("/docs").AllowAnonymous();
}

var readiness = new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthJson.Ready), ResponseWriter = HealthJson.WriteAsync };
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthJson.WriteAsync }).AllowAnonymous();
app.MapHealthChecks("/health/ready", readiness).AllowAnonymous();
app.MapHealthChecks("/health", readiness).AllowAnonymous();
app.MapWolverineEndpoints(options =>
{
    options.RejectUnparseableQueryValues = true;
    options.ConfigureEndpoints(OpenApiDocumentation.DeclaredSuccessesOnly);
});
app.MapRazorComponents<DealLedger.Api.Explorer.App>();
if (app.Configuration.GetValue<bool>("Benchmarks:BareEndpoint"))
{
    // Benchmark B4's baseline: the same host answering with bytes held in memory (off unless configured).
    BareEndpoint.Map(app);
}

app.Lifetime.ApplicationStarted.Register(() => app.Logger.LogInformation(
    "DealLedger API ready in {Seconds:0.0} s since the process started{Docs}",
    (DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalSeconds,
    posture.DocsEnabled ? "; API reference at /docs" : ""));
var started = false;
app.Lifetime.ApplicationStarted.Register(() => started = true);
var exitCode = await app.RunJasperFxCommands(ReadModelsCommand.Route(args));
if (!started && exitCode == 0 && (args.Length == 0 || args[0].StartsWith('-') || args[0] == "run"))
{
    // Serving, but the host never started (a start-up check refused, the database was missing...): JasperFx's runner
    // returns 0 then, and a supervisor or a script must see the failure.
    exitCode = 1;
}

if (ownedDatabase is not null)
{
    // The development database: a cluster this process started stops with it unless another process still uses it
    // (LocalPostgres' leases); one it found running keeps running.
    try
    {
        await ownedDatabase.DisposeAsync();
    }
    catch (InvalidOperationException e)
    {
        bootLogging.CreateLogger("DealLedger.Database").LogWarning("Development database: could not stop it cleanly: {Reason}", e.Message);
    }
}

return exitCode;

/// <summary>The API host; public so tests can start it.</summary>
public partial class Program;
