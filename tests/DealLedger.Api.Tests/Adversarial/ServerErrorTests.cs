using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DealLedger.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Weasel.Core;

namespace DealLedger.Api.Tests.Adversarial;

/// <summary>
/// Requests that once answered 500 (issue 23): each now gets an answer that says what to do. Headers are checked on
/// an API process of its own where only Kestrel shows the failure (it refuses non-ASCII response headers; the
/// in-process test server does not).
/// </summary>
public partial class ServerErrorTests(ApiFixture api) : ApiTest(api)
{
    private const string ArabicYear = "\u0662\u0660\u0662\u0665";
    private const string FullwidthYear = "\uFF12\uFF10\uFF12\uFF15";

    [Theory]
    [InlineData(ArabicYear)]
    [InlineData(FullwidthYear)]
    [InlineData("Q3 " + ArabicYear)]
    public async Task a_period_written_with_other_scripts_digits_is_a_422_naming_the_field_and_writes_nothing(string period)
    {
        var deal = Envelopes.Deal("d1", "digits-deal", "2025-01-21");
        deal["effective"] = period;
        var problem = await Problem.Assert(await Api.PostFactAsync(deal), HttpStatusCode.UnprocessableEntity);
        Assert.NotNull(problem["errors"]!["effective"]);

        var estimate = Envelopes.Estimate("e1", "digits-estimate", "2025-01-21", 1_000_000m, first: true);
        estimate["data"]!["horizon"] = $"2025/{period}";
        problem = await Problem.Assert(await Api.PostFactAsync(estimate), HttpStatusCode.UnprocessableEntity);
        Assert.NotNull(problem["errors"]!["data.horizon"]);

        Assert.Equal(0, await Api.EventCountAsync());
    }

    [Fact]
    public async Task an_import_with_a_period_in_other_scripts_digits_is_a_422_naming_the_line_and_writes_nothing()
    {
        var good = Envelopes.Deal("d1", "digits-deal", "2025-01-21");
        var bad = Envelopes.Deal("d2", "other-deal", "2025-01-21");
        bad["effective"] = FullwidthYear;

        var response = await Api.ImportAsync(string.Join('\n', good.ToJsonString(), bad.ToJsonString()));

        var problem = await Problem.Assert(response, HttpStatusCode.UnprocessableEntity);
        var line = Assert.Single(problem["lines"]!.AsArray())!;
        Assert.Equal(2, (int)line["line"]!);
        Assert.NotNull(line["errors"]!["effective"]);
        Assert.Equal(0, await Api.EventCountAsync());
    }

    [Fact]
    public async Task a_correlation_id_that_is_not_printable_ascii_is_replaced_by_a_generated_one_and_the_answer_says_so()
    {
        await using var node = await ApiNode.StartAsync(Api.ConnectionString, "test_server_errors_correlation");
        using var client = Utf8HeaderClient(node);

        foreach (var sent in new[] { "caf\u00e9-\u2603-trace", "\u3002evil", new string('a', 201) })
        {
            using var read = new HttpRequestMessage(HttpMethod.Get, "/deals");
            read.Headers.TryAddWithoutValidation("X-Correlation-Id", sent);
            var answer = await client.SendAsync(read);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var echoed = Assert.Single(answer.Headers.GetValues("X-Correlation-Id"));
            Assert.NotEqual(sent, echoed);
            Assert.Matches("^[\\x20-\\x7E]{1,200}$", echoed);
            Assert.Contains("printable ASCII", Assert.Single(answer.Headers.GetValues("X-Correlation-Id-Replaced")), StringComparison.Ordinal);
        }

        using var write = new HttpRequestMessage(HttpMethod.Post, "/facts")
        {
            Content = new StringContent(Envelopes.Deal("d1", "traced-deal", "2025-01-21").ToJsonString(), Encoding.UTF8, "application/json"),
        };
        write.Headers.TryAddWithoutValidation("X-Correlation-Id", "caf\u00e9");
        var created = await client.SendAsync(write);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var generated = Assert.Single(created.Headers.GetValues("X-Correlation-Id"));
        var trail = JsonNode.Parse(await client.GetStringAsync("/streams/traced-deal/events"))!;
        Assert.Equal(generated, (string?)trail["items"]![0]!["correlationId"]);

        // A usable one is still kept as sent.
        using var usable = new HttpRequestMessage(HttpMethod.Get, "/deals");
        usable.Headers.Add("X-Correlation-Id", "trace 42/abc");
        var kept = await client.SendAsync(usable);
        Assert.Equal("trace 42/abc", Assert.Single(kept.Headers.GetValues("X-Correlation-Id")));
        Assert.False(kept.Headers.Contains("X-Correlation-Id-Replaced"));
    }

    [Theory]
    [InlineData("/%E3%80%82evil")]
    [InlineData("/explore/%E3%80%82")]
    [InlineData("/explore/deals/caf%C3%A9")]
    public async Task signing_in_with_a_non_ascii_return_url_redirects_to_the_admin_home(string returnUrl)
    {
        await using var node = await ApiNode.StartAsync(Api.ConnectionString, "test_server_errors_sign_in");
        // As a browser on http://127.0.0.1, which returns the node's Secure cookies there (a trustworthy origin);
        // .NET's CookieContainer would not, so the antiforgery cookie is sent back by hand.
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
        {
            BaseAddress = node.Client.BaseAddress,
        };
        var path = $"/explore/sign-in?returnUrl={returnUrl}";
        var form = await client.GetAsync(path);
        var page = await form.Content.ReadAsStringAsync();
        var action = FormAction().Match(page);
        Assert.True(action.Success, page);
        var token = Token().Match(page).Groups[1].Value;

        using var post = new HttpRequestMessage(HttpMethod.Post, WebUtility.HtmlDecode(action.Groups[1].Value))
        {
            Content = new FormUrlEncodedContent(
            [
                new("_handler", "sign-in"), new("__RequestVerificationToken", token), new("Key", ApiNode.Key),
            ]),
        };
        post.Headers.Add("Cookie", string.Join("; ", form.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])));
        var signedIn = await client.SendAsync(post);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var location = signedIn.Headers.Location!;
        Assert.False(location.IsAbsoluteUri, $"{location} is not relative");
        Assert.Equal("/explore/admin", location.OriginalString);
    }

    [Fact]
    public async Task a_node_that_may_apply_its_schema_has_every_table_and_function_before_it_answers()
    {
        const string schema = "test_server_errors_startup";
        await ExecuteAsync($"drop schema if exists {schema} cascade");

        // No daemon and no request: nothing but start-up can have created the read models' tables.
        await using var host = await Api.IsolatedHostAsync(schema, _ => { }, ("Projections:DaemonMode", "Disabled"));

        var migration = await host.Services.GetRequiredService<IDocumentStore>().Storage.Database.CreateMigrationAsync();
        var missing = migration.Deltas.Where(d => d.Difference == SchemaPatchDifference.Create).Select(d => d.SchemaObject.Identifier.QualifiedName);
        Assert.Empty(missing);
        Assert.Equal(HttpStatusCode.OK, (await ApiFixture.ClientOf(host, null).GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public void a_request_that_times_out_waiting_for_schema_application_is_unavailable_not_a_fault()
    {
        // What Weasel throws when a request waits more than 5 s for another one applying a schema object.
        var waited = new TimeoutException("Timed out after 5s waiting for another thread in this process to finish applying the schema for TimelineEntry.");

        Assert.True(DatabaseFailures.IsUnavailable(new InvalidOperationException("wrapped", waited)));
    }

    [Fact]
    public async Task a_schema_renamed_or_a_table_dropped_under_a_running_node_is_a_503_with_retry_after_until_it_is_back()
    {
        const string schema = "test_server_errors_missing";
        await ExecuteAsync($"drop schema if exists {schema} cascade; drop schema if exists {schema}_away cascade");
        await using var host = await Api.IsolatedHostAsync(schema, _ => { }, ("Projections:DaemonMode", "Disabled"));
        var client = ApiFixture.ClientOf(host, ApiFixture.Key);
        Assert.Equal(HttpStatusCode.Created, (await Api.PostFactAsync(Envelopes.Deal("d1", "first-deal", "2025-01-21"), client)).StatusCode);

        await ExecuteAsync($"alter schema {schema} rename to {schema}_away");
        await AssertUnavailableAsync(await Api.PostFactAsync(Envelopes.Deal("d2", "second-deal", "2025-01-22"), client));
        await AssertUnavailableAsync(await client.GetAsync("/events"));
        await AssertUnavailableAsync(await client.GetAsync("/streams/first-deal/events"));

        await ExecuteAsync($"alter schema {schema}_away rename to {schema}");
        Assert.Equal(HttpStatusCode.Created, (await Api.PostFactAsync(Envelopes.Deal("d2", "second-deal", "2025-01-22"), client)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/events")).StatusCode);

        var summaries = host.Services.GetRequiredService<IDocumentStore>().Options
            .FindOrResolveDocumentType(typeof(DealLedger.Projections.Deals.DealSummary)).TableName.QualifiedName;
        await ExecuteAsync($"drop table {summaries} cascade");
        await AssertUnavailableAsync(await Api.PostFactAsync(Envelopes.Deal("d3", "third-deal", "2025-01-23"), client));

        // Restored as an operator would, with db-apply: the node serves again without a restart.
        await host.Services.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        Assert.Equal(HttpStatusCode.Created, (await Api.PostFactAsync(Envelopes.Deal("d3", "third-deal", "2025-01-23"), client)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/streams/third-deal/events")).StatusCode);
    }

    [Fact]
    public async Task a_database_renamed_under_a_running_node_is_a_503_with_retry_after_until_it_is_back()
    {
        const string database = "dealledger_server_errors_renamed";
        await DropDatabasesAsync(database);
        await ExecuteAsync($"create database {database}");
        var connection = new NpgsqlConnectionStringBuilder(Api.ConnectionString) { Database = database }.ConnectionString;
        try
        {
            await using var host = await Api.IsolatedHostAsync("ledger", _ => { }, ("Projections:DaemonMode", "Disabled"),
                ("ConnectionStrings:Marten", connection));
            var client = ApiFixture.ClientOf(host, ApiFixture.Key);
            Assert.Equal(HttpStatusCode.Created, (await Api.PostFactAsync(Envelopes.Deal("d1", "first-deal", "2025-01-21"), client)).StatusCode);

            await RenameDatabaseAsync(database, $"{database}_away");

            // The first request may meet a connection the rename broke (already a 503); the next ones find no database.
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var answer = await client.GetAsync("/events");
                await Problem.Assert(answer, HttpStatusCode.ServiceUnavailable, $"attempt {attempt}");
                Assert.True(answer.Headers.RetryAfter is not null, "no Retry-After");
            }

            await AssertUnavailableAsync(await Api.PostFactAsync(Envelopes.Deal("d2", "second-deal", "2025-01-22"), client));

            await RenameDatabaseAsync($"{database}_away", database);
            Assert.Equal(HttpStatusCode.Created, (await Api.PostFactAsync(Envelopes.Deal("d2", "second-deal", "2025-01-22"), client)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/events")).StatusCode);
        }
        finally
        {
            await DropDatabasesAsync(database);
        }
    }

    private async Task DropDatabasesAsync(string database)
    {
        await ExecuteAsync($"drop database if exists {database} with (force)");
        await ExecuteAsync($"drop database if exists {database}_away with (force)");
    }

    /// <summary>Renames a database as an operator does: its sessions ended first (PostgreSQL renames none in use).</summary>
    private async Task RenameDatabaseAsync(string from, string to)
    {
        for (var attempt = 1; ; attempt++)
        {
            await ExecuteAsync($"select pg_terminate_backend(pid) from pg_stat_activity where datname = '{from}'");
            try
            {
                await ExecuteAsync($"alter database {from} rename to {to}");
                return;
            }
            catch (PostgresException e) when (e.SqlState == "55006" && attempt < 20)
            {
                // A session of the node reconnected in between (object_in_use): end it again.
            }
        }
    }

    [Fact]
    public async Task a_read_stopped_by_the_statement_timeout_is_a_503_telling_to_narrow_it_without_retry_after()
    {
        const string schema = "test_server_errors_timeout";
        await ExecuteAsync($"drop schema if exists {schema} cascade");
        await using var host = await Api.IsolatedHostAsync(schema, _ => { }, ("Projections:DaemonMode", "Disabled"),
            ("ConnectionStrings:Marten", Api.ConnectionString + ";Options=-c statement_timeout=2000"));
        var client = ApiFixture.ClientOf(host, ApiFixture.Key);
        Assert.Equal(HttpStatusCode.Created, (await Api.PostFactAsync(Envelopes.Deal("d1", "slow-deal", "2025-01-21"), client)).StatusCode);

        // The ledger's tables locked by another session stand for a query too heavy to end within the limit.
        await using var blocker = new NpgsqlConnection(Api.ConnectionString);
        await blocker.OpenAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await using (var lockAll = new NpgsqlCommand(
            $"""
            do $$ begin execute 'lock table ' || (select string_agg(format('%I.%I', schemaname, tablename), ', ')
              from pg_tables where schemaname = '{schema}') || ' in access exclusive mode'; end $$
            """, blocker, transaction))
        {
            await lockAll.ExecuteNonQueryAsync();
        }

        foreach (var heavy in new[] { "/events", "/changes?from=2025-01-01&to=2025-12-31", "/deals?limit=500&asOf=2025-06-01" })
        {
            var answer = await client.GetAsync(heavy);
            var problem = await Problem.Assert(answer, HttpStatusCode.ServiceUnavailable, heavy);
            Assert.Equal("tag:dealledger,2026:problems/query-too-long", (string?)problem["type"]);
            Assert.Contains("Narrow it", (string?)problem["detail"], StringComparison.Ordinal);
            Assert.False(answer.Headers.Contains("Retry-After"), heavy);
        }

        await transaction.RollbackAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/events")).StatusCode);
    }

    [Fact]
    public async Task a_read_model_stopped_by_the_statement_timeout_loses_its_error_once_it_advances_again()
    {
        const string schema = "test_server_errors_daemon";
        await ExecuteAsync($"drop schema if exists {schema} cascade");
        await using var host = await Api.IsolatedHostAsync(schema, _ => { },
            ("ConnectionStrings:Marten", Api.ConnectionString + ";Options=-c statement_timeout=2000"));
        var client = ApiFixture.ClientOf(host, ApiFixture.Key);
        var admin = ApiFixture.ClientOf(host, ApiFixture.AdminKey);
        var timeline = host.Services.GetRequiredService<IDocumentStore>().Options
            .FindOrResolveDocumentType(typeof(DealLedger.Projections.Timeline.TimelineEntry)).TableName.QualifiedName;

        JsonNode state = new JsonObject();
        async Task<JsonNode> TimelineAsync() =>
            state = JsonNode.Parse(await admin.GetStringAsync("/admin/projections"))!.AsArray().Single(s => (string?)s!["name"] == "Timeline")!;

        await using (var blocker = new NpgsqlConnection(Api.ConnectionString))
        {
            await blocker.OpenAsync();
            await using var transaction = await blocker.BeginTransactionAsync();
            await using (var lockTimeline = new NpgsqlCommand($"lock table {timeline} in access exclusive mode", blocker, transaction))
            {
                await lockTimeline.ExecuteNonQueryAsync();
            }

            Assert.Equal(HttpStatusCode.Created, (await Api.PostFactAsync(Envelopes.Deal("d1", "blocked-deal", "2025-01-21"), client)).StatusCode);
            await UntilAsync(async () => (await TimelineAsync())["error"] is not null, "Timeline's error", () => state.ToJsonString());
            await transaction.RollbackAsync();
        }

        Assert.Equal(HttpStatusCode.Created, (await Api.PostFactAsync(Envelopes.Deal("d2", "later-deal", "2025-01-22"), client)).StatusCode);
        await UntilAsync(async () => (long)(await TimelineAsync())["lagEvents"]! == 0 && (long)state["position"]! >= 2,
            "Timeline caught up", () => state.ToJsonString());

        Assert.Null((string?)(await TimelineAsync())["error"]);
        Assert.Equal("caught-up", (string?)state["state"]);
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what, Func<string> lastSeen)
    {
        var patience = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(patience.Elapsed < TimeSpan.FromSeconds(90), $"gave up waiting for {what}; last seen: {lastSeen()}");
            await Task.Delay(200);
        }
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage answer)
    {
        var problem = await Problem.Assert(answer, HttpStatusCode.ServiceUnavailable, answer.RequestMessage?.RequestUri?.ToString());
        Assert.True(answer.Headers.RetryAfter is not null, "no Retry-After");
        Assert.Contains("missing", (string?)problem["detail"], StringComparison.Ordinal);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A client that sends header values as UTF-8, as a careless or hostile one does (.NET's refuses by default).</summary>
    private static HttpClient Utf8HeaderClient(ApiNode node)
    {
        var client = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 }) { BaseAddress = node.Client.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiNode.Key);
        return client;
    }

    [GeneratedRegex("<form method=\"post\"[^>]* action=\"([^\"]*)\"><input type=\"hidden\" name=\"_handler\" value=\"sign-in\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
