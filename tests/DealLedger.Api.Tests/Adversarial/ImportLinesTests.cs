using System.Text;
using DealLedger.Api.Facts;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Adversarial;

/// <summary>An import file is read as bytes, line by line, wherever the reads happen to split it.</summary>
public class ImportLinesTests
{
    private static readonly DateOnly Today = new(2026, 1, 1);

    /// <summary>A stream that hands out one byte per read, so every line end falls on a read boundary once.</summary>
    private sealed class ByteByByte(byte[] bytes) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 1)], cancellationToken);
    }

    [Fact]
    public async Task lines_end_with_lf_crlf_or_cr_after_a_byte_order_mark_however_the_file_arrives()
    {
        string Deal(int i) => Envelopes.Deal($"d{i}", $"deal-{i}", "2025-01-01").ToJsonString();
        var file = "\uFEFF" + Deal(1) + "\r\n" + Deal(2) + "\r" + Deal(3) + "\n\r\n" + "{ not json" + "\r\n" + Deal(5);
        var bytes = Encoding.UTF8.GetBytes(file);

        var whole = ImportFactsEndpoint.Parse(bytes, Today);
        var trickled = await ImportFactsEndpoint.ParseAsync(new ByteByByte(bytes), Today, CancellationToken.None);

        foreach (var (facts, errors) in new[] { whole, trickled })
        {
            Assert.Equal([(1, "d1"), (2, "d2"), (3, "d3"), (6, "d5")], facts.Select(f => (f.Line, f.Fact.FactId)));
            Assert.Equal(5, Assert.Single(errors).Line);
        }
    }
}
