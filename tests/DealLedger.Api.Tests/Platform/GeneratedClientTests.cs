using DealLedger.Api.Tests.Client;
using DealLedger.Api.Tests.Client.Models;
using DealLedger.Testing;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace DealLedger.Api.Tests.Platform;

/// <summary>
/// A client generated from the OpenAPI document alone (Kiota 1.38, into Client/ from docs/openapi.json) records a fact
/// with typed data for its type and reads the result: the document is enough to use the API.
/// </summary>
public class GeneratedClientTests(ApiFixture api) : ApiTest(api)
{
    private const string Burn = "openai-cash-burn-2025-2029";

    [Fact]
    public async Task a_kiota_client_records_a_typed_fact_and_reads_the_revision_chain_it_changed()
    {
        await Api.ImportSeedAsync();
        var http = Api.Client(ApiFixture.Key);
        using var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http)
        {
            BaseUrl = http.BaseAddress!.ToString().TrimEnd('/'),
        };
        var client = new LedgerClient(adapter);

        var recorded = await client.Facts.PostAsync(new FactEnvelope
        {
            EstimateRevisedFact = new EstimateRevisedFact
            {
                FactId = "client-cash-burn-revision",
                Subject = Burn,
                ReportedOn = new Microsoft.Kiota.Abstractions.Date(2026, 3, 1),
                Source = new FactSource { Publisher = "Client test", Title = "A revision sent by a generated client", Kind = FactSource_kind.Press, Language = "en" },
                Data = new EstimateRevisedData { Value = new FactMoney { Amount = 120_000_000_000m, Currency = "USD", Precision = FactMoney_precision.About } },
            },
        });
        Assert.Equal("client-cash-burn-revision", recorded!.FactId);
        Assert.Equal("estimate.revised", recorded.Type);

        var chain = await client.Estimates[Burn].GetAsync();
        Assert.Equal(120_000_000_000d, chain!.Current!.Value!.Amount);
        Assert.Equal("client-cash-burn-revision", chain.Revisions!.Last().Source!.FactId);

        var before = await client.Estimates[Burn].GetAsync(r => r.QueryParameters.AsOf = new Microsoft.Kiota.Abstractions.Date(2025, 8, 1));
        Assert.Equal(35_000_000_000d, before!.Current!.Value!.Amount);
    }
}
