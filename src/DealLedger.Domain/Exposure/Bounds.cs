using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Exposure;

/// <summary>
/// A sum of reported amounts in one currency that keeps what the sources said about precision (docs/read-models.md,
/// "Adding figures"): <see cref="Amount"/> is the point figure when every part has one (exact or about);
/// <see cref="Low"/> and <see cref="High"/> bound the sum (a null <see cref="High"/> is unbounded);
/// <see cref="Approximate"/> says an <c>about</c> part entered the figure or its bounds; <see cref="Undisclosed"/>
/// counts parts whose amount was not disclosed, which are never taken as zero. A null <see cref="Currency"/> sums
/// parts whose value was not reported at all (so their currency is unknown either). When the sum cannot be given,
/// <see cref="Amount"/>, <see cref="Low"/> and <see cref="High"/> are null and <see cref="NotComputable"/> says why.
/// </summary>
public sealed record Bounds(
    string? Currency,
    decimal? Amount,
    decimal? Low,
    decimal? High,
    string Precision,
    bool Approximate,
    int Parts,
    int Undisclosed,
    string? NotComputable = null)
{
    /// <summary>Every part exact.</summary>
    public const string Exact = "exact";

    /// <summary>Exact and about parts only: the point figure is approximate.</summary>
    public const string About = "about";

    /// <summary>Some part has no point figure but every part has an upper bound: the sum is between low and high.</summary>
    public const string Range = "range";

    /// <summary>Some part has no upper bound (an at-least or undisclosed part): the sum is at least low.</summary>
    public const string AtLeast = "at-least";

    /// <summary>The sum exceeds what a decimal holds, or mixes currencies: no figure is given.</summary>
    public const string NotComputablePrecision = "not-computable";

    /// <summary>
    /// How one reported amount enters a sum (the table in docs/read-models.md): its point figure (none for up-to,
    /// at-least, range and undisclosed), what it adds to the lower bound, what it adds to the upper bound (null:
    /// unbounded), and whether it is approximate. A null money is a value not reported at all: undisclosed.
    /// </summary>
    public static (decimal? Point, decimal Low, decimal? High, bool Approximate) Of(Money? money) => money switch
    {
        { Amount: { } a, Precision: Money.Exact } => (a, a, a, false),
        { Amount: { } a, Precision: Money.About } => (a, a, a, true),
        { Amount: { } a, Precision: Money.UpTo } => (null, 0, a, false),
        { Amount: { } a, Precision: Money.AtLeast } => (null, a, null, false),
        { Amount: { } a, Precision: Money.Range } => (null, a, money.Max ?? a, false),

        // Not reported, undisclosed, or a precision this rule does not know (never guessed at): no bound above.
        _ => (null, 0, null, false),
    };

    /// <summary>Whether a part counts as undisclosed: no value, no amount, or an amount the rule cannot place.</summary>
    public static bool IsUndisclosed(Money? money) =>
        money is not { Amount: not null } || money.Precision is not (Money.Exact or Money.About or Money.UpTo or Money.AtLeast or Money.Range);

    /// <summary>
    /// Adds the amounts (all in <paramref name="currency"/>; a null money is a value not reported) under the precision
    /// rule. Never throws: an overflow, or an amount in another currency, gives a not-computable sum that says why.
    /// </summary>
    public static Bounds Sum(string? currency, IEnumerable<Money?> amounts)
    {
        decimal? point = 0m;
        decimal low = 0m;
        decimal? high = 0m;
        var parts = 0;
        var undisclosed = 0;
        var approximate = false;
        string? notComputable = null;
        foreach (var money in amounts)
        {
            parts++;
            if (IsUndisclosed(money))
            {
                undisclosed++;
            }

            if (money is not null && money.Currency != currency)
            {
                notComputable ??= $"the sum mixes currencies ({currency ?? "none"} and {money.Currency})";
            }

            if (notComputable is not null)
            {
                continue;
            }

            var (p, l, h, about) = Of(money);
            approximate |= about;
            try
            {
                point = point is null || p is null ? null : point + p;
                low += l;
                high = high is null || h is null ? null : high + h;
            }
            catch (OverflowException)
            {
                notComputable = $"the sum {Figures.TooLarge}";
            }
        }

        if (notComputable is not null)
        {
            return new Bounds(currency, null, null, null, NotComputablePrecision, approximate, parts, undisclosed, notComputable);
        }

        var precision = point is not null
            ? approximate ? About : Exact
            : high is null ? AtLeast : Range;
        return new Bounds(currency, point, low, high, precision, approximate, parts, undisclosed);
    }
}
