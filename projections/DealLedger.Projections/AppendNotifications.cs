using System.Data.Common;
using Weasel.Core;
using Weasel.Postgresql.Triggers;

namespace DealLedger.Projections;

/// <summary>
/// Tells every listening node what the log gained, at commit: a statement-level trigger on <c>mt_events</c> sends one
/// <c>NOTIFY</c> per appending statement (Marten's appends, bulk COPY, imports, the CLI, psql alike) carrying the
/// highest log position it wrote and the streams it touched; deleting or truncating events (a reset) sends
/// <c>reset</c>. NOTIFY is transactional, so a rolled-back append says nothing. A Marten storage feature (see
/// <see cref="AppendNotificationsFeature"/>), so <c>db-apply</c>, <c>db-assert</c> and the API's own schema application
/// create and check it with the rest.
/// </summary>
public sealed class AppendNotifications : Trigger
{
    /// <summary>Bumped whenever the SQL below changes, so existing databases are updated.</summary>
    private const string Marker = "dealledger append notifications v1";

    /// <summary>Payloads are limited to 8,000 bytes; past this many stream ids a notification names none ("all changed").</summary>
    private const int MaxPayload = 7000;

    private readonly string _schema;

    public AppendNotifications(string schema)
        : base($"{schema}.mt_notify_appended", $"{schema}.mt_events", $"{schema}.mt_notify_appended()")
    {
        _schema = schema;
    }

    /// <summary>The channel of a ledger schema (several schemas may share one database: each has its own log).</summary>
    /// A channel is an identifier, at most 63 bytes: a longer name keeps its start and a hash of the whole schema name.
    public static string ChannelOf(string schema)
    {
        var channel = "dealledger_appended_" + schema;
        if (System.Text.Encoding.UTF8.GetByteCount(channel) <= 63)
        {
            return channel;
        }

        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(schema)))[..12];
        return "dealledger_appended_" + new string(schema.TakeWhile(c => c < 128).Take(30).ToArray()) + "_" + hash;
    }

    /// <summary>
    /// The statement that tells every listener to forget the answers it holds, the log unchanged: a rebuild or a version
    /// switch rewrote documents without appending. (A log reset, deleting events, sends <c>reset</c> by itself.)
    /// </summary>
    public static string DocumentsRewrittenSql(string schema) => $"select pg_notify('{ChannelOf(schema)}', 'documents')";

    public override void WriteCreateStatement(Migrator migrator, TextWriter writer)
    {
        var channel = ChannelOf(_schema);
        writer.WriteLine($$"""
            create or replace function {{_schema}}.mt_notify_appended() returns trigger language plpgsql as $f$
            declare
              payload text;
            begin
              select json_build_object('p', max(seq_id), 's', json_agg(distinct stream_id))::text into payload from appended;
              if payload is null or payload like '{"p" : null%' then
                return null;
              end if;
              if length(payload) > {{MaxPayload}} then
                select json_build_object('p', max(seq_id), 's', null)::text into payload from appended;
              end if;
              perform pg_notify('{{channel}}', payload);
              return null;
            end
            $f$;
            comment on function {{_schema}}.mt_notify_appended() is '{{Marker}}';
            create or replace function {{_schema}}.mt_notify_reset() returns trigger language plpgsql as $f$
            begin
              perform pg_notify('{{channel}}', 'reset');
              return null;
            end
            $f$;
            drop trigger if exists mt_notify_appended on {{_schema}}.mt_events;
            create trigger mt_notify_appended after insert on {{_schema}}.mt_events
              referencing new table as appended for each statement execute function {{_schema}}.mt_notify_appended();
            drop trigger if exists mt_notify_reset on {{_schema}}.mt_events;
            create trigger mt_notify_reset after delete or truncate on {{_schema}}.mt_events
              for each statement execute function {{_schema}}.mt_notify_reset();
            """);
    }

    public override void WriteDropStatement(Migrator rules, TextWriter writer)
    {
        writer.WriteLine($"drop trigger if exists mt_notify_appended on {_schema}.mt_events;");
        writer.WriteLine($"drop trigger if exists mt_notify_reset on {_schema}.mt_events;");
        writer.WriteLine($"drop function if exists {_schema}.mt_notify_appended();");
        writer.WriteLine($"drop function if exists {_schema}.mt_notify_reset();");
    }

    public override void ConfigureQueryCommand(Weasel.Core.DbCommandBuilder builder)
    {
        var schema = builder.AddParameter(_schema).ParameterName;
        builder.Append($"""
            select case when (select count(*) from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
                              where n.nspname = :{schema} and c.relname = 'mt_events' and t.tgname in ('mt_notify_appended', 'mt_notify_reset')) = 2
                        then (select obj_description(p.oid, 'pg_proc') from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                              where n.nspname = :{schema} and p.proname = 'mt_notify_appended') end;
            """);
    }

    public override async Task<ISchemaObjectDelta> CreateDeltaAsync(DbDataReader reader, CancellationToken ct = default)
    {
        var marker = await reader.ReadAsync(ct) && !await reader.IsDBNullAsync(0, ct) ? reader.GetString(0) : null;
        return new SchemaObjectDelta(this, marker switch
        {
            null => SchemaPatchDifference.Create,
            Marker => SchemaPatchDifference.None,
            _ => SchemaPatchDifference.Update,
        });
    }

    /// <summary>The query a listener runs to know the triggers exist (a schema applied before they did has none).</summary>
    public static string InstalledSql(string schema) =>
        $"select count(*) = 2 from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace " +
        $"where n.nspname = '{schema}' and c.relname = 'mt_events' and t.tgname in ('mt_notify_appended', 'mt_notify_reset')";
}

/// <summary>
/// The triggers as a storage feature of their own: Marten applies custom features after the event store's tables, which
/// the triggers need (an extended schema object would be applied before them, and fail on a new database). The schema is
/// read from the options when the objects are asked for, so a store configured as a ledger and then given another
/// schema (a test's, a side-by-side copy) puts its triggers on its own events table.
/// </summary>
public sealed class AppendNotificationsFeature(Marten.StoreOptions options) : Weasel.Core.Migrations.FeatureSchemaBase("AppendNotifications",
    new Weasel.Postgresql.PostgresqlMigrator())
{
    public override Type StorageType => typeof(AppendNotificationsFeature);

    protected override IEnumerable<ISchemaObject> schemaObjects()
    {
        yield return new AppendNotifications(options.Events.DatabaseSchemaName);
    }
}
