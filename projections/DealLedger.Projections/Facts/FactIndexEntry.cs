using DealLedger.Domain.Facts;
using DealLedger.Domain.Sources;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace DealLedger.Projections.Facts;

/// <summary>
/// One row per recorded fact, keyed by the client's fact id: the idempotency key of every write. Its unique
/// primary key is what makes two concurrent writers of the same fact id collide instead of both appending.
/// </summary>
public sealed record FactIndexEntry(string Id, string Type, string Subject, Guid EventId);

public sealed partial class FactIndexProjection : EventProjection
{
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
            operations.Insert(new FactIndexEntry(fact.Fact.FactId, FactTypes.Of(fact).Name, e.StreamKey!, e.Id));
        }

        return ValueTask.CompletedTask;
    }
}
