namespace DealLedger.Domain.Sources;

/// <summary>The change from one figure to the next. A null member is not computable; <see cref="NotComputable"/> says why.</summary>
public sealed record Change(decimal? Delta, decimal? Ratio, string? NotComputable);

/// <summary>A reported number with its unit: an amount in a currency, or a quantity (GW, months).</summary>
public readonly record struct Figure(decimal Amount, string? Unit)
{
    /// <summary>A value's number: its amount when disclosed, else its quantity; null when it has neither.</summary>
    public static Figure? Of(Money? money, decimal? quantity, string? unit) =>
        money?.Amount is { } amount ? new Figure(amount, money.Currency) : quantity is { } q ? new Figure(q, unit) : null;
}

/// <summary>A sum of figures, or why it cannot be given (null <see cref="Amount"/>).</summary>
public sealed record Total(decimal? Amount, string? NotComputable);

/// <summary>
/// The arithmetic every read model does on reported figures, in one place. It never throws: new facts are
/// bounded by <see cref="Facts.FactLimits"/>, but a sum over many facts, or facts recorded before the limits
/// existed, can exceed <see cref="decimal"/>; such a figure is reported as not computable, and why, while the
/// rest of the document stays right.
/// </summary>
public static class Figures
{
    public const string TooLarge = "exceeds the largest representable amount (about 7.9e28)";

    /// <summary>Delta and ratio (rounded to 4 decimals) from <paramref name="before"/> to <paramref name="after"/>.</summary>
    public static Change Between(decimal before, decimal after)
    {
        var delta = Try(() => after - before);
        decimal? ratio = null;
        string? why = delta is null ? $"the difference {TooLarge}" : null;
        if (before == 0)
        {
            why ??= "no ratio to a previous value of zero";
        }
        else
        {
            ratio = Try(() => decimal.Round(after / before, 4));
            why ??= ratio is null ? $"the ratio {TooLarge}" : null;
        }

        return new Change(delta, ratio, why);
    }

    /// <summary>The change between two figures, or null when either is missing or their units differ.</summary>
    public static Change? Compare(Figure? before, Figure? after) =>
        before is { } b && after is { } a && b.Unit == a.Unit ? Between(b.Amount, a.Amount) : null;

    public static Total Sum(IEnumerable<decimal> amounts)
    {
        var sum = 0m;
        foreach (var amount in amounts)
        {
            if (Try(() => sum + amount) is not { } next)
            {
                return new Total(null, $"the sum {TooLarge}");
            }

            sum = next;
        }

        return new Total(sum, null);
    }

    private static decimal? Try(Func<decimal> compute)
    {
        try
        {
            return compute();
        }
        catch (OverflowException)
        {
            return null;
        }
    }
}
