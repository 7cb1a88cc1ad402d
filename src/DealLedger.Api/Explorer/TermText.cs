using System.Globalization;
using DealLedger.Projections.Deals;

namespace DealLedger.Api.Explorer;

/// <summary>How the explorer writes a deal term's value: amounts and quantities as <see cref="Explore.Amount"/> does.</summary>
public static class TermText
{
    public static string Of(TermValue? value) => value switch
    {
        null => "",
        { Money: { } money } => Explore.Amount(money.Amount, money.Currency)
            + (money.Max is { } max ? " to " + Explore.Amount(max, money.Currency) : "")
            + (value.Percent is { } percent ? $" ({Percent(percent)})" : ""),
        { Percent: { } percent } => Percent(percent),
        { Quantity: { } quantity } => Explore.Amount(quantity, value.Unit ?? ""),
        { Payer: { } payer } when value.Text is null or "" => $"{payer} pays {value.Payee}",
        { Right: { } right } => $"{value.Text}: {right.Right}, {right.Grantor} to {right.Grantee}" + (value.Period is { } p ? $" ({p.Text})" : ""),
        { Period: { } period } when value.Text is not null => $"{value.Text} ({period.Text})",
        { Period: { } period } => period.Text,
        _ => value.Text ?? "",
    };

    private static string Percent(decimal percent) => percent.ToString("0.##", CultureInfo.InvariantCulture) + "%";
}
