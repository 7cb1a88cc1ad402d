using DealLedger.Api;
using DealLedger.Api.Admin;
using DealLedger.Api.Auth;
using DealLedger.Api.Hosting;
using DealLedger.Api.Seed;
using DealLedger.Projections;
using JasperFx;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.AspNetCore.Authentication;
using Scalar.AspNetCore;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

var builder = WebApplication.CreateBuilder(args);
builder.Host.ApplyJasperFxExtensions();

using var bootLogging = LoggerFactory.Create(logging => logging.AddConsole());
var (connectionString, ownedDatabase) = await DatabaseProvisioning.ResolveAsync(builder, bootLogging.CreateLogger("DealLedger.Database"));

var schema = builder.Configuration["Marten:Schema"] ?? LedgerStore.DefaultSchema;
builder.Services.AddSingleton(new LedgerDatabase(connectionString, schema));
builder.Services.AddSingleton(new ReadModelCatalog(ReadModels.All));
builder.Services.AddMarten(services =>
    {
        var options = new StoreOptions();
        LedgerStore.Configure(options, connectionString, schema, services.GetRequiredService<ReadModelCatalog>().Models);
        options.Schema.For<ServingVersion>();
        return options;
    })
    .UseLightweightSessions()
    .IntegrateWithWolverine()
    .AddAsyncDaemon(builder.Configuration.GetValue("Projections:DaemonMode", DaemonMode.Solo));

builder.Host.UseWolverine(options =>
{
    // Without this, test runs sometimes scan the test assembly and find no endpoint.
    options.ApplicationAssembly = typeof(Program).Assembly;
});
builder.Services.AddWolverineHttp();

builder.Services.Configure<AuthOptions>(builder.Configuration.GetSection("Auth"));
builder.Services.Configure<SeedOptions>(builder.Configuration.GetSection("Seed"));
builder.Services.AddAuthentication(ApiKeyHandler.SchemeName)
    .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, null);
var readsNeedKey = builder.Configuration.GetValue<bool>("Auth:RequireKeyForReads");
builder.Services.AddAuthorizationBuilder()
    .AddPolicy(Policies.Write, policy => policy.RequireAuthenticatedUser())
    .AddPolicy(Policies.Admin, policy => policy.RequireRole(Policies.Admin))
    .SetFallbackPolicy(readsNeedKey ? new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build() : null);

builder.Services.ConfigureHttpJsonOptions(ResponseJson.Configure);
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<ErrorHandling>();
builder.Services.AddSingleton<ReadModelMonitor>();
builder.Services.AddSingleton<RebuildCoordinator>();
builder.Services.AddSingleton<ReadModelVersions>();
builder.Services.AddScoped<ServingReads>();
builder.Services.AddSingleton<DealLedger.Api.Deals.CurrentDeals>();
builder.Services.AddHostedService<ReadModelVersionsRefresh>();
builder.Services.AddHostedService<ReadModelWatch>();
builder.Services.AddHostedService<LiveShardKeeper>();
builder.Services.AddHealthChecks()
    .AddCheck<DatabaseHealthCheck>("database")
    .AddCheck<ReadModelsHealthCheck>("read-models");
builder.Services.AddOpenApi(OpenApiRequestBodies.Add);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddHostedService<SeedLoader>();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCorrelationIds();
app.UseAuthentication();
app.UseAuthorization();
app.MapOpenApi().AllowAnonymous();
app.MapScalarApiReference("/docs").AllowAnonymous();
app.MapHealthChecks("/health", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { ResponseWriter = HealthJson.WriteAsync })
    .AllowAnonymous();
app.MapWolverineEndpoints(options => options.RejectUnparseableQueryValues = true);
if (app.Configuration.GetValue<bool>("Benchmarks:BareEndpoint"))
{
    // Benchmark B4's baseline: the same host answering with bytes held in memory (off unless configured).
    BareEndpoint.Map(app);
}

var exitCode = await app.RunJasperFxCommands(ReadModelsCommand.Route(args));
if (ownedDatabase is not null)
{
    // The development database this process started (serving the API or a CLI command) stops with it.
    await ownedDatabase.DisposeAsync();
}

return exitCode;

/// <summary>The API host; public so tests can start it.</summary>
public partial class Program;
