using DealLedger.Domain.Facts;

namespace DealLedger.Domain.Recording;

/// <summary>
/// Import a file of facts, all or nothing: <paramref name="Facts"/> are the lines that parsed, with their 1-based
/// line numbers in file order; <paramref name="Unparsed"/> the lines that did not.
/// </summary>
public sealed record ImportFacts(IReadOnlyList<(int Line, ParsedFact Fact)> Facts, IReadOnlyList<LineErrors> Unparsed)
{
    /// <summary>
    /// Checks every line against the ledger and the lines before it (a fact may refer to a fact or a deal an earlier
    /// line records). One bad line, including one that did not parse, rejects the whole file with every bad line
    /// listed in line order. Facts the ledger or an earlier line already holds with the same content are counted,
    /// not appended again.
    /// </summary>
    public static ImportDecision Decide(LedgerView ledger, ImportFacts command)
    {
        var errors = new List<LineErrors>(command.Unparsed);
        var batch = new Batch(ledger);
        var alreadyPresent = 0;
        foreach (var (line, fact) in command.Facts)
        {
            if (ledger.Stored.TryGetValue(fact.FactId, out var stored))
            {
                if (Idempotency.IsResend(stored, fact))
                {
                    alreadyPresent++;
                }
                else
                {
                    errors.Add(new LineErrors(line, fact.FactId, [new FieldError("factId", Idempotency.OtherContent(fact.FactId))]));
                }

                continue;
            }

            if (batch.Find(fact.FactId) is { } earlier)
            {
                if (earlier.Subject == fact.Subject && Idempotency.SameContent(earlier.Event, fact.Event))
                {
                    alreadyPresent++;
                }
                else
                {
                    errors.Add(new LineErrors(line, fact.FactId,
                        [new FieldError("factId", $"'{fact.FactId}' appears earlier in this file with other content")]));
                }

                continue;
            }

            var lineErrors = batch.Check(fact);
            if (lineErrors.Count > 0)
            {
                errors.Add(new LineErrors(line, fact.FactId, lineErrors));
                continue;
            }

            batch.Accept(fact);
        }

        return errors.Count > 0
            ? new ImportDecision.Rejected(errors.OrderBy(e => e.Line).ToList())
            : new ImportDecision.Append(batch.Appends(), command.Facts.Count, batch.Count, alreadyPresent);
    }
}

/// <summary>A line of an import file that cannot be recorded, and why.</summary>
public sealed record LineErrors(int Line, string? FactId, IReadOnlyList<FieldError> Errors);

/// <summary>What becomes of an import file.</summary>
public abstract record ImportDecision
{
    private ImportDecision()
    {
    }

    /// <summary>
    /// Append these streams (none when every fact was already there): <paramref name="Facts"/> facts in the file,
    /// <paramref name="Recorded"/> of them new, <paramref name="AlreadyPresent"/> already in the ledger or earlier in the file.
    /// </summary>
    public sealed record Append(IReadOnlyList<StreamAppend> Streams, int Facts, int Recorded, int AlreadyPresent) : ImportDecision;

    /// <summary>Nothing is written: every bad line, in line order.</summary>
    public sealed record Rejected(IReadOnlyList<LineErrors> Lines) : ImportDecision;
}
