using DealLedger.Hosting;
using Npgsql;
using Testcontainers.PostgreSql;

namespace DealLedger.Api.Hosting;

/// <summary>
/// Finds the database: <c>ConnectionStrings:Marten</c> when configured; otherwise, in Development only, a
/// local PostgreSQL of its own: a container where a Docker engine answers, else a cluster from the installed
/// server binaries in a data folder that survives restarts.
/// </summary>
public static class DatabaseProvisioning
{
    public const string ConnectionStringName = "Marten";
    private const string DatabaseName = "dealledger";

    /// <summary>The connection string, and what was started to serve it (to stop when the host stops), if anything.</summary>
    public static async Task<(string ConnectionString, IAsyncDisposable? Owned)> ResolveAsync(WebApplicationBuilder builder, ILogger logger)
    {
        var configured = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return (configured, null);
        }

        if (!builder.Environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                "ConnectionStrings:Marten is not configured. Set it (e.g. the environment variable " +
                "ConnectionStrings__Marten); only the Development environment provisions a database by itself.");
        }

        logger.LogInformation("Development database: no ConnectionStrings:Marten, so starting one (a Docker container, else the installed PostgreSQL binaries)");
        var started = System.Diagnostics.Stopwatch.StartNew();
        var container = await TryStartContainerAsync(logger);
        if (container is not null)
        {
            logger.LogInformation("Development database: PostgreSQL container {Id} at {ConnectionString}, ready in {Seconds:0.0} s",
                container.Id, Redact(container.GetConnectionString()), started.Elapsed.TotalSeconds);
            return (container.GetConnectionString(), container);
        }

        var directory = builder.Configuration["LocalPostgres:DataDirectory"] ?? DefaultDataDirectory();
        if (!File.Exists(Path.Combine(directory, "PG_VERSION")))
        {
            logger.LogInformation("Development database: creating a local PostgreSQL cluster in {DataDirectory} (first start only, a few seconds)", directory);
        }

        var cluster = await LocalPostgres.StartPersistentAsync(directory);
        if (cluster.StartedHere)
        {
            logger.LogInformation("Development database: started the local PostgreSQL cluster in {DataDirectory}; it stops when this process " +
                "exits, unless another process still uses it", directory);
        }
        else
        {
            logger.LogInformation("Development database: using the local PostgreSQL cluster already running in {DataDirectory}; " +
                "it keeps running when this process exits", directory);
        }

        await EnsureDatabaseAsync(cluster.ConnectionString(), DatabaseName);
        var connectionString = cluster.ConnectionString(DatabaseName);
        logger.LogInformation(
            "Development database: listening on 127.0.0.1:{Port} ({ConnectionString}), ready in {Seconds:0.0} s",
            cluster.Port, Redact(connectionString), started.Elapsed.TotalSeconds);
        return (connectionString, cluster);
    }

    public static async Task EnsureDatabaseAsync(string serverConnectionString, string database)
    {
        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync();
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", connection)
        {
            Parameters = { new() { Value = database } },
        };
        if (await exists.ExecuteScalarAsync() is null)
        {
            await using var create = new NpgsqlCommand($"create database \"{database}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
    }

    /// <summary>A container when a Docker engine answers; null (quickly) when none does.</summary>
    public static async Task<PostgreSqlContainer?> TryStartContainerAsync(ILogger logger, string? volume = "dealledger-pgdata")
    {
        PostgreSqlContainer container;
        try
        {
            var builder = new PostgreSqlBuilder("postgres:15-alpine");
            if (volume is not null)
            {
                // One container per volume, shared by every process of ours (the API, a command beside it): a second
                // container on the same data folder would run a second server on it, which PostgreSQL cannot detect
                // across containers. Testcontainers' reuse finds the running one by its configuration; a reused
                // container is not removed when a process exits, as the local cluster a process found running is not.
                builder = builder.WithVolumeMount(volume, "/var/lib/postgresql/data")
                    .WithReuse(true)
                    .WithLabel("reuse-id", $"dealledger-development-{volume}");
            }

            container = builder.Build();
        }
        catch (DotNet.Testcontainers.Builders.DockerUnavailableException e)
        {
            // Testcontainers' message runs to six lines of configuration advice: one line here, the rest at Debug.
            logger.LogInformation("Development database: no Docker engine answers; using the installed PostgreSQL binaries");
            logger.LogDebug(e, "Docker engine not available");
            return null;
        }

        await container.StartAsync();
        return container;
    }

    private static string DefaultDataDirectory() =>
        Environment.UserName == "root"
            ? "/var/lib/dealledger/pgdata"
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "dealledger", "pgdata");

    private static string Redact(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Password = "***" }.ConnectionString;
}
