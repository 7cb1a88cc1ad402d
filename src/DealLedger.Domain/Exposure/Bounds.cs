using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Exposure;

/// <summary>
/// A sum of reported amounts in one currency that keeps what the sources said about precision (docs/read-models.md,
/// "Adding figures"): <see cref="Amount"/> is the point figure when every part has one (exact or about);
/// <see cref="Low"/> and <see cref="High"/> bound the sum (a null <see cref="High"/> is unbounded);
/// <see cref="Undisclosed"/> counts parts whose amount was not disclosed, which are never taken as zero.
/// </summary>
public sealed record Bounds(
    string Currency,
    decimal? Amount,
    decimal Low,
    decimal? High,
    string Precision,
    int Parts,
    int Undisclosed,
    string? NotComputable = null)
{
    /// <summary>Every part exact.</summary>
    public const string Exact = "exact";

    /// <summary>Exact and about parts: the point figure is approximate.</summary>
    public const string About = "about";

    /// <summary>Some part has no point figure but every part has an upper bound: the sum is between low and high.</summary>
    public const string Range = "range";

    /// <summary>Some part has no upper bound (an at-least or undisclosed part): the sum is at least low.</summary>
    public const string AtLeast = "at-least";

    /// <summary>How one reported amount enters a sum; the table docs/read-models.md shows.</summary>
    public static (decimal? Point, decimal Low, decimal? High, bool Approximate) Of(Money money) => money.Precision switch
    {
        Money.Exact => (money.Amount, money.Amount ?? 0, money.Amount, false),
        Money.About => (money.Amount, money.Amount ?? 0, money.Amount, true),
        Money.UpTo => (null, 0, money.Amount, false),
        Money.AtLeast => (null, money.Amount ?? 0, null, false),
        Money.Range => (null, money.Amount ?? 0, money.Max ?? money.Amount, false),
        _ => (null, 0, null, false),
    };

    /// <summary>Adds amounts of one currency under the precision rule; never throws (an overflow is reported, not thrown).</summary>
    public static Bounds Sum(string currency, IEnumerable<Money> amounts)
    {
        decimal? point = 0m;
        decimal low = 0m;
        decimal? high = 0m;
        var parts = 0;
        var undisclosed = 0;
        var approximate = false;
        try
        {
            foreach (var money in amounts)
            {
                parts++;
                if (money.Amount is null)
                {
                    undisclosed++;
                }

                var (p, l, h, about) = Of(money);
                approximate |= about;
                point = point is null || p is null ? null : point + p;
                low += l;
                high = high is null || h is null ? null : high + h;
            }
        }
        catch (OverflowException)
        {
            return new Bounds(currency, null, 0, null, AtLeast, parts, undisclosed, $"the sum {Figures.TooLarge}");
        }

        var precision = point is not null
            ? approximate ? About : Exact
            : high is null ? AtLeast : Range;
        return new Bounds(currency, point, low, high, precision, parts, undisclosed);
    }
}
