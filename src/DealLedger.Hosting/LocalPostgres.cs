using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace DealLedger.Hosting;

/// <summary>
/// A PostgreSQL cluster run from the server binaries installed on this machine (Debian's postgresql package
/// or any initdb/pg_ctl on PATH), for development and tests where no Docker engine answers. PostgreSQL
/// refuses to run as root, so as root the cluster is owned and run by the <c>postgres</c> OS user.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    private const string Prefix = "dealledger-pg-";
    private readonly string _binDir;
    private readonly bool _throwaway;
    private readonly bool _durable;
    private ClusterLease? _lease;

    private LocalPostgres(string binDir, string dataDirectory, int port, bool throwaway, bool durable)
    {
        _binDir = binDir;
        DataDirectory = dataDirectory;
        Port = port;
        _throwaway = throwaway;
        _durable = durable;
    }

    public string DataDirectory { get; }

    /// <summary>
    /// True when this process started the server; false when it found it running (started by another process, or
    /// left running by one that was killed), in which case disposing leaves it running.
    /// </summary>
    public bool StartedHere { get; private set; }

    public int Port { get; }

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Database={database};Username=postgres;Password=postgres";

    /// <summary>True when server binaries can be found, so <see cref="StartAsync"/> can work.</summary>
    public static bool BinariesAvailable() => FindBinDirectory() is not null;

    /// <summary>
    /// Starts a throwaway cluster in a new temporary folder, tuned for speed over durability (fsync off) unless
    /// <paramref name="durable"/>: for tests only. Removed again on dispose; folders left behind by killed runs
    /// are swept first.
    /// </summary>
    /// <param name="durable">fsync, synchronous commit and full-page writes on, as in production: for tests of
    /// what survives a crash of the server.</param>
    public static async Task<LocalPostgres> StartThrowawayAsync(bool durable = false, CancellationToken cancellation = default)
    {
        SweepStaleThrowaways();
        var directory = Path.Combine(Path.GetTempPath(), Prefix + Guid.NewGuid().ToString("N")[..12]);
        return await StartAsync(directory, throwaway: true, durable, cancellation);
    }

    /// <summary>
    /// Starts (initialising it on first use) a cluster whose data survives restarts, for development, or uses the
    /// one already running on that folder. Every process using it holds a lease beside the folder
    /// (<see cref="ClusterLease"/>); disposing stops the server only when this process started it and no other
    /// process holds a lease, so a command run beside the API never stops the API's database.
    /// </summary>
    public static async Task<LocalPostgres> StartPersistentAsync(string dataDirectory, CancellationToken cancellation = default)
    {
        dataDirectory = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        // Starting and stopping are decided under one lock, so two processes starting together start one server, and
        // a process stopping it cannot race one that is about to use it.
        await using var turn = await ClusterLease.TakeTurnAsync(dataDirectory, cancellation);
        var lease = ClusterLease.Hold(dataDirectory);
        try
        {
            var cluster = await StartAsync(dataDirectory, throwaway: false, durable: true, cancellation);
            cluster._lease = lease;
            return cluster;
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    private static async Task<LocalPostgres> StartAsync(string dataDirectory, bool throwaway, bool durable, CancellationToken cancellation)
    {
        var bin = FindBinDirectory() ?? throw new InvalidOperationException(
            "No PostgreSQL server binaries found (initdb, pg_ctl). Install Debian's 'postgresql' package, " +
            "set DEALLEDGER_PG_BIN to their folder, or configure ConnectionStrings:Marten.");
        Directory.CreateDirectory(dataDirectory);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", dataDirectory], cancellation);
        }

        if (!throwaway && RunningPort(dataDirectory) is { } runningPort)
        {
            // Started by another process (still running, or killed since): use it as it is, and leave it running.
            return new LocalPostgres(bin, dataDirectory, runningPort, throwaway, durable);
        }

        var postgres = new LocalPostgres(bin, dataDirectory, FreePort(), throwaway, durable);
        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            var passwordFile = Path.Combine(dataDirectory, "..", $".{Path.GetFileName(dataDirectory)}.pw");
            await File.WriteAllTextAsync(passwordFile, "postgres\n", cancellation);
            if (asRoot)
            {
                await RunAsync("chown", ["postgres:postgres", passwordFile], cancellation);
            }

            try
            {
                await postgres.PgAsync("initdb", ["-D", dataDirectory, "-U", "postgres", "--pwfile", passwordFile,
                    "--auth=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync"], cancellation);
            }
            finally
            {
                File.Delete(passwordFile);
            }
        }

        await postgres.StartServerAsync(cancellation);
        postgres.StartedHere = true;
        return postgres;
    }

    /// <summary>The server's process id (the postmaster, from postmaster.pid) while it runs, else null.</summary>
    public int? PostmasterProcessId
    {
        get
        {
            var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
            return File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid) && Directory.Exists($"/proc/{pid}")
                ? pid
                : null;
        }
    }

    /// <summary>
    /// Starts a streaming replica of this running cluster, for tests of reads on hot standbys: a base backup of it
    /// (<c>pg_basebackup -R</c>, which also writes the standby's <c>primary_conninfo</c> and <c>standby.signal</c>) in a
    /// new throwaway folder, started on a port of its own. PostgreSQL 15's defaults are what replication needs
    /// (<c>wal_level=replica</c>, <c>max_wal_senders=10</c>, <c>hot_standby=on</c>, and initdb's pg_hba.conf lets
    /// <c>replication</c> connect from 127.0.0.1 with a password). Removed again on dispose.
    /// </summary>
    public async Task<LocalPostgres> StartStandbyAsync(CancellationToken cancellation = default)
    {
        var directory = Path.Combine(Path.GetTempPath(), Prefix + Guid.NewGuid().ToString("N")[..12]);
        var standby = new LocalPostgres(_binDir, directory, FreePort(), throwaway: true, _durable);
        await PgAsync("pg_basebackup", ["-d", $"host=127.0.0.1 port={Port} user=postgres password=postgres", "-D", directory,
            "-R", "-X", "stream", "-c", "fast", "--no-sync"], cancellation);
        await standby.StartServerAsync(cancellation);
        return standby;
    }

    /// <summary>
    /// Stops the server cleanly (<c>pg_ctl stop -m fast</c>, which signals the postmaster named in its pid file and
    /// waits for it to end); the data folder stays until dispose, so <see cref="StartAgainAsync"/> can start it again.
    /// </summary>
    public Task StopAsync(CancellationToken cancellation = default) =>
        PgAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"], cancellation);

    /// <summary>
    /// Starts the server again on the same data folder and port, after it stopped or crashed (PostgreSQL then
    /// replays its write-ahead log first). Fails while processes of the crashed server still hold its shared
    /// memory; they end by themselves once they notice, so callers retry.
    /// </summary>
    public Task StartAgainAsync(CancellationToken cancellation = default) => StartServerAsync(cancellation);

    private Task StartServerAsync(CancellationToken cancellation)
    {
        var options = $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=200";
        options += _durable
            ? " -c fsync=on -c synchronous_commit=on -c full_page_writes=on"
            : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        return PgAsync("pg_ctl", ["-D", DataDirectory, "-o", options, "-l",
            Path.Combine(DataDirectory, "server.log"), "-w", "-t", "60", "start"], cancellation);
    }

    public async ValueTask DisposeAsync()
    {
        if (_lease is not null)
        {
            await ReleaseLeaseAsync(_lease);
            return;
        }

        try
        {
            // A throwaway server that a test killed has nothing left to stop (pg_ctl would fail on its stale pid file).
            if (!_throwaway || PostmasterProcessId is not null)
            {
                await PgAsync("pg_ctl", ["-D", DataDirectory, "-m", _throwaway ? "immediate" : "fast", "-w", "stop"], CancellationToken.None);
            }
        }
        finally
        {
            if (_throwaway)
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
        }
    }

    /// <summary>
    /// Gives up this process's lease; stops the server when this process started it and no other process holds a
    /// lease (holders killed with -9 hold none: their file lock went with them). Otherwise it keeps running.
    /// </summary>
    private async Task ReleaseLeaseAsync(ClusterLease lease)
    {
        await using var turn = await ClusterLease.TakeTurnAsync(DataDirectory, CancellationToken.None);
        lease.Dispose();
        if (StartedHere && ClusterLease.Holders(DataDirectory) == 0 && PostmasterProcessId is not null)
        {
            await PgAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"], CancellationToken.None);
        }
    }

    private static string? FindBinDirectory()
    {
        var candidates = new List<string?> { Environment.GetEnvironmentVariable("DEALLEDGER_PG_BIN") };
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator));
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        }

        return candidates.FirstOrDefault(d => !string.IsNullOrEmpty(d)
            && File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    /// <summary>Removes throwaway clusters whose server is gone (a test run that was killed).</summary>
    private static void SweepStaleThrowaways()
    {
        foreach (var directory in Directory.GetDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            var pidFile = Path.Combine(directory, "postmaster.pid");
            var alive = File.Exists(pidFile)
                && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid)
                && Directory.Exists($"/proc/{pid}");
            if (!alive && Directory.GetLastWriteTimeUtc(directory) < DateTime.UtcNow.AddMinutes(-10))
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                    // Another run may be using or removing it; leave it.
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
    }

    /// <summary>The port of a server already running on this data folder (line 4 of postmaster.pid), if any.</summary>
    private static int? RunningPort(string dataDirectory)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return null;
        }

        var lines = File.ReadAllLines(pidFile);
        return lines.Length > 3 && int.TryParse(lines[0], out var pid) && Directory.Exists($"/proc/{pid}")
            && int.TryParse(lines[3], out var port)
                ? port
                : null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task PgAsync(string tool, string[] arguments, CancellationToken cancellation)
    {
        var path = ToolPath(tool);
        return Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments], cancellation)
            : RunAsync(path, arguments, cancellation);
    }

    /// <summary>A server tool from the binaries' folder, or from beside initdb's real file when only some are linked there (/usr/local/bin).</summary>
    private string ToolPath(string tool)
    {
        var path = Path.Combine(_binDir, tool);
        if (File.Exists(path))
        {
            return path;
        }

        var initdb = new FileInfo(Path.Combine(_binDir, "initdb"));
        var real = initdb.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? initdb.FullName;
        return Path.Combine(Path.GetDirectoryName(real)!, tool);
    }

    private static async Task RunAsync(string file, string[] arguments, CancellationToken cancellation)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync(cancellation);
        var error = process.StandardError.ReadToEndAsync(cancellation);
        await process.WaitForExitAsync(cancellation);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}{await output}");
        }
    }
}
