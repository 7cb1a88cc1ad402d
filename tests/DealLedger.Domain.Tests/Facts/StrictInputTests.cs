using System.Text;
using System.Text.Json;
using DealLedger.Domain.Deals;
using DealLedger.Domain.Facts;

namespace DealLedger.Domain.Tests.Facts;

/// <summary>A fact is recorded as sent, apart from the normalisations docs/facts.md documents, or refused naming the field.</summary>
public class StrictInputTests
{
    private static readonly DateOnly Today = new(2025, 9, 12);

    private const string Source = """{ "publisher": "Wire", "title": "Oracle contract", "kind": "press", "language": "en", "cites": [ { "publisher": "People familiar", "kind": "press" } ] }""";

    private static string Value(string amount) => $$"""
        { "factId": "v1", "type": "deal.value-reported", "subject": "oracle-openai-cloud-2025", "reportedOn": "2025-09-10",
          "source": {{Source}},
          "data": { "term": "total", "value": { "amount": {{amount}}, "currency": "USD" } } }
        """;

    private static string Envelope(string type, string data) => $$"""
        { "factId": "f1", "type": "{{type}}", "subject": "oracle-openai-cloud-2025", "reportedOn": "2025-09-10",
          "source": {{Source}}, "data": {{data}} }
        """;

    private static (ParsedFact? Fact, IReadOnlyList<FieldError> Errors) Parse(string json) => Parse(Encoding.UTF8.GetBytes(json));

    private static (ParsedFact? Fact, IReadOnlyList<FieldError> Errors) Parse(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        return FactParser.Parse(document.RootElement, Today);
    }

    private static void AssertRefused(string json, string field, string message)
    {
        var (fact, errors) = Parse(json);

        Assert.Null(fact);
        Assert.Contains(new FieldError(field, message), errors);
    }

    [Theory]
    [InlineData("1e-30")]
    [InlineData("1E-400")]
    [InlineData("1e-99999999999999999999")]
    [InlineData("0.00001")]
    [InlineData("300000000000.00000000000000000000000001")]
    [InlineData("1.00000000000000000000000000001")]
    [InlineData("12345678901234.567891")]
    public void an_amount_that_would_lose_digits_is_refused_with_the_decimal_rule(string amount) =>
        AssertRefused(Value(amount), "data.value.amount", FactLimits.RangeMessage(FactLimits.Amount));

    [Theory]
    [InlineData("1e400")]
    [InlineData("1e99999999999999999999")]
    [InlineData("79228162514264337593543950336")]
    [InlineData("-1e-30")]
    public void an_amount_beyond_decimal_or_with_an_overflowing_exponent_is_refused_with_the_same_rule(string amount) =>
        AssertRefused(Value(amount), "data.value.amount", FactLimits.RangeMessage(FactLimits.Amount));

    [Theory]
    [InlineData("deal.capacity-reported", """{ "gigawatts": 1.0000000000000000000000000001 }""", "data.gigawatts")]
    [InlineData("deal.capacity-reported", """{ "gigawatts": 5e-30 }""", "data.gigawatts")]
    [InlineData("deal.duration-reported", """{ "months": 60.0000000000000000000000000001 }""", "data.months")]
    [InlineData("deal.duration-reported", """{ "months": 1e-40 }""", "data.months")]
    public void every_other_decimal_that_would_lose_digits_is_refused_with_its_rule(string type, string data, string field)
    {
        var limit = field == "data.gigawatts" ? FactLimits.Gigawatts : FactLimits.DurationMonths;

        AssertRefused(Envelope(type, data), field, FactLimits.RangeMessage(limit));
    }

    [Theory]
    [InlineData("3e11", "300000000000")]
    [InlineData("3.000E+11", "300000000000")]
    [InlineData("300000000000.1234", "300000000000.1234")]
    [InlineData("123456.78900000000000000000000000", "123456.789")]
    [InlineData("1234567800e-4", "123456.78")]
    [InlineData("0e-5000", "0")]
    public void an_amount_written_another_way_is_recorded_as_its_exact_value(string amount, string value)
    {
        var (fact, errors) = Parse(Value(amount));

        Assert.Empty(errors);
        Assert.Equal(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), Assert.IsType<DealValueReported>(fact!.Event).Value.Amount);
    }

    [Theory]
    [InlineData("""{ "factId": "v1", "factId": "v2", "type": "deal.value-reported", "subject": "s", "reportedOn": "2025-09-10", "source": {}, "data": {} }""", "factId")]
    [InlineData("""{ "subject": "a", "\u0073ubject": "b" }""", "subject")]
    [InlineData("""{ "source": { "publisher": "A", "kind": "press", "publisher": "B" } }""", "source.publisher")]
    [InlineData("""{ "data": { "value": { "amount": 1, "amount": 300000000000 } } }""", "data.value.amount")]
    [InlineData("""{ "source": { "cites": [ { "kind": "press" }, { "kind": "press", "kind": "filing" } ] } }""", "source.cites[1].kind")]
    [InlineData("""{ "data": { "unknown": [ [ { "x": 1, "x": 2 } ] ] } }""", "data.unknown[0][0].x")]
    public void a_key_given_twice_is_refused_naming_its_path_at_any_depth(string json, string path) =>
        AssertRefused(json, path, "is given more than once; a key may appear once in an object");

    [Fact]
    public void a_duplicate_key_in_a_valid_fact_is_refused_instead_of_the_last_value_winning()
    {
        var (fact, errors) = Parse(Value("""1, "amount": 300000000000"""));

        Assert.Null(fact);
        Assert.Equal([new FieldError("data.value.amount", "is given more than once; a key may appear once in an object")], errors);
    }

    [Fact]
    public void bytes_that_are_not_utf8_in_a_text_are_refused_naming_the_field()
    {
        var json = Encoding.UTF8.GetBytes(Value("1").Replace("Oracle contract", "Oracle \u0001", StringComparison.Ordinal));
        json[Array.IndexOf(json, (byte)1)] = 0xFF;

        var (fact, errors) = Parse(json);

        Assert.Null(fact);
        Assert.Equal([new FieldError("source.title", "is not valid UTF-8 text")], errors);
    }

    [Fact]
    public void bytes_that_are_not_utf8_in_a_key_are_refused_naming_the_object()
    {
        var json = Encoding.UTF8.GetBytes(Value("1").Replace("\"currency\"", "\"currenc\u0001\"", StringComparison.Ordinal));
        json[Array.IndexOf(json, (byte)1)] = 0xC3;

        var (fact, errors) = Parse(json);

        Assert.Null(fact);
        Assert.Equal([new FieldError("data.value", "has a key that is not valid UTF-8 text")], errors);
    }

    [Fact]
    public void an_unpaired_surrogate_in_a_key_is_refused_naming_the_object()
    {
        var (fact, errors) = Parse(Value("1").Replace("\"currency\"", "\"\\udc00\"", StringComparison.Ordinal));

        Assert.Null(fact);
        Assert.Equal([new FieldError("data.value", "has a key that is not valid text (it contains an unpaired surrogate escape)")], errors);
    }
}
