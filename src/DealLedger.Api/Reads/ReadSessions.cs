using Marten;
using Marten.Services;
using SessionOptions = Marten.Services.SessionOptions;

namespace DealLedger.Api.Reads;

/// <summary>
/// Marten's session factory with standby reads on: write sessions are lightweight, as with
/// <c>UseLightweightSessions()</c>; a query session follows the request's <see cref="ReadRoute"/>.
/// </summary>
public sealed class ReadSessions : SessionFactoryBase
{
    private readonly IDocumentStore _store;
    private readonly IHttpContextAccessor _http;

    public ReadSessions(IDocumentStore store, IHttpContextAccessor http) : base(store)
    {
        _store = store;
        _http = http;
    }

    public override SessionOptions BuildOptions() => new() { Tracking = DocumentTracking.None };

    public override IQuerySession QuerySession() => ReadRoute.Of(_http.HttpContext) switch
    {
        { Pinned: { } connection } => _store.QuerySession(SessionOptions.ForConnection(connection)),
        { Primary: true } => _store.PrimaryQuerySession(),
        _ => _store.QuerySession(),
    };
}

public static class PrimaryReads
{
    /// <summary>
    /// A session that reads from the primary even when query sessions prefer standbys: Marten opens a write session's
    /// connections with its write preference (the primary). For reads that must see the latest commit (a write that
    /// lost a race, administration); it is never saved, so it writes nothing.
    /// </summary>
    public static IQuerySession PrimaryQuerySession(this IDocumentStore store) => store.LightweightSession();
}

public static class ReadSessionsRegistration
{
    /// <summary>Lightweight sessions, as before; with standby reads on, query sessions follow each request's <see cref="ReadRoute"/>.</summary>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression UseReadSessions(
        this MartenServiceCollectionExtensions.MartenConfigurationExpression marten, bool standbyReads) =>
        standbyReads ? marten.BuildSessionsWith<ReadSessions>() : marten.UseLightweightSessions();
}
