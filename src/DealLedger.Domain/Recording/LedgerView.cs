using DealLedger.Domain.Facts;
using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Recording;

/// <summary>
/// What the ledger holds that deciding on new facts needs, looked up beforehand for exactly those facts (the
/// API's <c>FactLedger.LoadAsync</c>): <see cref="RecordFact.Decide"/> and <see cref="ImportFacts.Decide"/> read
/// nothing else. Every dictionary is keyed by slug or fact id; what is absent does not exist in the ledger.
/// </summary>
public sealed record LedgerView
{
    public static readonly LedgerView Empty = new();

    /// <summary>Existing streams among the facts' subjects and the deals their relations name.</summary>
    public IReadOnlyDictionary<string, SubjectState> Streams { get; init; } = new Dictionary<string, SubjectState>(StringComparer.Ordinal);

    /// <summary>Facts already recorded under the fact ids being sent (fact ids are the idempotency key).</summary>
    public IReadOnlyDictionary<string, StoredFact> Stored { get; init; } = new Dictionary<string, StoredFact>(StringComparer.Ordinal);

    /// <summary>Recorded facts the facts refer to (corroborate, dispute, retract, correct), with what retracted or corrected each.</summary>
    public IReadOnlyDictionary<string, ReferencedFact> Referenced { get; init; } = new Dictionary<string, ReferencedFact>(StringComparer.Ordinal);

    /// <summary>The current parties of existing deals that the facts name or refer to parties of.</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> Parties { get; init; } =
        new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
}

/// <summary>What the ledger knows about a subject stream before a fact is recorded on it.</summary>
public sealed record SubjectState(StreamKind Kind, long Version);

/// <summary>What the ledger knows about a fact another fact refers to.</summary>
public sealed record ReferencedFact(string FactId, FactType Type, string Subject, string Publisher, string? RetractedBy, string? CorrectedBy);

/// <summary>
/// A fact the ledger already holds under a fact id: where it was recorded (stream and version, event id) and
/// what it says. <see cref="Content"/> is null when the log did not return the event.
/// </summary>
public sealed record StoredFact(string FactId, string Type, string Subject, long Version, Guid EventId, IFact? Content);

/// <summary>
/// Facts to append to one subject's stream, in order: a new stream is started with the subject's kind; an
/// existing one is appended to, expecting to reach <see cref="Version"/> (so a concurrent writer makes the commit fail).
/// </summary>
public sealed record StreamAppend(string Subject, StreamKind Kind, bool Starts, long Version, IReadOnlyList<IFact> Facts);
