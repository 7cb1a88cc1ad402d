using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Exposure;

/// <summary>
/// One party's part of one deal's headline figure: money <see cref="Out"/> (it pays), <see cref="In"/> (it is paid),
/// or <see cref="NotReported"/> (the direction is neither reported nor derivable). <see cref="Value"/> is the part
/// attributed to the party and <see cref="Whole"/> the deal's figure (both null when no figure is reported, though
/// the direction is known): the whole when the party is alone on its side, its reported share, or undisclosed
/// ("share not disclosed"), never the whole once per partner. <see cref="Counterparties"/> say whom the money goes
/// to or comes from, each with its own part; a joint venture's partners pay the venture (the deal), not each other.
/// <see cref="Because"/> lists the facts the flow rests on.
/// </summary>
public sealed record Flow(
    string Deal,
    string Direction,
    IReadOnlyList<FlowPart> Counterparties,
    string Kind,
    Money? Value,
    Money? Whole,
    string Attribution,
    string Consideration,
    bool DirectionStated,
    IReadOnlyList<string> Because)
{
    public const string Out = "out";
    public const string In = "in";
    public const string NotReported = "not-reported";

    public const string WholeValue = "whole";
    public const string Share = "share";
    public const string ShareNotDisclosed = "share-not-disclosed";

    /// <summary>The currency the flow is summed in: its figure's, or none when no figure is reported.</summary>
    public string? Currency => Value?.Currency ?? Whole?.Currency;
}

/// <summary>
/// The part of a flow between the party and one counterparty (<see cref="Venture"/>: the counterparty is the joint
/// venture, named by the deal's slug), attributed like the flow itself, with the facts it rests on.
/// </summary>
public sealed record FlowPart(string Party, bool Venture, Money? Value, string Attribution, IReadOnlyList<string> Because);

/// <summary>A sum of flows of one direction, currency and kind, with its precision (<see cref="Bounds"/>) and the facts behind it.</summary>
public sealed record FlowSum(string Direction, string Kind, Bounds Sum, IReadOnlyList<string> Because);

/// <summary>The flows between a party and one counterparty, summed, with the deals they come from.</summary>
public sealed record CounterpartySums(string Party, bool Venture, IReadOnlyList<string> Deals, IReadOnlyList<FlowSum> Sums);
