using DealLedger.Api.Reads;
using DealLedger.Domain.Deals;
using DealLedger.Domain.Facts;
using DealLedger.Domain.Recording;
using DealLedger.Domain.Relations;
using DealLedger.Domain.Sources;
using DealLedger.Projections;
using DealLedger.Projections.Deals;
using DealLedger.Projections.Facts;
using JasperFx;
using JasperFx.Events;
using Marten;
using Marten.Exceptions;
using Npgsql;

namespace DealLedger.Api.Facts;

/// <summary>What became of a fact sent to the ledger.</summary>
public sealed record RecordedFact(string FactId, string Type, string Subject, long Version, Guid EventId, bool AlreadyRecorded);

public abstract record RecordOutcome
{
    /// <summary>Appended at log <paramref name="Position"/>; <paramref name="Stream"/> is the kind of the subject's stream.</summary>
    public sealed record Recorded(RecordedFact Fact, StreamKind Stream, long Position) : RecordOutcome;

    /// <summary>The same fact id with the same content was recorded before: nothing appended.</summary>
    public sealed record Duplicate(RecordedFact Fact) : RecordOutcome;

    public sealed record Invalid(IReadOnlyList<FieldError> Errors) : RecordOutcome;

    /// <summary>The fact id exists with other content, or another write won the race.</summary>
    public sealed record Conflict(string Detail) : RecordOutcome;

    /// <summary>The If-Match version is not the subject stream's current version.</summary>
    public sealed record Stale(long CurrentVersion) : RecordOutcome;
}

public sealed record ImportSummary(int Facts, int Recorded, int AlreadyPresent, int Streams);

/// <summary>
/// The ledger's side of recording facts: loads what the rules need (<see cref="LoadAsync"/>), lets the domain
/// decide (<see cref="RecordFact"/>, <see cref="ImportFacts"/>), appends what it decided with the expected
/// versions, and answers a write that lost a race at commit.
/// </summary>
public static class FactLedger
{
    public static async Task<RecordOutcome> RecordAsync(IDocumentSession session, ParsedFact fact, long? ifMatch, CancellationToken ct)
    {
        await LockAsync(session, [fact], ct);
        var decision = RecordFact.Decide(await LoadAsync(session, [fact], ct), new RecordFact(fact, ifMatch));
        if (decision is not RecordDecision.Append { Stream: var append })
        {
            return OutcomeOf(decision);
        }

        var @event = Append(session, append)[^1];
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (IsWriteCollision(e))
        {
            // Lost a race to a writer that took no lock (another tool, hand-written SQL): either the same fact id
            // was recorded meanwhile (answer as for a resend) or the subject moved on under us.
            await using var fresh = session.DocumentStore.PrimaryQuerySession();
            if ((await StoredAsync(fresh, [fact.FactId], ct)).TryGetValue(fact.FactId, out var raced))
            {
                return OutcomeOf(RecordFact.Resent(fact, raced));
            }

            return new RecordOutcome.Conflict(
                $"'{fact.Subject}' changed while this fact was being recorded (expected version {append.Version - 1}); read it again and retry.");
        }

        return new RecordOutcome.Recorded(new RecordedFact(fact.FactId, fact.Type.Name, fact.Subject, append.Version, @event.Id, false), append.Kind,
            await PositionAsync(session, [@event], ct));
    }

    /// <summary>
    /// Records a whole file atomically (see <see cref="ImportFacts.Decide"/>); <paramref name="unparsed"/> are the
    /// lines that did not even parse, so they are reported with the others.
    /// </summary>
    public static async Task<(ImportSummary? Summary, IReadOnlyList<LineErrors> Errors, string? Conflict, long Position)> ImportAsync(
        IDocumentSession session, IReadOnlyList<(int Line, ParsedFact Fact)> facts, CancellationToken ct,
        IReadOnlyList<LineErrors>? unparsed = null)
    {
        await LockAsync(session, facts.Select(f => f.Fact).ToList(), ct);
        var decision = ImportFacts.Decide(await LoadAsync(session, facts.Select(f => f.Fact).ToList(), ct), new ImportFacts(facts, unparsed ?? []));
        if (decision is ImportDecision.Rejected rejected)
        {
            return (null, rejected.Lines, null, 0);
        }

        var append = (ImportDecision.Append)decision;
        var appended = new List<IEvent>();
        foreach (var stream in append.Streams)
        {
            appended.AddRange(Append(session, stream));
        }

        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (IsWriteCollision(e))
        {
            return (null, [], "Another write changed one of this file's subjects (or recorded one of its fact ids) while it was " +
                "being imported; nothing was written. Importing the same file again is safe.", 0);
        }

        return (new ImportSummary(append.Facts, append.Recorded, append.AlreadyPresent, append.Streams.Count), [], null,
            await PositionAsync(session, appended, ct));
    }

    /// <summary>
    /// The log position a write reached: its last event's sequence (Marten reads them back at commit), or, when it
    /// appended nothing (every fact already recorded), the log's position now, which covers the facts it found.
    /// </summary>
    public static async Task<long> PositionAsync(IQuerySession session, IReadOnlyList<IEvent> appended, CancellationToken ct)
    {
        var position = appended.Count == 0 ? 0 : appended.Max(e => e.Sequence);
        return position > 0 ? position : await Temporal.TemporalReads.LogPositionAsync(session, ct);
    }

    /// <summary>
    /// Everything the rules need to know about these facts, in two round trips at most: the facts already stored under
    /// their ids, the streams of their subjects and of the deals they relate to, the facts they refer to with what
    /// retracted or corrected those, and the current parties of the deals they name or refer to parties of.
    /// </summary>
    public static async Task<LedgerView> LoadAsync(IQuerySession session, IReadOnlyList<ParsedFact> facts, CancellationToken ct)
    {
        var ids = facts.Select(f => f.FactId).Distinct(StringComparer.Ordinal).ToArray();
        var slugs = facts.Select(f => f.Subject)
            .Concat(facts.Select(f => f.Event).OfType<DealRelationReported>().Select(r => r.Target))
            .Distinct(StringComparer.Ordinal).ToArray();
        var referenced = facts.Select(f => FactReferences.TargetOf(f.Event)).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        var deals = facts.Where(f => LedgerRules.ConcernsParties(f.Event)).Select(f => f.Subject).Distinct(StringComparer.Ordinal).ToArray();

        var batch = session.CreateBatchQuery();
        var states = slugs.Select(slug => (Slug: slug, State: batch.Events.FetchStreamState(slug))).ToList();
        var known = ids.Length == 0 ? null : batch.LoadMany<FactIndexEntry>().ById(ids);
        var targets = referenced.Length == 0 ? null : batch.LoadMany<FactIndexEntry>().ById(referenced);
        var referring = referenced.Length == 0 ? null : batch.Query<FactIndexEntry>().Where(x => x.Refers.IsOneOf(referenced)).ToList();
        var summaries = deals.Length == 0 ? null : batch.LoadMany<DealSummary>().ById(deals);
        await batch.Execute(ct);

        var streams = new Dictionary<string, SubjectState>(StringComparer.Ordinal);
        foreach (var (slug, task) in states)
        {
            if (await task is { } state)
            {
                streams[slug] = new SubjectState(LedgerStore.KindOf(state) ?? StreamKind.Party, state.Version);
            }
        }

        return new LedgerView
        {
            Streams = streams,
            Stored = known is null ? LedgerView.Empty.Stored : await StoredAsync(session, await known, ct),
            Referenced = targets is null ? LedgerView.Empty.Referenced : ReferencedFacts(await targets, await referring!),
            Parties = summaries is null
                ? LedgerView.Empty.Parties
                : (await summaries).ToDictionary(s => s.Id, s => (IReadOnlySet<string>)s.Parties.Select(p => p.Party).ToHashSet(StringComparer.Ordinal),
                    StringComparer.Ordinal),
        };
    }

    /// <summary>Above this many subjects and fact ids, a write locks the whole ledger instead of each of them.</summary>
    public const int MostKeyLocks = 512;

    /// <summary>
    /// Opens the session's transaction and locks these facts' subjects and fact ids in it until it ends, so every
    /// look-up and decision after it sees what the writers before it committed. A write that would lose a race waits
    /// here and is then decided on the winner's state (a resend, a 412, a conflict) before it appends: it never takes
    /// an event sequence number it would roll back, whose gap would hold every async read model still. Locks are
    /// taken in hash order, the same for every writer, so writers of many subjects cannot deadlock each other; a
    /// write with more than <see cref="MostKeyLocks"/> keys locks the ledger whole, keeping PostgreSQL's lock table
    /// bounded (every write holds the ledger's lock shared).
    /// </summary>
    private static async Task LockAsync(IDocumentSession session, IReadOnlyCollection<ParsedFact> facts, CancellationToken ct)
    {
        var keys = facts.Select(f => "stream:" + f.Subject).Concat(facts.Select(f => "fact:" + f.FactId)).Distinct(StringComparer.Ordinal).ToArray();
        var whole = keys.Length > MostKeyLocks;
        var schema = session.DocumentStore.Options.Events.DatabaseSchemaName;
        await session.BeginTransactionAsync(ct);
        await using var batch = session.Connection!.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(whole
            ? "select pg_advisory_xact_lock(hashtext('dealledger.ledger:' || $1), 0)"
            : "select pg_advisory_xact_lock_shared(hashtext('dealledger.ledger:' || $1), 0)") { Parameters = { new() { Value = schema } } });
        if (!whole)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                "select pg_advisory_xact_lock(hashtext('dealledger.keys:' || $1), h) from (select distinct hashtext(k) as h from unnest($2::text[]) as k order by h) as keys")
            {
                Parameters = { new() { Value = schema }, new() { Value = keys } },
            });
        }

        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The exceptions a write that lost a race at commit ends with.</summary>
    public static bool IsWriteCollision(Exception e) =>
        e is ConcurrencyException or Marten.Exceptions.ExistingStreamIdCollisionException
            or JasperFx.Events.ExistingStreamIdCollisionException or DocumentAlreadyExistsException;

    private static IReadOnlyList<IEvent> Append(IDocumentSession session, StreamAppend append)
    {
        var events = append.Facts.Cast<object>().ToArray();
        var action = append.Starts
            ? session.Events.StartStream(LedgerStore.AggregateTypeOf(append.Kind), append.Subject, events)
            : session.Events.Append(append.Subject, append.Version, events);
        return action.Events;
    }

    private static RecordOutcome OutcomeOf(RecordDecision decision) => decision switch
    {
        RecordDecision.AlreadyRecorded { Fact: var stored } =>
            new RecordOutcome.Duplicate(new RecordedFact(stored.FactId, stored.Type, stored.Subject, stored.Version, stored.EventId, true)),
        RecordDecision.Rejected rejected => new RecordOutcome.Invalid(rejected.Errors),
        RecordDecision.Conflict conflict => new RecordOutcome.Conflict(conflict.Detail),
        RecordDecision.Stale stale => new RecordOutcome.Stale(stale.CurrentVersion),
        _ => throw new InvalidOperationException($"not an outcome without a write: {decision}"),
    };

    private static async Task<Dictionary<string, StoredFact>> StoredAsync(IQuerySession session, IReadOnlyCollection<string> ids, CancellationToken ct) =>
        await StoredAsync(session, await session.LoadManyAsync<FactIndexEntry>(ct, ids), ct);

    /// <summary>The stored facts of these index entries, with their events' content.</summary>
    private static async Task<Dictionary<string, StoredFact>> StoredAsync(IQuerySession session, IReadOnlyList<FactIndexEntry> entries, CancellationToken ct)
    {
        if (entries.Count == 0)
        {
            return new Dictionary<string, StoredFact>(StringComparer.Ordinal);
        }

        var eventIds = entries.Select(e => e.EventId).ToList();
        var events = (await session.Events.QueryAllRawEvents().Where(e => eventIds.Contains(e.Id)).ToListAsync(ct)).ToDictionary(e => e.Id);
        return entries.ToDictionary(entry => entry.Id, entry =>
        {
            var recorded = events.GetValueOrDefault(entry.EventId);
            return new StoredFact(entry.Id, entry.Type, entry.Subject, recorded?.Version ?? 0, entry.EventId, recorded?.Data as IFact);
        }, StringComparer.Ordinal);
    }

    /// <summary>Referenced facts with the facts that retracted or corrected them, from the fact index.</summary>
    private static Dictionary<string, ReferencedFact> ReferencedFacts(IReadOnlyList<FactIndexEntry> targets, IReadOnlyList<FactIndexEntry> referring) =>
        targets.ToDictionary(entry => entry.Id, entry => new ReferencedFact(entry.Id, FactTypes.ByName[entry.Type], entry.Subject, entry.Publisher,
            referring.FirstOrDefault(r => r.Refers == entry.Id && r.Relation == RetractedType)?.Id,
            referring.FirstOrDefault(r => r.Refers == entry.Id && r.Relation == FactIndexProjection.Corrects)?.Id), StringComparer.Ordinal);

    private static readonly string RetractedType = FactTypes.ByEventType[typeof(FactRetracted)].Name;
}
