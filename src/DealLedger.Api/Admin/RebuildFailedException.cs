namespace DealLedger.Api.Admin;

/// <summary>A rebuild stopped on an error; the message says why in one line, the log has the details.</summary>
public sealed class RebuildFailedException(string reason, Exception? inner = null) : Exception(reason, inner)
{
    /// <summary>One line for an unexpected error: its type and message, and its root cause's, never a stack trace.</summary>
    public static string Describe(Exception e) => OneLine(e.InnerException is null ? $"{e.GetType().Name}: {e.Message}" : $"{e.GetType().Name}: {e.Message} ({RootOf(e)})");

    /// <summary>The innermost exception's type and message, in one line.</summary>
    public static string RootOf(Exception e)
    {
        while (e.InnerException is { } inner)
        {
            e = inner;
        }

        return OneLine($"{e.GetType().Name}: {e.Message}");
    }

    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
