using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Alba;
using JasperFx.CommandLine;
using Marten;
using Marten.Events;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wolverine;

namespace DealLedger.Testing.Api;

/// <summary>The whole API in process (Alba) on the run's PostgreSQL, with a writer key named "test".</summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public const string Key = "test-key";
    public const string KeyName = "test";
    public const string AdminKey = "test-admin-key";
    private readonly PostgresServer _server = new();

    /// <summary>
    /// Turns the per-client request windows off: a test process is one client at one address (or none, in process),
    /// which is not what they limit. Tests of the limits set their own.
    /// </summary>
    public static readonly (string Key, string Value)[] NoClientLimits =
        [("RateLimits:PerKey:PermitLimit", "0"), ("RateLimits:PerAddress:PermitLimit", "0"), ("RateLimits:WrongKeys:PermitLimit", "0")];

    public IAlbaHost Host { get; private set; } = null!;

    public IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();

    /// <summary>The run's PostgreSQL server, for hosts and stores of their own.</summary>
    public string ConnectionString => _server.ConnectionString;

    /// <summary>Settings of the main host beyond the test defaults (the benchmarks turn its daemon off).</summary>
    public (string Key, string Value)[] Settings { get; init; } = [];

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        Host = await StartHostAsync(null, Settings);
    }

    /// <summary>
    /// Another API host on the same database with some settings changed (its async daemon off, so it never
    /// competes with the main host's).
    /// </summary>
    public Task<IAlbaHost> WithSettingsAsync(params (string Key, string Value)[] settings) =>
        StartHostAsync(null, [("Projections:DaemonMode", "Disabled"), .. settings]);

    /// <summary>
    /// An API host of its own (own schema, own daemon) on the same server, with extra services: for tests
    /// that break things, such as a projection that fails.
    /// </summary>
    public Task<IAlbaHost> IsolatedHostAsync(string schema, Action<IServiceCollection> services, params (string Key, string Value)[] settings) =>
        StartHostAsync(services, [("Marten:Schema", schema), .. settings]);

    /// <summary>Another API host on the same database with extra services and its async daemon off.</summary>
    public Task<IAlbaHost> WithServicesAsync(Action<IServiceCollection> services, params (string Key, string Value)[] settings) =>
        StartHostAsync(services, [("Projections:DaemonMode", "Disabled"), .. settings]);

    private async Task<IAlbaHost> StartHostAsync(Action<IServiceCollection>? extraServices = null, params (string Key, string Value)[] settings)
    {
        JasperFxEnvironment.AutoStartHost = true;
        return await AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSolutionRelativeContentRoot("src/DealLedger.Api");
            builder.UseSetting("ConnectionStrings:Marten", _server.ConnectionString);
            builder.UseSetting("Marten:Schema", PostgresServer.SchemaFor(typeof(ApiFixture).Assembly.GetName().Name!));
            builder.UseSetting("Seed:Enabled", "false");
            builder.UseSetting("Auth:ApiKeys:0:Name", KeyName);
            builder.UseSetting("Auth:ApiKeys:0:Key", Key);
            builder.UseSetting("Auth:ApiKeys:0:Admin", "false");
            builder.UseSetting("Auth:ApiKeys:1:Name", "test-admin");
            builder.UseSetting("Auth:ApiKeys:1:Key", AdminKey);
            builder.UseSetting("Auth:ApiKeys:1:Admin", "true");
            builder.ConfigureServices(services =>
            {
                services.RunWolverineInSoloMode();
                services.DisableAllExternalWolverineTransports();
                extraServices?.Invoke(services);
            });
            builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            foreach (var (key, value) in NoClientLimits.Concat(settings))
            {
                builder.UseSetting(key, value);
            }
        });
    }

    public HttpClient Client(bool withKey = true) => Client(withKey ? Key : null);

    public HttpClient Client(string? key) => ClientOf(Host, key);

    /// <summary>A client of any in-process host, sending <paramref name="key"/> as its API key when given.</summary>
    public static HttpClient ClientOf(IAlbaHost host, string? key)
    {
        var client = host.Server.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }

    public Task ResetAsync() => Host.ResetAllMartenDataAsync();

    public Task CatchUpAsync() => CatchUp.WaitAsync(Store, Host.WaitForNonStaleProjectionDataAsync);

    /// <summary>How many facts the log holds (not counting the tombstones Marten writes for failed appends).</summary>
    public async Task<long> EventCountAsync()
    {
        await using var session = Store.QuerySession();
        return (await session.Events.QueryAllRawEvents().ToListAsync()).Count(e => e.Data is DealLedger.Domain.Sources.IFact);
    }

    public async Task<HttpResponseMessage> PostFactAsync(JsonNode envelope, HttpClient? client = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/facts")
        {
            Content = new StringContent(envelope.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await (client ?? Client()).SendAsync(request);
    }

    public async Task<HttpResponseMessage> ImportAsync(string ndjson, HttpClient? client = null) =>
        await (client ?? Client()).PostAsync("/facts/import", new StringContent(ndjson, Encoding.UTF8, "application/x-ndjson"));

    public async Task ImportSeedAsync()
    {
        var response = await ImportAsync(Encoding.UTF8.GetString(SeedData.Bytes()));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Reads as an anonymous caller, or with <paramref name="key"/> (recorder names are shown to keyed callers only).</summary>
    public async Task<JsonNode> GetJsonAsync(string url, string? key = null)
    {
        var response = await Client(key).GetAsync(url);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!;
    }

    public async Task DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        await _server.DisposeAsync();
    }
}
