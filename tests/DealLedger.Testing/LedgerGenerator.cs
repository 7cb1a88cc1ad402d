using System.Text.Json.Nodes;

namespace DealLedger.Testing;

/// <summary>
/// A seeded generator of realistic fact mixes (deals with revised terms, back-filled older reports, status
/// changes, party joins, estimates with revisions): the same seed always gives the same log. Every
/// reported date falls between 2018 and early 2026, so the log stays valid whatever the day it runs.
/// </summary>
public static class LedgerGenerator
{
    private static readonly string[] PartyNames = ["openai", "oracle", "microsoft", "google", "broadcom", "softbank", "nvidia", "amd", "meta", "coreweave"];
    private static readonly string[] Publishers = ["WSJ", "Reuters", "The Information", "Bloomberg", "FT"];
    private static readonly string[] Statuses = ["announced", "signed", "in-progress", "stalled", "completed"];

    /// <param name="relations">Also corroborate (5%) and retract (2%) earlier facts of the same deal.</param>
    public static IReadOnlyList<JsonObject> Generate(int seed, int deals, int factsPerDeal, int estimates = 0, int revisionsPerEstimate = 0,
        bool relations = false)
    {
        var random = new Random(seed);
        var facts = new List<JsonObject>();
        var start = new DateOnly(2019, 1, 1);
        for (var d = 0; d < deals; d++)
        {
            var slug = $"gen-deal-{seed}-{d}";
            var buyer = PartyNames[random.Next(PartyNames.Length)];
            var vendor = PartyNames[(Array.IndexOf(PartyNames, buyer) + 1 + random.Next(PartyNames.Length - 1)) % PartyNames.Length];
            var reported = start.AddDays(random.Next(2000));
            facts.Add(Envelopes.Deal($"{slug}-0", slug, Envelopes.Date(reported), Publisher(random), (buyer, "buyer"), (vendor, "vendor")));
            var referable = new List<string>();
            var publisherOf = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var f = 1; f < factsPerDeal; f++)
            {
                // One report in five is back-filled: older than the deal's first report.
                var on = Envelopes.Date(reported.AddDays(random.Next(5) == 0 ? -random.Next(1, 400) : random.Next(0, 600)));
                var id = $"{slug}-{f}";
                var roll = random.Next(100);
                if (relations && referable.Count > 0 && roll < 7)
                {
                    var target = referable[random.Next(referable.Count)];
                    if (roll < 5)
                    {
                        facts.Add(Envelopes.Envelope(id, "fact.corroborated", slug, on, new { factId = target },
                            OtherThan(Publisher(random), publisherOf[target])));
                    }
                    else
                    {
                        referable.Remove(target);
                        facts.Add(Envelopes.Envelope(id, "fact.retracted", slug, on, new { factId = target, reason = "withdrawn" }, Publisher(random)));
                    }

                    continue;
                }

                referable.Add(id);
                facts.Add(random.Next(10) switch
                {
                    < 5 => Envelopes.Value(id, slug, on, random.Next(1, 500) * 1_000_000_000m, random.Next(3) == 0 ? "first-year" : "total",
                        Publisher(random), random.Next(2) == 0 ? "exact" : "about"),
                    < 7 => Envelopes.Envelope(id, "deal.status-changed", slug, on, new { status = Statuses[random.Next(Statuses.Length)] }, Publisher(random)),
                    < 8 => Envelopes.Envelope(id, "deal.capacity-reported", slug, on, new { gigawatts = random.Next(1, 50) / 2m }, Publisher(random)),
                    < 9 => Envelopes.Envelope(id, "deal.duration-reported", slug, on, new { months = random.Next(6, 121) }, Publisher(random)),
                    _ => Envelopes.Envelope(id, "deal.party-joined", slug, on,
                        new { party = PartyNames[random.Next(PartyNames.Length)], role = "partner" }, Publisher(random)),
                });
                publisherOf[id] = (string)facts[^1]["source"]!["publisher"]!;
            }
        }

        for (var e = 0; e < estimates; e++)
        {
            var slug = $"gen-estimate-{seed}-{e}";
            var on = start.AddDays(random.Next(1800));
            facts.Add(Envelopes.Estimate($"{slug}-0", slug, Envelopes.Date(on), random.Next(1, 200) * 1_000_000_000m, first: true, Publisher(random)));
            for (var r = 1; r <= revisionsPerEstimate; r++)
            {
                facts.Add(Envelopes.Estimate($"{slug}-{r}", slug, Envelopes.Date(on.AddDays(random.Next(-100, 600))),
                    random.Next(1, 200) * 1_000_000_000m, first: false, Publisher(random)));
            }
        }

        return facts;
    }

    /// <summary>One deal with <paramref name="facts"/> facts (its report, then revisions of its terms and status).</summary>
    public static IReadOnlyList<JsonObject> SingleDeal(int seed, string slug, int facts)
    {
        var random = new Random(seed);
        var start = new DateOnly(2020, 1, 1);
        var list = new List<JsonObject> { Envelopes.Deal($"{slug}-0", slug, Envelopes.Date(start), Publisher(random)) };
        for (var f = 1; f < facts; f++)
        {
            var on = Envelopes.Date(start.AddDays(random.Next(0, 2000)));
            list.Add(random.Next(4) switch
            {
                0 => Envelopes.Envelope($"{slug}-{f}", "deal.status-changed", slug, on, new { status = Statuses[random.Next(Statuses.Length)] }, Publisher(random)),
                _ => Envelopes.Value($"{slug}-{f}", slug, on, random.Next(1, 500) * 1_000_000_000m, random.Next(3) == 0 ? "first-year" : "total",
                    Publisher(random)),
            });
        }

        return list;
    }

    private static string Publisher(Random random) => Publishers[random.Next(Publishers.Length)];

    /// <summary>A source does not corroborate its own fact: the next publisher when the drawn one published the target.</summary>
    private static string OtherThan(string drawn, string publisher) =>
        drawn != publisher ? drawn : Publishers[(Array.IndexOf(Publishers, drawn) + 1) % Publishers.Length];
}
