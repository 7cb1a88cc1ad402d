using DealLedger.Domain.Facts;

namespace DealLedger.Domain.Recording;

/// <summary>Record one fact; <paramref name="ExpectedVersion"/> is the subject's version the writer read (If-Match), if it names one.</summary>
public sealed record RecordFact(ParsedFact Fact, long? ExpectedVersion)
{
    /// <summary>
    /// Decides what becomes of the fact, given what the ledger holds: a resend or a conflict when its fact id is
    /// taken, the errors of every rule it breaks, a stale expected version, or the append that records it.
    /// </summary>
    public static RecordDecision Decide(LedgerView ledger, RecordFact command)
    {
        var fact = command.Fact;
        if (ledger.Stored.TryGetValue(fact.FactId, out var stored))
        {
            return Resent(fact, stored);
        }

        var batch = new Batch(ledger);
        var errors = batch.Check(fact);
        if (errors.Count > 0)
        {
            return new RecordDecision.Rejected(errors);
        }

        var current = ledger.Streams.GetValueOrDefault(fact.Subject)?.Version ?? 0;
        if (command.ExpectedVersion is { } expected && expected != current)
        {
            return new RecordDecision.Stale(current);
        }

        batch.Accept(fact);
        return new RecordDecision.Append(batch.Appends().Single());
    }

    /// <summary>A fact sent under an id the ledger already holds: the same fact again, or a conflict.</summary>
    public static RecordDecision Resent(ParsedFact fact, StoredFact stored) =>
        Idempotency.IsResend(stored, fact)
            ? new RecordDecision.AlreadyRecorded(stored)
            : new RecordDecision.Conflict(Idempotency.OtherContent(fact.FactId));
}

/// <summary>What becomes of a fact sent to the ledger.</summary>
public abstract record RecordDecision
{
    private RecordDecision()
    {
    }

    /// <summary>Append it: the fact passed every rule.</summary>
    public sealed record Append(StreamAppend Stream) : RecordDecision;

    /// <summary>The same fact (id, subject and content) was recorded before: nothing to append.</summary>
    public sealed record AlreadyRecorded(StoredFact Fact) : RecordDecision;

    public sealed record Rejected(IReadOnlyList<FieldError> Errors) : RecordDecision;

    /// <summary>The fact id names a fact with other content.</summary>
    public sealed record Conflict(string Detail) : RecordDecision;

    /// <summary>The expected version is not the subject stream's current version.</summary>
    public sealed record Stale(long CurrentVersion) : RecordDecision;
}
