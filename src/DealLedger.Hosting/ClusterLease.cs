using System.Diagnostics;

namespace DealLedger.Hosting;

/// <summary>
/// A process's claim on a development cluster, so that only the last user of the cluster that started it stops it.
/// Each holder keeps a file in <c>&lt;data folder&gt;.leases/</c> open under an exclusive lock (<c>flock</c>, which
/// .NET takes for <see cref="FileShare.None"/> on Unix). The operating system drops the lock when the process ends,
/// however it ends, so a holder killed with -9 stops counting at once; its file is swept by the next count.
/// Starting and stopping take turns under the same kind of lock on <c>&lt;data folder&gt;.lock</c>.
/// </summary>
public sealed class ClusterLease : IDisposable
{
    private readonly FileStream _file;

    private ClusterLease(FileStream file) => _file = file;

    /// <summary>Registers this process as a user of the cluster in <paramref name="dataDirectory"/>.</summary>
    public static ClusterLease Hold(string dataDirectory)
    {
        var folder = LeasesFolder(dataDirectory);
        Directory.CreateDirectory(folder);
        // Sweeps the files of holders that are gone (killed), so the folder lists live holders only.
        _ = Holders(dataDirectory);
        var path = Path.Combine(folder, $"{Environment.ProcessId}-{Guid.NewGuid():N}");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        // For a person looking at the folder: which process holds it, and since when.
        var note = System.Text.Encoding.UTF8.GetBytes(
            $"pid {Environment.ProcessId} since {DateTime.UtcNow:O}: {string.Join(' ', Environment.GetCommandLineArgs())}\n");
        file.Write(note);
        file.Flush();
        return new ClusterLease(file);
    }

    /// <summary>
    /// How many live processes hold a lease on the cluster (this one included, while it holds its own). Files of
    /// holders that are gone are removed.
    /// </summary>
    public static int Holders(string dataDirectory)
    {
        var folder = LeasesFolder(dataDirectory);
        if (!Directory.Exists(folder))
        {
            return 0;
        }

        var live = 0;
        foreach (var path in Directory.GetFiles(folder))
        {
            if (IsHeld(path))
            {
                live++;
            }
            else
            {
                TryDelete(path);
            }
        }

        return live;
    }

    /// <summary>
    /// Waits for this process's turn to start or stop the cluster (another process may be initialising or stopping
    /// it), for up to two minutes.
    /// </summary>
    public static async Task<IAsyncDisposable> TakeTurnAsync(string dataDirectory, CancellationToken cancellation)
    {
        var path = Path.GetFullPath(dataDirectory).TrimEnd(Path.DirectorySeparatorChar) + ".lock";
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < TimeSpan.FromMinutes(2))
            {
                await Task.Delay(100, cancellation);
            }
            catch (IOException e)
            {
                throw new IOException($"Another process has been starting or stopping the PostgreSQL cluster in {dataDirectory} " +
                    $"for over two minutes (it holds {path}).", e);
            }
        }
    }

    public void Dispose()
    {
        var path = _file.Name;
        _file.Dispose();
        TryDelete(path);
    }

    private static string LeasesFolder(string dataDirectory) =>
        Path.GetFullPath(dataDirectory).TrimEnd(Path.DirectorySeparatorChar) + ".leases";

    private static bool IsHeld(string path)
    {
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
            return false;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            // Another user's lease (a cluster shared across accounts): count it rather than stop under its feet.
            return true;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
