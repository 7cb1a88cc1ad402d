namespace DealLedger.Domain.Facts;

/// <summary>What the ledger knows about a subject stream before a fact is recorded on it.</summary>
public sealed record SubjectState(StreamKind Kind, long Version);

/// <summary>
/// The decision for recording a fact on its subject stream, given what the ledger holds: pure, no I/O.
/// Returns the errors that make the fact unacceptable (none means: append it).
/// </summary>
public static class LedgerRules
{
    public static IReadOnlyList<FieldError> Check(ParsedFact fact, SubjectState? subject)
    {
        if (subject is null)
        {
            return fact.Type.MayStartStream
                ? []
                : [new FieldError("subject", $"'{fact.Subject}' is not a known {Noun(fact.Type.Stream)}; record a " +
                    $"'{FirstTypeOf(fact.Type.Stream)}' fact for it first")];
        }

        if (subject.Kind != fact.Type.Stream)
        {
            return [new FieldError("subject", $"'{fact.Subject}' is a {Noun(subject.Kind)}, but '{fact.Type.Name}' is a " +
                $"{Noun(fact.Type.Stream)} fact")];
        }

        return [];
    }

    private static string Noun(StreamKind kind) => kind.ToString().ToLowerInvariant();

    private static string FirstTypeOf(StreamKind kind) =>
        FactTypes.All.First(t => t.Stream == kind && t.MayStartStream).Name;
}
