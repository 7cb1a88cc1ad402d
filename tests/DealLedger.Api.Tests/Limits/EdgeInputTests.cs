using System.Net;
using DealLedger.Testing;

namespace DealLedger.Api.Tests.Limits;

/// <summary>
/// Query values out of range or holding control characters are a 400 naming the parameter, never a 500. (A NUL in
/// the path never reaches the API: ASP.NET Core refuses to decode it.)
/// </summary>
public class EdgeInputTests(ApiFixture api) : ApiTest(api)
{
    [Theory]
    [InlineData("/deals/oracle-openai-cloud-2025?recordedAsOf=9999-12-31", "recordedAsOf")]
    [InlineData("/deals?recordedAsOf=9999-12-31", "recordedAsOf")]
    [InlineData("/estimates/openai-cash-burn-2025-2029?recordedAsOf=9999-12-31", "recordedAsOf")]
    [InlineData("/parties/openai?recordedAsOf=9999-12-31", "recordedAsOf")]
    [InlineData("/timeline?recordedAsOf=9999-12-31", "recordedAsOf")]
    [InlineData("/deals/oracle-openai-cloud-2025/terms/total/revisions?recordedAsOf=9999-12-31", "recordedAsOf")]
    [InlineData("/changes?recordedAsOf=9999-12-31", "recordedAsOf")]
    [InlineData("/deals?recordedAsOf=9999-12-31T23:59:59Z", "recordedAsOf")]
    [InlineData("/deals?recordedAsOf=0001-01-01", "recordedAsOf")]
    [InlineData("/deals?asOf=2201-01-01", "asOf")]
    [InlineData("/deals?effectiveAt=1899-12-31", "effectiveAt")]
    [InlineData("/timeline?from=0001-01-01", "from")]
    [InlineData("/changes?to=9999-12-31", "to")]
    [InlineData("/events?recordedTo=9999-12-31", "recordedTo")]
    [InlineData("/events?recordedFrom=0001-01-01T00:00:00Z", "recordedFrom")]
    public async Task a_date_outside_1900_to_2200_is_a_400_naming_the_parameter(string url, string parameter)
    {
        await Api.ImportSeedAsync();

        await AssertNamesAsync(url, parameter);
    }

    [Theory]
    [InlineData("/deals?party=%00", "party")]
    [InlineData("/deals?kind=a%00b", "kind")]
    [InlineData("/estimates?metric=%01", "metric")]
    [InlineData("/timeline?party=%00", "party")]
    [InlineData("/events?recordedBy=%00", "recordedBy")]
    [InlineData("/deals?cursor=%00", "cursor")]
    [InlineData("/deals/a%01b", "slug")]
    [InlineData("/streams/%1F/events", "slug")]
    public async Task a_control_character_in_a_query_value_or_slug_is_a_400_naming_it(string url, string parameter)
    {
        await Api.ImportSeedAsync();

        await AssertNamesAsync(url, parameter);
    }

    [Fact]
    public async Task dates_at_the_edges_of_the_range_are_answered()
    {
        await Api.ImportSeedAsync();

        foreach (var url in new[] { "/deals?recordedAsOf=2200-12-31", "/deals?asOf=1900-01-01", "/timeline?to=2200-12-31",
                     "/deals/oracle-openai-cloud-2025?recordedAsOf=2200-12-31" })
        {
            var response = await Api.Client(withKey: false).GetAsync(url);
            Assert.True(response.IsSuccessStatusCode, $"{url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private async Task AssertNamesAsync(string url, string parameter)
    {
        var problem = await Problem.Assert(await Api.Client(withKey: false).GetAsync(url), HttpStatusCode.BadRequest, url);
        Assert.True(problem["errors"]?[parameter] is not null, $"{url}: the problem does not name {parameter}: {problem.ToJsonString()}");
    }
}
