using DealLedger.Domain.Audit;
using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Tests.Audit;

/// <summary>A term's revisions in reported order, each with its delta and ratio to the last live one before it.</summary>
public class RevisionChainTests
{
    private sealed record Revision(string Id, DateOnly ReportedOn, Figure? Figure, bool Live = true, string? Repeat = null);

    private static List<(string Id, Change? Change)> Chain(params Revision[] revisions) =>
        RevisionChain.Of(revisions, r => r.ReportedOn, r => r.Figure, r => r.Live, r => r.Repeat).Select(x => (x.Revision.Id, x.Change)).ToList();

    private static Figure Usd(decimal amount) => new(amount, "USD");

    [Fact]
    public void each_revision_is_compared_with_the_previous_one_in_reported_order()
    {
        var chain = Chain(
            new Revision("later", new DateOnly(2025, 9, 5), Usd(115m)),
            new Revision("first", new DateOnly(2025, 3, 1), Usd(35m)));

        Assert.Equal([("first", null), ("later", new Change(80m, 3.2857m, null))], chain);
    }

    [Fact]
    public void a_retracted_or_corrected_revision_is_listed_but_not_compared_against()
    {
        var chain = Chain(
            new Revision("a", new DateOnly(2025, 1, 1), Usd(100m)),
            new Revision("withdrawn", new DateOnly(2025, 2, 1), Usd(1_000m), Live: false),
            new Revision("b", new DateOnly(2025, 3, 1), Usd(150m)));

        Assert.Equal(new Change(900m, 10m, null), chain[1].Change);
        Assert.Equal(new Change(50m, 1.5m, null), chain[2].Change);
    }

    [Fact]
    public void a_restatement_or_corroboration_has_no_change_and_the_next_revision_compares_with_the_value_it_repeated()
    {
        var chain = Chain(
            new Revision("a", new DateOnly(2025, 1, 1), Usd(100m), Repeat: Repeats.First),
            new Revision("again", new DateOnly(2025, 2, 1), Usd(100m), Repeat: Repeats.Restatement),
            new Revision("other", new DateOnly(2025, 2, 2), Usd(100m), Repeat: Repeats.Corroboration),
            new Revision("b", new DateOnly(2025, 3, 1), Usd(150m), Repeat: Repeats.Revision));

        Assert.Equal([null, null, null, new Change(50m, 1.5m, null)], chain.Select(c => c.Change));
    }

    [Fact]
    public void figures_in_different_units_or_without_a_number_are_not_compared()
    {
        var chain = Chain(
            new Revision("usd", new DateOnly(2025, 1, 1), Usd(100m)),
            new Revision("eur", new DateOnly(2025, 2, 1), new Figure(90m, "EUR")),
            new Revision("undisclosed", new DateOnly(2025, 3, 1), null),
            new Revision("eur-again", new DateOnly(2025, 4, 1), new Figure(95m, "EUR")));

        Assert.Equal([null, null, null], chain.Skip(1).Select(c => c.Change));
    }

    [Fact]
    public void a_values_figure_is_its_disclosed_amount_else_its_quantity()
    {
        Assert.Equal(new Figure(10m, "USD"), Figure.Of(new Money(10m, "USD", Money.About), null, null));
        Assert.Equal(new Figure(4.5m, "GW"), Figure.Of(null, 4.5m, "GW"));
        Assert.Null(Figure.Of(new Money(null, "USD", Money.Undisclosed), null, null));
        Assert.Null(Figure.Of(null, null, null));
    }

    [Fact]
    public void comparing_figures_uses_the_one_arithmetic_of_figures()
    {
        Assert.Equal(Figures.Between(0m, 5m), Figures.Compare(Usd(0m), Usd(5m)));
        Assert.Null(Figures.Compare(null, Usd(5m)));
    }
}
