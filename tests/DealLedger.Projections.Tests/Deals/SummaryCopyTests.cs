using System.Collections;
using System.Reflection;
using System.Text.Json;
using DealLedger.Domain.Current;
using DealLedger.Domain.Facts;
using DealLedger.Domain.Sources;
using DealLedger.Projections.Deals;
using DealLedger.Testing;
using JasperFx.Events;

namespace DealLedger.Projections.Tests.Deals;

/// <summary>
/// The copies <see cref="DealSummaries"/> folds onto and answers with (no database): a copy is the summary it copies,
/// property for property; a fork shares the history, and folding onto it leaves the original as it was and gives what
/// folding the whole stream gives, one write at a time as the live path does it.
/// </summary>
public class SummaryCopyTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static TheoryData<string> Ledgers => ["seed", "generated", "backdated"];

    [Theory]
    [MemberData(nameof(Ledgers))]
    public void a_copy_and_a_fork_serialize_as_the_summary_they_copy(string ledger)
    {
        foreach (var (slug, events) in Deals(ledger))
        {
            var whole = Whole(slug, events);
            whole.LastEventId = events[^1].Id;
            Assert.Equal(ToJson(whole), ToJson(DealSummaries.Copy(whole)));
            Assert.Equal(ToJson(whole), ToJson(DealSummaries.Fork(whole)));
        }
    }

    [Theory]
    [MemberData(nameof(Ledgers))]
    public void folding_one_write_at_a_time_onto_forks_gives_the_fold_of_the_whole_stream_and_changes_no_kept_summary(string ledger)
    {
        foreach (var (slug, events) in Deals(ledger))
        {
            var kept = new List<(DealSummary Summary, string Json)>();
            var deal = Whole(slug, events.Take(1).ToList());
            kept.Add((deal, ToJson(deal)));
            for (var i = 1; i < events.Count; i++)
            {
                deal = DealSummaryProjection.Fold(DealSummaries.Fork(deal), slug, [events[i]]);
                deal.Version = (int)events[i].Version;
                kept.Add((deal, ToJson(deal)));
            }

            Assert.Equal(ToJson(Whole(slug, events)), ToJson(deal));
            Assert.All(kept, k => Assert.Equal(k.Json, ToJson(k.Summary)));
        }
    }

    [Fact]
    public void the_bounded_document_is_the_summary_without_its_history()
    {
        foreach (var (slug, events) in Deals("seed"))
        {
            var whole = Whole(slug, events);
            var before = ToJson(whole);
            var stored = DealSummaries.Bounded(whole);
            Assert.Equal(before, ToJson(whole));
            Assert.All(stored.Terms.Values, t => Assert.Empty(t.Reports));
            Assert.All(stored.Terms.Values, t => Assert.Empty(t.Conflicts));
            Assert.Empty(stored.Statuses);
            Assert.Empty(stored.StatusHistory);
            Assert.Empty(stored.MilestoneReports);
            Assert.Equal(whole.Flags.HasConflicts, stored.Flags.HasConflicts);
            Assert.Equal(whole.Terms.Keys, stored.Terms.Keys);
            Assert.All(stored.Terms, t => Assert.Equal(ToJson(whole.Terms[t.Key].Value), ToJson(t.Value.Value)));
        }
    }

    /// <summary>
    /// A property added to the summary (or its terms, flags or statuses) must be set in this sample, else the test
    /// fails; once set, a copy that forgets it fails the JSON comparison.
    /// </summary>
    [Fact]
    public void every_property_of_a_summary_survives_a_copy()
    {
        // Every seed fact folded into one summary: milestones, relations, disputes, rights, statuses, conflicts.
        var right = Envelopes.Parse(Envelopes.Envelope("right", "deal.right-granted", "all", "2025-01-01",
            new { right = "right-of-first-refusal", grantor = "openai", grantee = "microsoft" }));
        var corrected = Envelopes.Value("corrected", "all", "2025-01-02", 1m);
        var correction = Envelopes.Value("correction", "all", "2025-01-03", 2m);
        correction["corrects"] = "corrected";
        var withdrawn = Envelopes.Value("withdrawn", "all", "2025-01-04", 3m);
        var retraction = Envelopes.Envelope("retraction", "fact.retracted", "all", "2025-01-05", new { factId = "withdrawn", reason = "wrong" });
        var corroboration = Envelopes.Envelope("corroboration", "fact.corroborated", "all", "2025-01-06", new { factId = "corrected" }, publisher: "FT");
        var all = SeedData.Facts().Append(right)
            .Concat(new[] { corrected, correction, withdrawn, retraction, corroboration }.Select(Envelopes.Parse))
            .Select((f, i) => InMemoryEvents.Of(f.Event, i + 1, i + 1)).ToList();
        var sample = Whole("all", all);
        sample.LastEventId = all[^1].Id;
        sample.Flags.ExclusivityInForce = true;

        AssertSet(sample);
        AssertSet(sample.Flags);
        AssertSet(sample.Terms.Values.First(t => t.Conflicts.Count > 0 && t.ReportedBy.Count > 0 && t.Revisions > 0));
        AssertSet(sample.Statuses.Values.First(s => s.CorrectedBy is not null), nameof(FactStatus.RetractedBy), nameof(FactStatus.CorroboratedBy), nameof(FactStatus.DisputedBy));
        AssertSet(sample.Statuses.Values.First(s => s.RetractedBy is not null), nameof(FactStatus.CorrectedBy), nameof(FactStatus.CorroboratedBy), nameof(FactStatus.DisputedBy));
        Assert.Contains(sample.Statuses.Values, s => s.CorroboratedBy.Count > 0);
        Assert.Contains(sample.Statuses.Values, s => s.DisputedBy.Count > 0);

        Assert.Equal(ToJson(sample), ToJson(DealSummaries.Copy(sample)));
        Assert.Equal(ToJson(sample), ToJson(DealSummaries.Fork(sample)));
    }

    private static void AssertSet(object item, params string[] except)
    {
        foreach (var property in item.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => !except.Contains(p.Name)))
        {
            var value = property.GetValue(item);
            Assert.True(value switch
            {
                null => false,
                string text => text.Length > 0,
                ICollection collection => collection.Count > 0,
                bool flag => flag,
                int number => number != 0,
                _ => true,
            }, $"{item.GetType().Name}.{property.Name} is not set in the sample: set it, so a copy that drops it is caught");
        }
    }

    private static DealSummary Whole(string slug, IReadOnlyList<IEvent> events)
    {
        var deal = DealSummaryProjection.Fold(null, slug, events);
        deal.Version = (int)events[^1].Version;
        return deal;
    }

    private static IEnumerable<(string Slug, IReadOnlyList<IEvent> Events)> Deals(string ledger)
    {
        var facts = ledger switch
        {
            "seed" => SeedData.Facts(),
            "generated" => LedgerGenerator.Generate(seed: 11, deals: 40, factsPerDeal: 40, relations: true).Select(Envelopes.Parse).ToList(),
            _ => LedgerGenerator.SingleDeal(seed: 5, "backdated", 300).Select(Envelopes.Parse).ToList(),
        };
        return InMemoryEvents.Streams(facts)
            .Where(s => s.Value.Any(e => e.Data is IFact fact && FactTypes.Of(fact).Stream == StreamKind.Deal))
            .Select(s => (s.Key, s.Value));
    }

    private static string ToJson(object? value) => JsonSerializer.Serialize(value, Json);
}
