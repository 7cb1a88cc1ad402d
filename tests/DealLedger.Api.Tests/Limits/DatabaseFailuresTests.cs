using System.Net.Sockets;
using Npgsql;

namespace DealLedger.Api.Tests.Limits;

/// <summary>Which database failures are the server's state (503, retry later) and which the client's input (400).</summary>
public class DatabaseFailuresTests
{
    [Theory]
    [InlineData("57P01")]
    [InlineData("57P03")]
    [InlineData("53300")]
    [InlineData("08006")]
    public void a_server_shutting_down_starting_or_full_is_unavailable(string state)
    {
        var failure = new PostgresException("server says no", "FATAL", "FATAL", state);

        Assert.True(DatabaseFailures.IsUnavailable(failure));
        Assert.True(DatabaseFailures.IsUnavailable(new InvalidOperationException("wrapped", failure)));
    }

    [Fact]
    public void a_refused_connection_and_an_exhausted_pool_are_unavailable()
    {
        Assert.True(DatabaseFailures.IsUnavailable(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.True(DatabaseFailures.IsUnavailable(new NpgsqlException("The connection pool has been exhausted", new TimeoutException())));
    }

    [Fact]
    public void a_transaction_or_connection_disposed_when_the_connection_broke_is_unavailable()
    {
        // What Marten's rollback on a connection broken by a killed postmaster threw, once with no inner exception.
        Assert.True(DatabaseFailures.IsUnavailable(new ObjectDisposedException(nameof(NpgsqlTransaction))));
        Assert.True(DatabaseFailures.IsUnavailable(new ObjectDisposedException(nameof(NpgsqlConnection))));
        Assert.False(DatabaseFailures.IsUnavailable(new ObjectDisposedException("SomethingElse")));
    }

    [Fact]
    public void a_nul_in_text_is_bad_input_and_a_constraint_violation_is_neither()
    {
        Assert.True(DatabaseFailures.IsBadInput(new PostgresException("invalid byte sequence", "ERROR", "ERROR", "22P05")));
        var unique = new PostgresException("duplicate key", "ERROR", "ERROR", "23505");
        Assert.False(DatabaseFailures.IsBadInput(unique));
        Assert.False(DatabaseFailures.IsUnavailable(unique));
    }
}
