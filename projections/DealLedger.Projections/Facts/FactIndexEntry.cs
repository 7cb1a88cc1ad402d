using DealLedger.Domain.Facts;
using DealLedger.Domain.Relations;
using DealLedger.Domain.Sources;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace DealLedger.Projections.Facts;

/// <summary>
/// One row per recorded fact, keyed by the client's fact id: the idempotency key of every write (its unique
/// primary key makes two concurrent writers of the same fact id collide instead of both appending), and the
/// look-up for facts that refer to other facts (<see cref="Refers"/>, <see cref="Relation"/>).
/// </summary>
public sealed record FactIndexEntry(
    string Id,
    string Type,
    string Subject,
    Guid EventId,
    string Publisher,
    string? Refers,
    string? Relation);

public sealed partial class FactIndexProjection : EventProjection
{
    public const string Corrects = "corrects";

    public FactIndexProjection()
    {
        // Insert (not Store) so a duplicate fact id fails the whole transaction; rebuilds must know the
        // document type to clear it first.
        RegisterPublishedType(typeof(FactIndexEntry));
    }

    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        if (e.Data is IFact fact)
        {
            var type = FactTypes.Of(fact);
            var relation = fact.Fact.Corrects is not null ? Corrects : type.IsAboutAnotherFact ? type.Name : null;
            operations.Insert(new FactIndexEntry(fact.Fact.FactId, type.Name, e.StreamKey!, e.Id, fact.Fact.Source.Publisher,
                FactReferences.TargetOf(fact), relation));
        }

        return ValueTask.CompletedTask;
    }
}
