using System.Globalization;
using System.Text.Json.Nodes;
using CsCheck;
using DealLedger.Domain.Deals;
using DealLedger.Domain.Estimates;
using DealLedger.Domain.Facts;

namespace DealLedger.Testing;

/// <summary>
/// A coherent little ledger (a deal, an estimate, a party and facts about their facts) whose every field is
/// valid but drawn from the edges of its range in <see cref="FactLimits"/>: longest texts, most parties and
/// citations, largest and smallest amounts with the most decimals, first and last years.
/// </summary>
public static class EdgeFacts
{
    /// <summary>A scenario: its facts in recording order and the subjects they are about.</summary>
    public sealed record Scenario(IReadOnlyList<JsonObject> Facts, string Deal, string Estimate, string Party, IReadOnlyList<string> Parties,
        IReadOnlyList<string> Publishers);

    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    private static readonly Gen<char> Letter = Gen.OneOf('a', 'z', 'é', 'Ж', '中', ' ', '\n', '\t', '"', '\\', '<', '\'', '%');

    public static Gen<string> Text(FieldLimit limit) =>
        Gen.OneOf(Gen.Const(1), Gen.Const((int)limit.Max), Gen.Int[1, (int)limit.Max])
            .SelectMany(length => Letter.Array[length].Select(chars => "x" + new string(chars)[..(length - 1)]));

    public static Gen<string> Slug(string prefix) =>
        Gen.OneOf(Gen.Const(1), Gen.Int[1, 40], Gen.Const((int)FactLimits.Slug.Max - prefix.Length - 1))
            .Select(Gen.Int[0, 9], (length, digit) => $"{prefix}-{new string((char)('0' + digit), length)}");

    public static readonly Gen<decimal> Amount = Gen.OneOf(
        Gen.Const(0m), Gen.Const(0.0001m), Gen.Const(FactLimits.Amount.Max), Gen.Const(FactLimits.Amount.Max - 0.0001m),
        Gen.Long[0, 1_000_000_000_000_000].Select(Gen.Int[0, 9999], (whole, fraction) => whole + (fraction / 10_000m)));

    public static readonly Gen<string> Period = Gen.OneOf(
        "1900-01-01", "2200-12-31", "1900-01", "2200-12", "1900", "2200", "winter 2200", "Q4 2200", "late 2200", "~H2 2200",
        "1900/2200", "since 1900", "through 2200", "about 2027", "2025-01-21/2029");

    private static readonly Gen<string> ReportedOn = Gen.OneOf(
        Gen.Const(FactLimits.EarliestDate), Gen.Const(Today.AddDays(-1)), Gen.Int[0, Today.DayNumber - FactLimits.EarliestDate.DayNumber]
            .Select(days => FactLimits.EarliestDate.AddDays(days)))
        .Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    private static readonly Gen<JsonObject> Source = Gen.Select(
            Text(FactLimits.Name), Text(FactLimits.SourceTitle), Gen.Int[0, (int)FactLimits.Citations.Max], Gen.Bool,
            Gen.OneOf(SourceKinds))
        .Select(x =>
        {
            var (publisher, title, citations, withUrl, kind) = x;
            var source = new JsonObject { ["publisher"] = publisher, ["title"] = title, ["kind"] = kind, ["language"] = "pt-BR" };
            if (withUrl)
            {
                source["url"] = "https://example.com/" + new string('a', (int)FactLimits.Url.Max - 20);
            }

            // Citations at every depth: a chain three levels deep, the rest side by side.
            var level = source;
            for (var i = 0; i < citations; i++)
            {
                var cited = new JsonObject { ["publisher"] = $"Cited {i}", ["kind"] = "press" };
                if (!level.ContainsKey("cites"))
                {
                    level["cites"] = new JsonArray();
                }

                level["cites"]!.AsArray().Add(cited);
                if (i < FactLimits.CitationDepth.Max - 1)
                {
                    level = cited;
                }
            }

            return source;
        });

    private static string[] SourceKinds => [.. Domain.Sources.Source.Kinds];

    private static Gen<JsonObject> Money(bool range) =>
        Gen.Select(Amount, Amount, Gen.OneOf([.. Domain.Sources.Money.Precisions]), (a, b, precision) =>
        {
            precision = range ? "range" : precision;
            var money = new JsonObject { ["currency"] = "USD", ["precision"] = precision };
            if (precision != "undisclosed")
            {
                money["amount"] = Math.Min(a, b);
            }

            if (precision == "range")
            {
                money["max"] = Math.Max(a, b);
            }

            return money;
        });

    public static Gen<Scenario> Scenarios(string tag) =>
        Gen.Select(Source.Array[3], ReportedOn.Array[12], Period.Array[6], Slug("p").Array[1, (int)FactLimits.PartiesPerReport.Max],
                Text(FactLimits.DealTitle), Text(FactLimits.Description), Text(FactLimits.Note), Money(false).Array[4])
            .Select(Money(true), Gen.Int[1, (int)FactLimits.DurationMonths.Max], Gen.OneOf(FactLimits.Gigawatts.Min, FactLimits.Gigawatts.Max, 1.5m),
                Gen.Int[0, 30], Gen.OneOf([.. DealVocabulary.Roles]), Gen.OneOf([.. DealVocabulary.Kinds]))
            .Select(x =>
            {
                var ((sources, dates, periods, partySlugs, title, description, note, values), range, months, gigawatts, joined, role, kind) = x;

                // Distinct publishers: the scenario's corroborations are by another source than the fact's.
                for (var i = 0; i < sources.Length; i++)
                {
                    var publisher = (string)sources[i]["publisher"]!;
                    sources[i]["publisher"] = publisher[..Math.Min(publisher.Length, (int)FactLimits.Name.Max - 1)] + i.ToString(CultureInfo.InvariantCulture);
                }
                var parties = partySlugs.Select(p => $"{tag}-{p}"[..Math.Min(p.Length + tag.Length + 1, (int)FactLimits.Slug.Max)])
                    .Distinct().ToList();
                var deal = $"{tag}-deal";
                var estimate = $"{tag}-estimate";
                var party = parties[0];
                var facts = new List<JsonObject>();
                var n = 0;
                JsonObject Fact(string type, string subject, object data, string? effective = null, int source = 0)
                {
                    var envelope = new JsonObject
                    {
                        ["factId"] = $"{tag}-{n}",
                        ["type"] = type,
                        ["subject"] = subject,
                        ["reportedOn"] = dates[n % dates.Length],
                        ["source"] = sources[source % sources.Length].DeepClone(),
                        ["data"] = data as JsonNode ?? System.Text.Json.JsonSerializer.SerializeToNode(data),
                    };
                    if (effective is not null)
                    {
                        envelope["effective"] = effective;
                    }

                    n++;
                    facts.Add(envelope);
                    return envelope;
                }

                Fact("deal.reported", deal, new JsonObject
                {
                    ["title"] = title, ["kind"] = kind, ["description"] = description, ["status"] = "announced",
                    ["parties"] = new JsonArray([.. parties.Select((p, i) => (JsonNode)new JsonObject { ["party"] = p, ["role"] = i == 0 ? "buyer" : role })]),
                }, periods[0]);
                for (var i = 0; i < joined && parties.Count < FactLimits.PartiesPerDeal.Max; i++)
                {
                    var newcomer = $"{tag}-joined-{i}";
                    parties.Add(newcomer);
                    Fact("deal.party-joined", deal, new { party = newcomer, role = "partner" }, source: i);
                }

                var firstValue = Fact("deal.value-reported", deal, new JsonObject { ["term"] = "total", ["value"] = values[0], ["note"] = note }, periods[1]);
                Fact("deal.value-reported", deal, new JsonObject { ["term"] = "total", ["value"] = values[1] }, periods[2], source: 1);
                Fact("deal.value-reported", deal, new JsonObject { ["term"] = "first-year", ["value"] = range }, source: 2);
                Fact("deal.duration-reported", deal, new { months, precision = "about" });
                Fact("deal.start-reported", deal, new { start = periods[3] });
                Fact("deal.capacity-reported", deal, new { gigawatts, precision = "up-to" });
                Fact("deal.milestone-reported", deal, new { milestone = "production", description = note, expected = periods[4] });
                Fact("deal.status-changed", deal, new { status = "stalled", reason = note }, periods[5], source: 1);

                // What deals really say (issue 10), at the edges of their ranges: flows, shares, stakes, securities with the
                // most vesting steps, quantities with the longest schedule, rights granted and replaced, a non-binding stage.
                var payee = parties.Count > 1 ? parties[^1] : party;
                if (payee != party)
                {
                    Fact("deal.value-reported", deal, new JsonObject
                    {
                        ["term"] = "tranche", ["part"] = "series-a", ["value"] = values[1].DeepClone(), ["payer"] = party, ["payee"] = payee,
                        ["consideration"] = "stock",
                    });
                    Fact("deal.direction-reported", deal, new { payer = party, payee, note }, source: 1);
                }

                Fact("deal.share-reported", deal, new JsonObject { ["party"] = payee, ["percent"] = FactLimits.Percent.Max, ["value"] = values[0].DeepClone() });
                Fact("deal.share-reported", deal, new JsonObject { ["party"] = party, ["percent"] = FactLimits.Percent.Min }, source: 1);
                Fact("deal.stake-reported", deal, new JsonObject
                {
                    ["holder"] = party, ["company"] = payee, ["percent"] = FactLimits.Percent.Max, ["precision"] = "at-least",
                    ["dilution"] = "fully-diluted", ["value"] = values[2].DeepClone(),
                });
                var steps = (int)FactLimits.ScheduleSteps.Max;
                Fact("deal.securities-reported", deal, new JsonObject
                {
                    ["instrument"] = "warrant", ["count"] = FactLimits.SecurityCount.Max, ["precision"] = "up-to", ["issuer"] = payee, ["holder"] = party,
                    ["exercisePrice"] = values[3].DeepClone(), ["expires"] = periods[4],
                    ["vesting"] = new JsonArray([.. Enumerable.Range(0, steps).Select(i => (JsonNode)new JsonObject
                    {
                        ["milestone"] = note, ["count"] = FactLimits.SecurityCount.Max, ["expected"] = periods[i % periods.Length],
                    })]),
                });
                Fact("deal.quantity-reported", deal, new JsonObject
                {
                    ["unit"] = "GW", ["quantity"] = FactLimits.Quantity.Max, ["precision"] = "about", ["note"] = note,
                    ["schedule"] = new JsonArray([.. Enumerable.Range(0, steps).Select(i => (JsonNode)new JsonObject
                    {
                        ["period"] = periods[i % periods.Length], ["quantity"] = i % 2 == 0 ? FactLimits.Quantity.Max : FactLimits.Quantity.Min,
                    })]),
                });
                Fact("deal.right-granted", deal, new { right = "right-of-first-refusal", grantor = party, grantee = payee, scope = note, period = periods[3] });
                Fact("deal.right-lifted", deal, new { right = "right-of-first-refusal", grantor = party, grantee = payee, replacedBy = note, reason = note },
                    source: 1);
                Fact("deal.status-changed", deal, new { status = "letter-of-intent" }, source: 2);

                Fact("fact.corroborated", deal, new { factId = (string)firstValue["factId"]! }, source: 1);
                Fact("fact.disputed", deal, new { factId = (string)firstValue["factId"]!, reason = note }, source: 2);

                var estimateFirst = Fact("estimate.reported", estimate, new JsonObject
                {
                    ["party"] = party, ["metric"] = "cash-burn", ["horizon"] = periods[1], ["value"] = values[2],
                });
                var middle = Fact("estimate.revised", estimate, new JsonObject { ["value"] = values[3], ["horizon"] = periods[2] }, source: 1);
                Fact("estimate.revised", estimate, new JsonObject
                {
                    ["value"] = values[0].DeepClone(),
                    ["statedChange"] = new JsonObject { ["amount"] = -FactLimits.StatedChange.Max, ["currency"] = "USD" },
                }, source: 2);
                Fact("fact.retracted", estimate, new { factId = (string)middle["factId"]!, reason = note }, source: 1);
                Fact("fact.corroborated", estimate, new { factId = (string)estimateFirst["factId"]! }, source: 2);

                Fact("party.reported", party, new { name = title[..Math.Min(title.Length, (int)FactLimits.Name.Max)], country = "US", description });
                return new Scenario(facts, deal, estimate, party, parties,
                    sources.Select(s => (string)s["publisher"]!).Distinct().ToList());
            });
}
