using DealLedger.Domain.Facts;
using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Commitments;

/// <summary>A deal's current value of one term, as the schedule rule needs it: the figure and the fact it comes from.</summary>
public sealed record Figure<T>(T Value, string FactId);

/// <summary>The schedule terms of one deal (each the current live report, or null when not reported).</summary>
public sealed record ScheduleTerms(
    Figure<Money>? Total,
    Figure<Money>? FirstYear,
    Figure<Money>? Annual,
    Figure<(int Months, string Precision)>? Duration,
    Figure<Effective>? Start);

/// <summary>One year of a deal's schedule: the amount due that year and which term placed it there.</summary>
public sealed record ScheduledYear(int Year, Money Amount, string Basis);

/// <summary>A deal placed over its years, or why it cannot be (<see cref="Unscheduled"/>), with the facts used either way.</summary>
public sealed record DealSchedule(IReadOnlyList<ScheduledYear> Years, string? Unscheduled, IReadOnlyList<string> Because)
{
    public int? StartYear => Years.Count > 0 ? Years[0].Year : null;
}

/// <summary>
/// The commitments rule (docs/read-models.md, "Commitments per year"): a deal's headline total is placed from its
/// reported start year over its reported duration; a reported first-year value fills the first year and the rest is
/// spread evenly over the others; a reported annual value fills each year, the last year taking what remains of the
/// total; otherwise the total is spread evenly. Every year's figure keeps the precision of what it came from (an
/// "about" duration or first year makes the years "about"). A deal that cannot be placed says why.
/// </summary>
public static class Schedule
{
    public const string FirstYearBasis = "first-year";
    public const string AnnualBasis = "annual";
    public const string RemainderBasis = "remainder";
    public const string EvenBasis = "even";

    public const string NoValue = "no total value reported";
    public const string ValueUndisclosed = "total value not disclosed";
    public const string NoStart = "no start reported";
    public const string NoDuration = "no duration reported (and no annual value to derive it from)";
    public const string TooLong = "duration beyond the 1,200-month limit (recorded before the limits)";
    public const string Inconsistent = "the reported first-year or annual values exceed the total";

    public const string TooLarge = "the figures exceed the largest representable amount (recorded before the limits)";

    public static DealSchedule Of(ScheduleTerms terms)
    {
        try
        {
            return Place(terms);
        }
        catch (ArithmeticException)
        {
            return Unscheduled(TooLarge, [.. new[] { terms.Total?.FactId, terms.Start?.FactId }.OfType<string>()]);
        }
    }

    private static DealSchedule Place(ScheduleTerms terms)
    {
        var because = new[] { terms.Total?.FactId, terms.FirstYear?.FactId, terms.Annual?.FactId, terms.Duration?.FactId, terms.Start?.FactId }
            .OfType<string>().ToList();
        if (terms.Total is not { } total)
        {
            return Unscheduled(NoValue, because);
        }

        if (total.Value.Amount is not { } amount)
        {
            return Unscheduled(ValueUndisclosed, because);
        }

        if (terms.Start?.Value.From is not { } from)
        {
            return Unscheduled(NoStart, because);
        }

        if (terms.Duration?.Value.Months > FactLimits.DurationMonths.Max)
        {
            return Unscheduled(TooLong, because);
        }

        // A first-year or annual value places years only when it is a figure (exact or about) in the total's currency;
        // a bound (up to, at least, a range) says too little to place a year, and the total is spread evenly.
        var annual = terms.Annual?.Value is { Amount: > 0, Precision: Money.Exact or Money.About } a && a.Currency == total.Value.Currency ? a : null;
        var firstYear = terms.FirstYear?.Value is { Amount: not null, Precision: Money.Exact or Money.About } fy && fy.Currency == total.Value.Currency
            ? fy
            : null;
        if (firstYear?.Amount > amount)
        {
            return Unscheduled(Inconsistent, because);
        }

        int years;
        if (terms.Duration is { } duration)
        {
            years = Math.Max(1, (int)Math.Ceiling(duration.Value.Months / 12m));
        }
        else if (annual is not null)
        {
            years = (int)Math.Max(1, Math.Min(FactLimits.DurationMonths.Max / 12, Math.Ceiling(amount / annual.Amount!.Value)));
        }
        else
        {
            return Unscheduled(NoDuration, because);
        }

        var approximate = terms.Duration?.Value.Precision is "about" || total.Value.Precision == Money.About;
        var placed = new List<ScheduledYear>();
        if (firstYear is not null && years > 1)
        {
            var rest = amount - firstYear.Amount!.Value;
            placed.Add(new ScheduledYear(from.Year, Shaped(total.Value, firstYear.Amount!.Value, approximate || firstYear.Precision != Money.Exact),
                FirstYearBasis));
            placed.AddRange(Even(total.Value, rest, from.Year + 1, years - 1, approximate || firstYear.Precision != Money.Exact, RemainderBasis));
        }
        else if (annual is not null && years > 1)
        {
            var each = annual.Amount!.Value;
            if (each * (years - 1) > amount)
            {
                return Unscheduled(Inconsistent, because);
            }

            var rough = approximate || annual.Precision != Money.Exact;
            for (var i = 0; i < years - 1; i++)
            {
                placed.Add(new ScheduledYear(from.Year + i, Shaped(total.Value, each, rough), AnnualBasis));
            }

            placed.Add(new ScheduledYear(from.Year + years - 1, Shaped(total.Value, amount - (each * (years - 1)), rough), RemainderBasis));
        }
        else
        {
            placed.AddRange(Even(total.Value, amount, from.Year, years, approximate, EvenBasis));
        }

        return new DealSchedule(placed, null, because);
    }

    private static DealSchedule Unscheduled(string why, List<string> because) => new([], why, because);

    /// <summary>Even yearly shares; the last year takes the rounding remainder so the shares add up to the amount.</summary>
    private static IEnumerable<ScheduledYear> Even(Money total, decimal amount, int firstYear, int years, bool approximate, string basis)
    {
        // Rounded toward zero, so the last year's remainder is never negative.
        var share = decimal.Round(amount / years, 2, MidpointRounding.ToZero);
        for (var i = 0; i < years; i++)
        {
            var value = i == years - 1 ? amount - (share * (years - 1)) : share;
            yield return new ScheduledYear(firstYear + i, Shaped(total, value, approximate), basis);
        }
    }

    /// <summary>
    /// A year's figure with the total's precision, made "about" when an approximate term placed it. A range or bound
    /// total (up-to, at-least, range) keeps its precision word: the year is then as uncertain as the whole.
    /// </summary>
    private static Money Shaped(Money total, decimal amount, bool approximate)
    {
        var precision = total.Precision == Money.Exact && approximate ? Money.About : total.Precision;
        decimal? max = total is { Precision: Money.Range, Max: { } whole, Amount: > 0 } ? decimal.Round(amount / total.Amount.Value * whole, 2) : null;
        return new Money(amount, total.Currency, precision, max);
    }
}
