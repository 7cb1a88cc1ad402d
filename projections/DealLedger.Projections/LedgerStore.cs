using DealLedger.Domain.Facts;
using DealLedger.Projections.Deals;
using DealLedger.Projections.Estimates;
using DealLedger.Projections.Parties;
using JasperFx;
using JasperFx.Events;
using Marten;
using Npgsql;
using Weasel.Core;

namespace DealLedger.Projections;

/// <summary>
/// The event store's configuration, shared by the API, the tests and the benchmarks so all of them read and
/// write the same log the same way.
/// </summary>
public static class LedgerStore
{
    public const string DefaultSchema = "ledger";

    /// <param name="models">The read models to register, with their versions (the catalogue by default).</param>
    public static void Configure(StoreOptions options, string connectionString, string schema = DefaultSchema,
        IReadOnlyList<ReadModel>? models = null)
    {
        options.Connection(connectionString);
        ConfigureLedger(options, schema, models);
    }

    /// <summary>The store on a data source its owner sizes and disposes (the API's one connection budget).</summary>
    public static void Configure(StoreOptions options, NpgsqlDataSource dataSource, string schema = DefaultSchema,
        IReadOnlyList<ReadModel>? models = null)
    {
        options.Connection(dataSource);
        ConfigureLedger(options, schema, models);
    }

    /// <summary>Everything but the connection, for a host that supplies it (Marten's <c>UseNpgsqlDataSource</c>).</summary>
    /// <param name="skipFailingEvents">
    /// The operator's way out of a read model stopped on an event (docs/operations.md): skip such events into
    /// Marten's dead-letter table instead of stopping.
    /// </param>
    public static void ConfigureLedger(StoreOptions options, string schema = DefaultSchema, IReadOnlyList<ReadModel>? models = null,
        bool skipFailingEvents = false)
    {
        options.DatabaseSchemaName = schema;

        // Chosen before the first event was ever stored; changing casing later silently breaks replays.
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);

        options.Events.StreamIdentity = StreamIdentity.AsString;
        options.Events.MetadataConfig.CorrelationIdEnabled = true;
        options.Events.MetadataConfig.CausationIdEnabled = true;
        options.Events.MetadataConfig.UserNameEnabled = true;
        options.Events.EnableUniqueIndexOnEventId = true;
        options.Events.EnableEventTypeIndex = true;

        // A party's stream is started with PartyExposure as its aggregate type (stored as "party_exposure"). Since
        // version 3 no projection aggregates that type (it stores an entry per party and deal), so Marten would not
        // resolve the stored name back to it: name it here, so existing party streams still read as parties.
        ((Marten.Events.EventGraph)options.Events).AggregateAliasFor(typeof(PartyExposure));

        // Pinned wire names: the stored type of each event is its fact type, never a CLR name.
        foreach (var type in FactTypes.All)
        {
            options.Events.MapEventType(type.EventType, type.Name);
        }

        // A projection that cannot apply an event stops (its shard pauses, the status and /health say so with
        // the event) instead of Marten's continuous default of skipping the event: a skipped event would make
        // the read model silently differ from a rebuild.
        options.Projections.Errors.SkipApplyErrors = skipFailingEvents;
        options.Projections.Errors.SkipSerializationErrors = false;
        options.Projections.Errors.SkipUnknownEvents = false;

        ReadModels.Register(options, models);
        options.Storage.Add(new AppendNotificationsFeature(options));
        options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
    }

    /// <summary>The kind of an existing stream, from the aggregate type it was started with.</summary>
    public static StreamKind? KindOf(StreamState state) => state.AggregateType switch
    {
        { } t when t == typeof(DealSummary) => StreamKind.Deal,
        { } t when t == typeof(EstimateHistory) => StreamKind.Estimate,
        { } t when t == typeof(PartyExposure) => StreamKind.Party,
        _ => null,
    };

    /// <summary>The aggregate type a stream of this kind is started with.</summary>
    public static Type AggregateTypeOf(StreamKind kind) => kind switch
    {
        StreamKind.Deal => typeof(DealSummary),
        StreamKind.Estimate => typeof(EstimateHistory),
        _ => typeof(PartyExposure),
    };
}
