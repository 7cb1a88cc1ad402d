using DealLedger.Hosting;
using Testcontainers.PostgreSql;

namespace DealLedger.Testing;

/// <summary>
/// The PostgreSQL server a test run uses: the one named by DEALLEDGER_TEST_CONNECTION when set; else a
/// Testcontainers container where a Docker engine answers; else a throwaway cluster started from the
/// installed server binaries. Started once per test assembly and torn down when its tests are done.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string ConnectionVariable = "DEALLEDGER_TEST_CONNECTION";
    private IAsyncDisposable? _owned;

    public string ConnectionString { get; private set; } = "";

    /// <summary>How the server was obtained, for test output.</summary>
    public string Description { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            ConnectionString = configured;
            Description = $"{ConnectionVariable}";
            return;
        }

        PostgreSqlContainer? container = null;
        try
        {
            container = new PostgreSqlBuilder("postgres:15-alpine").Build();
        }
        catch (DotNet.Testcontainers.Builders.DockerUnavailableException)
        {
            // No Docker engine: fall back to the installed binaries below.
        }

        if (container is not null)
        {
            await container.StartAsync();
            _owned = container;
            ConnectionString = container.GetConnectionString();
            Description = "Testcontainers";
            return;
        }

        var cluster = await LocalPostgres.StartThrowawayAsync();
        _owned = cluster;
        ConnectionString = cluster.ConnectionString();
        Description = $"local cluster {cluster.DataDirectory}";
    }

    public async Task DisposeAsync()
    {
        if (_owned is not null)
        {
            await _owned.DisposeAsync();
        }
    }

    /// <summary>
    /// A schema of its own per test assembly, so assemblies sharing one server (DEALLEDGER_TEST_CONNECTION)
    /// never reset each other's data.
    /// </summary>
    public static string SchemaFor(string assemblyName) =>
        "test_" + new string(assemblyName.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
}
