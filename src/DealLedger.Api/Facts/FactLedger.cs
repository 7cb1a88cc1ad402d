using System.Text.Json;
using DealLedger.Domain.Deals;
using DealLedger.Domain.Facts;
using DealLedger.Domain.Relations;
using DealLedger.Domain.Sources;
using DealLedger.Projections;
using DealLedger.Projections.Deals;
using DealLedger.Projections.Facts;
using JasperFx;
using JasperFx.Events;
using Marten;
using Marten.Exceptions;

namespace DealLedger.Api.Facts;

/// <summary>What became of a fact sent to the ledger.</summary>
public sealed record RecordedFact(string FactId, string Type, string Subject, long Version, Guid EventId, bool AlreadyRecorded);

public abstract record RecordOutcome
{
    /// <summary>Appended; <paramref name="Stream"/> is the kind of the subject's stream.</summary>
    public sealed record Recorded(RecordedFact Fact, StreamKind Stream) : RecordOutcome;

    /// <summary>The same fact id with the same content was recorded before: nothing appended.</summary>
    public sealed record Duplicate(RecordedFact Fact) : RecordOutcome;

    public sealed record Invalid(IReadOnlyList<FieldError> Errors) : RecordOutcome;

    /// <summary>The fact id exists with other content, or another write won the race.</summary>
    public sealed record Conflict(string Detail) : RecordOutcome;

    /// <summary>The If-Match version is not the subject stream's current version.</summary>
    public sealed record Stale(long CurrentVersion) : RecordOutcome;
}

/// <summary>A line of an import file that cannot be recorded, and why.</summary>
public sealed record LineErrors(int Line, string? FactId, IReadOnlyList<FieldError> Errors);

public sealed record ImportSummary(int Facts, int Recorded, int AlreadyPresent, int Streams);

/// <summary>
/// Records facts: checks them against what the ledger holds (pure rules in the domain, look-ups here),
/// appends them with the subject's expected version, and keeps recording idempotent by fact id.
/// </summary>
public static class FactLedger
{
    /// <summary>Serializer for comparing a resent fact with the recorded one: same content, same JSON.</summary>
    private static readonly JsonSerializerOptions Canonical = new(JsonSerializerDefaults.Web);

    public static async Task<RecordOutcome> RecordAsync(IDocumentSession session, ParsedFact fact, long? ifMatch, CancellationToken ct)
    {
        if (await session.LoadAsync<FactIndexEntry>(fact.FactId, ct) is { } known)
        {
            return await CompareWithRecordedAsync(session, known, fact, ct);
        }

        var state = await session.Events.FetchStreamStateAsync(fact.Subject, ct);
        var subject = state is null ? null : new SubjectState(LedgerStore.KindOf(state) ?? StreamKind.Party, state.Version);
        var errors = LedgerRules.Check(fact, subject).Concat(await CheckReferencesAsync(session, fact, PendingFacts.None, ct)).ToList();
        if (errors.Count == 0 && subject is { Kind: StreamKind.Deal } && LedgerRules.ConcernsParties(fact.Event))
        {
            var parties = await PartiesOfAsync(session, [fact.Subject], ct);
            errors.AddRange(LedgerRules.CheckParties(fact, parties.GetValueOrDefault(fact.Subject) ?? []));
        }

        if (errors.Count > 0)
        {
            return new RecordOutcome.Invalid(errors);
        }

        var currentVersion = state?.Version ?? 0;
        if (ifMatch is not null && ifMatch != currentVersion)
        {
            return new RecordOutcome.Stale(currentVersion);
        }

        var @event = Append(session, fact, state is null, currentVersion + 1);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (IsWriteCollision(e))
        {
            // Lost a race: either the same fact id was recorded meanwhile (answer as for a resend) or the
            // subject moved on under us.
            await using var fresh = session.DocumentStore.QuerySession();
            if (await fresh.LoadAsync<FactIndexEntry>(fact.FactId, ct) is { } raced)
            {
                return await CompareWithRecordedAsync(fresh, raced, fact, ct);
            }

            return new RecordOutcome.Conflict(
                $"'{fact.Subject}' changed while this fact was being recorded (expected version {currentVersion}); read it again and retry.");
        }

        return new RecordOutcome.Recorded(new RecordedFact(fact.FactId, fact.Type.Name, fact.Subject, currentVersion + 1, @event.Id, false),
            subject?.Kind ?? fact.Type.Stream!.Value);
    }

    /// <summary>
    /// Records a whole file atomically: every line is checked first (against the ledger and the lines before
    /// it); one bad line, including one that did not even parse (<paramref name="unparsed"/>), means nothing
    /// is written and every bad line is reported. Facts already in the ledger with the same content are
    /// counted, not appended again.
    /// </summary>
    public static async Task<(ImportSummary? Summary, IReadOnlyList<LineErrors> Errors, string? Conflict)> ImportAsync(
        IDocumentSession session, IReadOnlyList<(int Line, ParsedFact Fact)> facts, CancellationToken ct,
        IReadOnlyList<LineErrors>? unparsed = null)
    {
        var errors = new List<LineErrors>(unparsed ?? []);
        var known = (await session.LoadManyAsync<FactIndexEntry>(ct, facts.Select(f => f.Fact.FactId).Distinct()))
            .ToDictionary(k => k.Id, StringComparer.Ordinal);
        var recordedEvents = await LoadEventsAsync(session, known.Values.Select(k => k.EventId), ct);
        var states = await FetchStreamStatesAsync(session, facts.Select(f => f.Fact.Subject), ct);
        var parties = await PartiesOfAsync(session,
            facts.Where(f => LedgerRules.ConcernsParties(f.Fact.Event) && states.GetValueOrDefault(f.Fact.Subject)?.Kind == StreamKind.Deal)
                .Select(f => f.Fact.Subject), ct);

        var pending = new PendingFacts();
        var alreadyPresent = 0;
        foreach (var (line, fact) in facts)
        {
            if (known.TryGetValue(fact.FactId, out var entry))
            {
                var same = entry.Subject == fact.Subject && recordedEvents.TryGetValue(entry.EventId, out var recorded)
                    && SameContent(recorded.Data, fact.Event);
                if (same)
                {
                    alreadyPresent++;
                }
                else
                {
                    errors.Add(new LineErrors(line, fact.FactId, [new FieldError("factId", DifferentContent(fact.FactId))]));
                }

                continue;
            }

            if (pending.Facts.TryGetValue(fact.FactId, out var earlier))
            {
                if (earlier.Subject == fact.Subject && SameContent(earlier.Event, fact.Event))
                {
                    alreadyPresent++;
                }
                else
                {
                    errors.Add(new LineErrors(line, fact.FactId, [new FieldError("factId", $"'{fact.FactId}' appears earlier in this file with other content")]));
                }

                continue;
            }

            var subject = pending.Streams.TryGetValue(fact.Subject, out var kind)
                ? new SubjectState(kind, 0)
                : states.GetValueOrDefault(fact.Subject);
            var lineErrors = LedgerRules.Check(fact, subject).Concat(await CheckReferencesAsync(session, fact, pending, ct)).ToList();
            var named = LedgerRules.PartiesNamed(fact.Event);
            if (lineErrors.Count == 0 && LedgerRules.ConcernsParties(fact.Event))
            {
                if (!parties.TryGetValue(fact.Subject, out var dealParties))
                {
                    parties[fact.Subject] = dealParties = new HashSet<string>(StringComparer.Ordinal);
                }

                lineErrors.AddRange(LedgerRules.CheckParties(fact, dealParties));
                if (lineErrors.Count == 0)
                {
                    dealParties.UnionWith(named);
                }
            }

            if (lineErrors.Count > 0)
            {
                errors.Add(new LineErrors(line, fact.FactId, lineErrors));
                continue;
            }

            pending.Add(fact, subject?.Kind ?? fact.Type.Stream!.Value);
        }

        if (errors.Count > 0)
        {
            return (null, errors.OrderBy(e => e.Line).ToList(), null);
        }

        var streams = 0;
        foreach (var group in pending.InOrder.GroupBy(f => f.Subject))
        {
            streams++;
            var events = group.Select(f => (object)f.Event).ToArray();
            if (states.TryGetValue(group.Key, out var state))
            {
                session.Events.Append(group.Key, state.Version + events.Length, events);
            }
            else
            {
                session.Events.StartStream(LedgerStore.AggregateTypeOf(pending.Streams[group.Key]), group.Key, events);
            }
        }

        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (IsWriteCollision(e))
        {
            return (null, [], "Another write changed one of this file's subjects (or recorded one of its fact ids) while it was " +
                "being imported; nothing was written. Importing the same file again is safe.");
        }

        return (new ImportSummary(facts.Count, pending.InOrder.Count, alreadyPresent, streams), [], null);
    }

    private static IEvent Append(IDocumentSession session, ParsedFact fact, bool newStream, long version)
    {
        var action = newStream
            ? session.Events.StartStream(LedgerStore.AggregateTypeOf(fact.Type.Stream!.Value), fact.Subject, fact.Event)
            : session.Events.Append(fact.Subject, version, fact.Event);
        return action.Events[^1];
    }

    /// <summary>References to other facts and deals must point at something the ledger (or this file) holds.</summary>
    private static async Task<IReadOnlyList<FieldError>> CheckReferencesAsync(
        IQuerySession session, ParsedFact fact, PendingFacts pending, CancellationToken ct)
    {
        if (FactReferences.TargetOf(fact.Event) is { } referenced)
        {
            return LedgerRules.CheckReference(fact, await FindReferencedAsync(session, referenced, pending, ct));
        }

        switch (fact.Event)
        {
            case DealRelationReported relation:
                if (relation.Target == fact.Subject)
                {
                    return [new FieldError("data.target", "a deal cannot relate to itself")];
                }

                var isDeal = pending.Streams.TryGetValue(relation.Target, out var kind)
                    ? kind == StreamKind.Deal
                    : await session.Events.FetchStreamStateAsync(relation.Target, ct) is { } target
                      && (LedgerStore.KindOf(target) ?? StreamKind.Deal) == StreamKind.Deal;
                return isDeal ? [] : [new FieldError("data.target", $"'{relation.Target}' is not a known deal")];

            default:
                return [];
        }
    }

    /// <summary>A fact another one refers to, from this file or the ledger, with what already retracted or corrected it.</summary>
    private static async Task<ReferencedFact?> FindReferencedAsync(IQuerySession session, string factId, PendingFacts pending, CancellationToken ct)
    {
        if (pending.Facts.TryGetValue(factId, out var inFile))
        {
            return new ReferencedFact(factId, inFile.Type, inFile.Subject, inFile.Event.Fact.Source.Publisher,
                pending.Retractions.GetValueOrDefault(factId), pending.Corrections.GetValueOrDefault(factId));
        }

        if (await session.LoadAsync<FactIndexEntry>(factId, ct) is not { } entry)
        {
            return null;
        }

        var referring = await session.Query<FactIndexEntry>().Where(x => x.Refers == factId).ToListAsync(ct);
        return new ReferencedFact(factId, FactTypes.ByName[entry.Type], entry.Subject, entry.Publisher,
            referring.FirstOrDefault(r => r.Relation == RetractedType)?.Id ?? pending.Retractions.GetValueOrDefault(factId),
            referring.FirstOrDefault(r => r.Relation == FactIndexProjection.Corrects)?.Id ?? pending.Corrections.GetValueOrDefault(factId));
    }

    private static readonly string RetractedType = FactTypes.ByEventType[typeof(FactRetracted)].Name;

    private static async Task<RecordOutcome> CompareWithRecordedAsync(IQuerySession session, FactIndexEntry known, ParsedFact fact, CancellationToken ct)
    {
        var recorded = await session.Events.LoadAsync(known.EventId, ct);
        if (recorded is null || known.Subject != fact.Subject || !SameContent(recorded.Data, fact.Event))
        {
            return new RecordOutcome.Conflict(DifferentContent(fact.FactId));
        }

        return new RecordOutcome.Duplicate(new RecordedFact(known.Id, known.Type, known.Subject, recorded.Version, recorded.Id, true));
    }

    private static string DifferentContent(string factId) =>
        $"fact '{factId}' is already recorded with different content; a fact id names one fact forever (record a correction as a new fact)";

    private static bool SameContent(object recorded, IFact incoming) =>
        recorded.GetType() == incoming.GetType()
        && JsonSerializer.Serialize(recorded, recorded.GetType(), Canonical) == JsonSerializer.Serialize(incoming, incoming.GetType(), Canonical);

    /// <summary>The exceptions a write that lost a race at commit ends with.</summary>
    public static bool IsWriteCollision(Exception e) =>
        e is ConcurrencyException or Marten.Exceptions.ExistingStreamIdCollisionException
            or JasperFx.Events.ExistingStreamIdCollisionException or DocumentAlreadyExistsException;

    private static async Task<Dictionary<Guid, IEvent>> LoadEventsAsync(IQuerySession session, IEnumerable<Guid> ids, CancellationToken ct)
    {
        var list = ids.ToList();
        if (list.Count == 0)
        {
            return [];
        }

        var events = await session.Events.QueryAllRawEvents().Where(e => list.Contains(e.Id)).ToListAsync(ct);
        return events.ToDictionary(e => e.Id);
    }

    /// <summary>The current parties of existing deals, from their inline summaries (as new as the stream).</summary>
    private static async Task<Dictionary<string, HashSet<string>>> PartiesOfAsync(IQuerySession session, IEnumerable<string> deals, CancellationToken ct)
    {
        var ids = deals.Distinct(StringComparer.Ordinal).ToArray();
        var summaries = ids.Length == 0 ? [] : await session.LoadManyAsync<DealSummary>(ct, ids);
        return summaries.ToDictionary(s => s.Id, s => s.Parties.Select(p => p.Party).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    private static async Task<Dictionary<string, SubjectState>> FetchStreamStatesAsync(
        IQuerySession session, IEnumerable<string> subjects, CancellationToken ct)
    {
        var batch = session.CreateBatchQuery();
        var lookups = subjects.Distinct(StringComparer.Ordinal).Select(s => (Subject: s, State: batch.Events.FetchStreamState(s))).ToList();
        await batch.Execute(ct);
        var states = new Dictionary<string, SubjectState>(StringComparer.Ordinal);
        foreach (var (subject, task) in lookups)
        {
            if (await task is { } state)
            {
                states[subject] = new SubjectState(LedgerStore.KindOf(state) ?? StreamKind.Party, state.Version);
            }
        }

        return states;
    }

    /// <summary>Facts accepted earlier in the same import, in file order, and the streams they start.</summary>
    private sealed class PendingFacts
    {
        public static readonly PendingFacts None = new();

        public Dictionary<string, ParsedFact> Facts { get; } = new(StringComparer.Ordinal);

        public List<ParsedFact> InOrder { get; } = [];

        /// <summary>Fact id → the fact of this file that retracts it.</summary>
        public Dictionary<string, string> Retractions { get; } = new(StringComparer.Ordinal);

        /// <summary>Fact id → the fact of this file that corrects it.</summary>
        public Dictionary<string, string> Corrections { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, StreamKind> Streams { get; } = new(StringComparer.Ordinal);

        public void Add(ParsedFact fact, StreamKind kind)
        {
            Facts.Add(fact.FactId, fact);
            InOrder.Add(fact);
            if (fact.Event is FactRetracted retracted)
            {
                Retractions.TryAdd(retracted.RetractedFactId, fact.FactId);
            }

            if (fact.Event.Fact.Corrects is { } corrected)
            {
                Corrections.TryAdd(corrected, fact.FactId);
            }
            Streams.TryAdd(fact.Subject, kind);
        }
    }
}
