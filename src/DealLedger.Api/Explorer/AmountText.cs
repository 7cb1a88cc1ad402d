using DealLedger.Domain.Exposure;
using DealLedger.Domain.Sources;
using DealLedger.Projections.Commitments;
using DealLedger.Projections.Parties;

namespace DealLedger.Api.Explorer;

/// <summary>
/// How the explorer words a reported amount or a sum the ledger computed, keeping what the sources said about
/// precision: an undisclosed part is said to be undisclosed, never shown as zero.
/// </summary>
public static class AmountText
{
    /// <summary>A reported amount: "$300B", "about $115B", "at least $11.9B", "$0 to $40B", "undisclosed".</summary>
    public static string Money(Money? money) => money switch
    {
        null or { Amount: null } => "undisclosed",
        { Amount: { } a, Precision: Domain.Sources.Money.Range } => $"{Explore.Amount(a, money.Currency)} to {Explore.Amount(money.Max ?? a, money.Currency)}",
        { Amount: { } a, Precision: Domain.Sources.Money.About } => $"about {Explore.Amount(a, money.Currency)}",
        { Amount: { } a, Precision: Domain.Sources.Money.AtLeast } => $"at least {Explore.Amount(a, money.Currency)}",
        { Amount: { } a, Precision: Domain.Sources.Money.UpTo } => $"up to {Explore.Amount(a, money.Currency)}",
        { Amount: { } a } => Explore.Amount(a, money.Currency),
    };

    /// <summary>A sum as <see cref="Bounds"/> gives it, with its undisclosed parts counted apart.</summary>
    public static string Sum(Bounds sum) =>
        Sum(sum.Currency, sum.Amount, sum.Low, sum.High, sum.Precision, sum.Undisclosed, sum.NotComputable);

    public static string Sum(ExposureFigure figure) =>
        Sum(figure.Currency, figure.Amount, figure.Low, figure.High, figure.Precision, figure.Undisclosed, figure.NotComputable);

    public static string Sum(YearCommitment year) =>
        Sum(year.Currency, year.Amount, year.Low, year.High, year.Precision, 0, year.NotComputable);

    public static string Sum(string? currency, decimal? amount, decimal? low, decimal? high, string precision, int undisclosed, string? notComputable)
    {
        if (notComputable is not null)
        {
            return $"not computable ({notComputable})";
        }

        var unit = currency ?? "";
        var known = precision switch
        {
            Bounds.Exact when amount is { } a => Explore.Amount(a, unit),
            Bounds.About when amount is { } a => $"about {Explore.Amount(a, unit)}",
            Bounds.Range when low is not > 0 => $"up to {Explore.Amount(high, unit)}",
            Bounds.Range => $"{Explore.Amount(low, unit)} to {Explore.Amount(high, unit)}",
            _ when low is > 0 => $"at least {Explore.Amount(low, unit)}",
            _ => null,
        };
        var hidden = undisclosed switch
        {
            0 => null,
            1 => "1 amount undisclosed",
            _ => $"{undisclosed} amounts undisclosed",
        };
        return (known, hidden) switch
        {
            (null, null) => "undisclosed",
            (null, { } h) => h,
            ({ } k, null) => k,
            ({ } k, { } h) => $"{k} + {h}",
        };
    }

    /// <summary>The party's side of a deal's flow, in words.</summary>
    public static string Direction(Flow? flow) => flow?.Direction switch
    {
        Flow.Out => "pays",
        Flow.In => "is paid",
        Flow.NotReported => "direction not reported",
        _ => "no money flow reported",
    };
}
