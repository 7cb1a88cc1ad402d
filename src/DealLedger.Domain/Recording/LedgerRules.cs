using System.Globalization;
using DealLedger.Domain.Deals;
using DealLedger.Domain.Facts;
using DealLedger.Domain.Relations;
using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Recording;

/// <summary>
/// The rules a parsed fact must pass against what the ledger holds, one check each: pure, no I/O. Each returns
/// the errors that make the fact unacceptable (none means: it may be appended). <see cref="RecordFact"/> and
/// <see cref="ImportFacts"/> apply all of them.
/// </summary>
public static class LedgerRules
{
    public static IReadOnlyList<FieldError> Check(ParsedFact fact, SubjectState? subject)
    {
        if (subject is null)
        {
            return fact.Type switch
            {
                { MayStartStream: true } => [],
                { Stream: { } kind } => [new FieldError("subject", $"'{fact.Subject}' is not a known {Noun(kind)}; record a " +
                    $"'{FirstTypeOf(kind)}' fact for it first")],
                _ => [new FieldError("subject", $"'{fact.Subject}' is not a known subject")],
            };
        }

        if (fact.Type.Stream is { } expected && subject.Kind != expected)
        {
            return [new FieldError("subject", $"'{fact.Subject}' is a {Noun(subject.Kind)}, but '{fact.Type.Name}' is a " +
                $"{Noun(expected)} fact")];
        }

        return [];
    }

    /// <summary>
    /// Checks a fact that refers to an earlier one (a corroboration, dispute, retraction or correction)
    /// against that earlier fact, or returns no error when it refers to none.
    /// </summary>
    public static IReadOnlyList<FieldError> CheckReference(ParsedFact fact, ReferencedFact? target)
    {
        var id = FactReferences.TargetOf(fact.Event);
        if (id is null)
        {
            return [];
        }

        var field = fact.Event.Fact.Corrects is null ? "data.factId" : "corrects";
        if (target is null || target.Subject != fact.Subject)
        {
            return [new FieldError(field, $"'{id}' is not a fact recorded about '{fact.Subject}'")];
        }

        if (target.RetractedBy is not null)
        {
            return [new FieldError(field, $"'{id}' was retracted by '{target.RetractedBy}'")];
        }

        if (target.Type.IsAboutAnotherFact)
        {
            return [new FieldError(field, $"'{id}' is a '{target.Type.Name}' fact; refer to the fact it is about")];
        }

        if (fact.Event is FactCorroborated && target.Publisher == fact.Event.Fact.Source.Publisher)
        {
            return [new FieldError(field, $"'{id}' was published by {target.Publisher}: a source does not corroborate its own fact " +
                "(a corroboration is another publisher's; to repeat the value, record it again as a new report)")];
        }

        if (fact.Event.Fact.Corrects is not null)
        {
            if (target.Type != fact.Type)
            {
                return [new FieldError("corrects", $"'{id}' is a '{target.Type.Name}' fact; a correction has the corrected fact's type")];
            }

            if (target.Publisher != fact.Event.Fact.Source.Publisher)
            {
                return [new FieldError("corrects", $"'{id}' was published by {target.Publisher}: a source corrects only its own facts " +
                    "(record a new report or a dispute instead)")];
            }

            if (target.CorrectedBy is not null)
            {
                return [new FieldError("corrects", $"'{id}' was already corrected by '{target.CorrectedBy}'; correct that fact instead")];
            }
        }

        return [];
    }

    /// <summary>
    /// A relation must name another deal the ledger (or the same import) holds; <paramref name="target"/> is the
    /// target's stream, null when it has none.
    /// </summary>
    public static IReadOnlyList<FieldError> CheckRelation(ParsedFact fact, SubjectState? target)
    {
        if (fact.Event is not DealRelationReported relation)
        {
            return [];
        }

        if (relation.Target == fact.Subject)
        {
            return [new FieldError("data.target", "a deal cannot relate to itself")];
        }

        return target is { Kind: StreamKind.Deal } ? [] : [new FieldError("data.target", $"'{relation.Target}' is not a known deal")];
    }

    /// <summary>The parties a deal fact names (those it may add to the deal).</summary>
    public static IReadOnlyList<string> PartiesNamed(IFact fact) => fact switch
    {
        DealReported reported => reported.Parties.Select(p => p.Party).ToList(),
        DealPartyJoined joined => [joined.Party],
        _ => [],
    };

    /// <summary>
    /// The parties a deal fact refers to in a role of its own (who pays, who holds, who grants...), by field: they
    /// must already be parties of the deal. An issuer or a company whose equity is held need not be.
    /// </summary>
    public static IReadOnlyList<(string Field, string Party)> PartiesReferred(IFact fact)
    {
        var referred = new List<(string Field, string? Party)>();
        switch (fact)
        {
            case DealValueReported value:
                referred.Add(("data.payer", value.Payer));
                referred.Add(("data.payee", value.Payee));
                break;
            case DealDirectionReported direction:
                referred.Add(("data.payer", direction.Payer));
                referred.Add(("data.payee", direction.Payee));
                break;
            case DealShareReported share:
                referred.Add(("data.party", share.Party));
                break;
            case DealStakeReported stake:
                referred.Add(("data.holder", stake.Holder));
                break;
            case DealSecuritiesReported securities:
                referred.Add(("data.holder", securities.Holder));
                break;
            case DealRightGranted granted:
                referred.Add(("data.grantor", granted.Grantor));
                referred.Add(("data.grantee", granted.Grantee));
                break;
            case DealRightLifted lifted:
                referred.Add(("data.grantor", lifted.Grantor));
                referred.Add(("data.grantee", lifted.Grantee));
                break;
        }

        return referred.Where(r => r.Party is not null).Select(r => (r.Field, r.Party!)).ToList();
    }

    /// <summary>True when <see cref="CheckParties"/> needs the deal's parties to judge this fact.</summary>
    public static bool ConcernsParties(IFact fact) => PartiesNamed(fact).Count > 0 || PartiesReferred(fact).Count > 0;

    /// <summary>
    /// A deal may have at most <see cref="FactLimits.PartiesPerDeal"/> distinct parties over all its facts, and a
    /// fact refers only to parties the deal has; <paramref name="current"/> are the parties it has before this fact.
    /// </summary>
    public static IReadOnlyList<FieldError> CheckParties(ParsedFact fact, IReadOnlySet<string> current)
    {
        var strangers = PartiesReferred(fact.Event).Where(r => !current.Contains(r.Party))
            .Select(r => new FieldError(r.Field, $"'{r.Party}' is not a party of '{fact.Subject}'; report it with 'deal.party-joined' first"))
            .ToList();
        if (strangers.Count > 0)
        {
            return strangers;
        }

        var named = PartiesNamed(fact.Event);
        var added = named.Where(p => !current.Contains(p)).Distinct(StringComparer.Ordinal).Count();
        if (added == 0 || current.Count + added <= FactLimits.PartiesPerDeal.Max)
        {
            return [];
        }

        var field = fact.Event is DealPartyJoined ? "data.party" : "data.parties";
        return [new FieldError(field, string.Create(CultureInfo.InvariantCulture,
            $"'{fact.Subject}' has {current.Count} parties and this fact would add {added}: a deal has at most {FactLimits.PartiesPerDeal.Max:0}"))];
    }

    private static string Noun(StreamKind kind) => kind.ToString().ToLowerInvariant();

    private static string FirstTypeOf(StreamKind kind) =>
        FactTypes.All.First(t => t.Stream == kind && t.MayStartStream).Name;
}
