using System.Net;
using System.Text.RegularExpressions;
using Alba;
using DealLedger.Api.Admin;
using DealLedger.Projections;
using DealLedger.Testing;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;

namespace DealLedger.Api.Tests.Explorer;

/// <summary>
/// The explorer's admin pages over HTTP, as a browser without script uses them: a cookie jar, forms posted with the
/// antiforgery token the page carries. The cookie opens these pages only: the JSON API still wants the key header.
/// </summary>
public partial class AdminPageTests(ApiFixture api) : ApiTest(api)
{
    private const string SessionCookie = "dealledger-admin";

    [Fact]
    public async Task only_an_admin_key_signs_in_and_its_cookie_opens_the_admin_pages_but_not_the_json_api()
    {
        var browser = Browser();

        var away = await browser.Client.GetAsync("/explore/admin");
        Assert.Equal(HttpStatusCode.Redirect, away.StatusCode);
        Assert.Equal("/explore/sign-in?returnUrl=%2Fexplore%2Fadmin", PathOf(away));

        var signIn = await browser.Client.GetStringAsync(PathOf(away));
        Assert.Contains("<label for=\"admin-key\">Admin key</label>", signIn, StringComparison.Ordinal);
        Assert.Contains("type=\"password\" id=\"admin-key\" name=\"Key\"", signIn, StringComparison.Ordinal);

        var wrong = await browser.SubmitAsync(PathOf(away), signIn, "sign-in", ("Key", "not-a-key"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("<p role=\"alert\">That key is not valid.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var writer = await browser.SubmitAsync(PathOf(away), signIn, "sign-in", ("Key", ApiFixture.Key));
        Assert.Equal(HttpStatusCode.Unauthorized, writer.StatusCode);
        Assert.Contains("may record facts but not operate read models", await writer.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var forged = await browser.SubmitAsync(PathOf(away), signIn, "sign-in", withToken: false, ("Key", ApiFixture.AdminKey));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        foreach (var refused in new[] { wrong, writer, forged })
        {
            Assert.DoesNotContain(SetCookies(refused), c => c.StartsWith(SessionCookie + "=", StringComparison.Ordinal));
        }

        Assert.Equal(HttpStatusCode.Redirect, (await browser.Client.GetAsync("/explore/admin")).StatusCode);

        // The page asked for is where signing in leads, when it is a local path.
        var deep = Browser();
        var asked = await deep.Client.GetAsync("/explore/admin/rebuilds/00000000-0000-0000-0000-000000000001");
        Assert.Equal("/explore/sign-in?returnUrl=%2Fexplore%2Fadmin%2Frebuilds%2F00000000-0000-0000-0000-000000000001", PathOf(asked));
        var back = await deep.SubmitAsync(PathOf(asked), page: null, "sign-in", ("Key", ApiFixture.AdminKey));
        Assert.Equal("/explore/admin/rebuilds/00000000-0000-0000-0000-000000000001", PathOf(back));
        // Only local paths are followed after signing in.
        var elsewhere = Browser();
        var outside = await elsewhere.SubmitAsync("/explore/sign-in?returnUrl=%2F%2Fevil.example%2F", page: null, "sign-in", ("Key", ApiFixture.AdminKey));
        Assert.Equal(HttpStatusCode.Redirect, outside.StatusCode);
        Assert.Equal("/explore/admin", PathOf(outside));

        var admitted = await browser.SubmitAsync(PathOf(away), signIn, "sign-in", ("Key", ApiFixture.AdminKey));
        Assert.Equal(HttpStatusCode.Redirect, admitted.StatusCode);
        Assert.Equal("/explore/admin", PathOf(admitted));
        var cookie = Assert.Single(SetCookies(admitted), c => c.StartsWith(SessionCookie + "=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("; httponly", cookie, StringComparison.Ordinal);
        Assert.Contains("; samesite=strict", cookie, StringComparison.Ordinal);
        Assert.Contains("; path=/explore", cookie, StringComparison.Ordinal);

        var admin = await browser.Client.GetAsync("/explore/admin");
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        var page = await admin.Content.ReadAsStringAsync();
        Assert.Contains("Signed in as test-admin", page, StringComparison.Ordinal);
        foreach (var model in new[] { "FactIndex", "PartyExposure", "Timeline", "CommitmentsByYear" })
        {
            Assert.Contains($"<th scope=\"row\">{model} ", page, StringComparison.Ordinal);
        }

        // The session cookie, even sent where the browser would not send it, authorizes no JSON endpoint: those
        // take no antiforgery token and authenticate by X-Api-Key only.
        var session = browser.Cookies.GetCookies(new Uri(browser.Client.BaseAddress!, "/explore/admin"))[SessionCookie]!;
        var api = Api.Client(withKey: false);
        using var status = new HttpRequestMessage(HttpMethod.Get, "/admin/projections");
        status.Headers.Add("Cookie", $"{session.Name}={session.Value}");
        await Problem.Assert(await api.SendAsync(status), HttpStatusCode.Unauthorized);
        using var fact = new HttpRequestMessage(HttpMethod.Post, "/facts")
        {
            Content = new StringContent(Envelopes.Deal("by-cookie", "cookie-deal", "2025-11-01").ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        fact.Headers.Add("Cookie", $"{session.Name}={session.Value}");
        await Problem.Assert(await api.SendAsync(fact), HttpStatusCode.Unauthorized);
        Assert.Equal(0, await Api.EventCountAsync());

        var signedOut = await browser.SubmitAsync("/explore/admin", page, "sign-out");
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal("/explore/sign-in", PathOf(signedOut));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Client.GetAsync("/explore/admin")).StatusCode);
    }

    [Fact]
    public async Task a_rebuild_started_from_the_admin_page_is_followed_to_its_end_and_the_read_model_stays_live()
    {
        await Api.ImportSeedAsync();
        await Api.CatchUpAsync();
        var events = await Api.EventCountAsync();
        var rebuilds = Api.Host.Services.GetRequiredService<RebuildCoordinator>();
        var browser = await SignedInAsync();
        var page = await browser.Client.GetStringAsync("/explore/admin");
        var before = rebuilds.Of("PartyExposure")?.Id;

        var forged = await browser.SubmitAsync("/explore/admin", page, "read-model-PartyExposure", withToken: false, ("operation", "rebuild"));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(before, rebuilds.Of("PartyExposure")?.Id);

        var started = await browser.SubmitAsync("/explore/admin", page, "read-model-PartyExposure", ("operation", "rebuild"));
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var progress = PathOf(started);
        var job = rebuilds.Of("PartyExposure")!;
        Assert.Equal($"/explore/admin/rebuilds/{job.Id}", progress);
        Assert.Equal("test-admin", job.RequestedBy);

        // The page reloads itself (no script) while the rebuild runs, and stops once it has ended.
        string html;
        var polls = 0;
        do
        {
            await Task.Delay(200);
            html = await browser.Client.GetStringAsync(progress);
        }
        while (html.Contains("http-equiv=\"refresh\"", StringComparison.Ordinal) && ++polls < 300);

        Assert.Equal(RebuildJob.Succeeded, job.Outcome);
        Assert.Contains("<p role=\"status\" class=\"outcome outcome-succeeded\">Done:", html, StringComparison.Ordinal);
        Assert.Contains("<label for=\"rebuild-progress\">Events applied</label>", html, StringComparison.Ordinal);
        Assert.Contains($"<progress id=\"rebuild-progress\" max=\"{job.Total}\" value=\"{job.Total}\">100 %</progress>", html, StringComparison.Ordinal);
        Assert.Contains($"{AdminSessionCount(job.Total)} of {AdminSessionCount(job.Total)} events (100 %)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Cancel the rebuild", html, StringComparison.Ordinal);
        Assert.True(job.Total >= events, $"the rebuild ran to position {job.Total}, short of the seed's {events} facts");

        // Live again: a fact recorded after the rebuild reaches the rebuilt read model.
        (await Api.PostFactAsync(Envelopes.Deal("after-rebuild", "after-rebuild-deal", "2025-11-20"))).EnsureSuccessStatusCode();
        await Api.CatchUpAsync();
        Assert.Contains("after-rebuild-deal", (await Api.GetJsonAsync("/parties/openai")).ToJsonString(), StringComparison.Ordinal);
        var after = await browser.Client.GetStringAsync("/explore/admin");
        Assert.Matches("<th scope=\"row\">PartyExposure .*?<span class=\"state state-caught-up\">caught-up</span>", Regex.Replace(after, @"\s+", " "));

        // A refusal of the service is said on the page with its status.
        var nothingNew = await browser.SubmitAsync("/explore/admin", after, "read-model-Timeline", ("operation", "parity"));
        Assert.Equal(HttpStatusCode.Conflict, nothingNew.StatusCode);
        Assert.Contains("<p role=\"alert\">No new version: 'Timeline' serves its current version", WebUtility.HtmlDecode(await nothingNew.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var unknown = await browser.Client.GetAsync($"/explore/admin/rebuilds/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("<p role=\"alert\">No rebuild", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_admin_page_says_which_sequence_number_the_async_read_models_wait_on_and_since_when()
    {
        (await Api.PostFactAsync(Envelopes.Deal("d1", "gap-deal", "2025-09-01"))).EnsureSuccessStatusCode();
        await Api.CatchUpAsync();
        await using var holder = new Npgsql.NpgsqlConnection(Api.ConnectionString);
        await holder.OpenAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        long held;
        await using (var take = new Npgsql.NpgsqlCommand(
            $"select txid_current(), nextval('{Api.Store.Options.Events.DatabaseSchemaName}.mt_events_sequence')", holder))
        await using (var reader = await take.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            held = reader.GetInt64(1);
        }

        using var stop = new CancellationTokenSource();
        await using var work = new Npgsql.NpgsqlCommand("select pg_sleep(120)", holder);
        var working = work.ExecuteNonQueryAsync(stop.Token);
        (await Api.PostFactAsync(Envelopes.Value("v1", "gap-deal", "2025-09-02", 1m))).EnsureSuccessStatusCode();
        var browser = await SignedInAsync();

        var said = $"wait on event sequence number {AdminSessionCount(held)}, missing since";
        var page = await browser.Client.GetStringAsync("/explore/admin");
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); !page.Contains(said, StringComparison.Ordinal) && waited.Elapsed < TimeSpan.FromSeconds(60);)
        {
            await Task.Delay(100);
            page = await browser.Client.GetStringAsync("/explore/admin");
        }

        Assert.Contains(said, page, StringComparison.Ordinal);
        Assert.Matches(@"missing since\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", page);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => working);
    }

    [Fact]
    public async Task a_running_rebuild_can_be_cancelled_from_its_page_and_a_finished_one_cannot()
    {
        var file = string.Join('\n', LedgerGenerator.Generate(seed: 12, deals: 300, factsPerDeal: 10).Select(f => f.ToJsonString()));
        (await Api.ImportAsync(file)).EnsureSuccessStatusCode();
        await Api.CatchUpAsync();
        var browser = await SignedInAsync();
        var started = await browser.SubmitAsync("/explore/admin", null, "read-model-Timeline", ("operation", "rebuild"));
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var progress = PathOf(started);
        var job = Api.Host.Services.GetRequiredService<RebuildCoordinator>().Find(Guid.Parse(progress.Split('/')[^1]))!;

        var page = await browser.Client.GetStringAsync(progress);
        var cancel = await browser.SubmitAsync(progress, page, "cancel-rebuild");
        if (cancel.StatusCode == HttpStatusCode.Redirect)
        {
            // Caught running: the page refreshed itself and offered the cancel form.
            Assert.Contains("<meta http-equiv=\"refresh\" content=\"2\"", page, StringComparison.Ordinal);
            Assert.Equal(progress, PathOf(cancel));
            string html;
            var polls = 0;
            do
            {
                await Task.Delay(100);
                html = await browser.Client.GetStringAsync(progress);
            }
            while (html.Contains("http-equiv=\"refresh\"", StringComparison.Ordinal) && ++polls < 300);

            Assert.Contains("outcome-cancelled\">Cancelled: the read model kept the documents it served.", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
            Assert.Equal(RebuildJob.Cancelled, job.Outcome);
        }
        else
        {
            // It ended between the page and the form: the service's refusal, on the page, with its status.
            Assert.Equal(HttpStatusCode.Conflict, cancel.StatusCode);
            Assert.Contains("<p role=\"alert\">Rebuild not running: The rebuild has already succeeded.", await cancel.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Once ended, there is nothing to cancel.
        var ended = await browser.Client.GetStringAsync(progress);
        Assert.DoesNotContain("http-equiv=\"refresh\"", ended, StringComparison.Ordinal);
        Assert.DoesNotContain("Cancel the rebuild", ended, StringComparison.Ordinal);
        await Api.CatchUpAsync();
    }

    [Fact]
    public async Task a_new_version_built_beside_the_serving_one_is_compared_and_switched_from_the_admin_page_forced_when_it_differs()
    {
        const string Schema = "test_admin_page_versions";
        var serving = ReadModels.All.Single(m => m.Name == "PartyExposure").Version;
        var next = serving + 1;
        await using (var v1 = await Api.IsolatedHostAsync(Schema, _ => { }))
        {
            await v1.ResetAllMartenDataAsync();
            var file = string.Join('\n', LedgerGenerator.Generate(seed: 7, deals: 40, factsPerDeal: 6).Select(f => f.ToJsonString()));
            (await Api.ImportAsync(file, ApiFixture.ClientOf(v1, ApiFixture.Key))).EnsureSuccessStatusCode();
            await CatchUp.WaitAsync(v1.Services.GetRequiredService<IDocumentStore>(), v1.WaitForNonStaleProjectionDataAsync);
        }

        await using var v2 = await Api.IsolatedHostAsync(Schema, services => services.AddSingleton(new ReadModelCatalog(
            ReadModels.All.WithVersions(new Dictionary<string, uint> { ["PartyExposure"] = next }))));
        await CatchUp.WaitAsync(v2.Services.GetRequiredService<IDocumentStore>(), v2.WaitForNonStaleProjectionDataAsync);
        var browser = new CookieBrowser(v2.Server);
        var signIn = await browser.Client.GetStringAsync("/explore/sign-in");
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitAsync("/explore/sign-in", signIn, "sign-in", ("Key", ApiFixture.AdminKey))).StatusCode);

        var page = await browser.Client.GetStringAsync("/explore/admin");
        Assert.Contains($"v{serving} serving, v{next} built beside it", page, StringComparison.Ordinal);
        Assert.Contains($"<label for=\"force-PartyExposure\">even if the versions differ</label>", page, StringComparison.Ordinal);

        var clean = await browser.SubmitAsync("/explore/admin", page, "read-model-PartyExposure", ("operation", "parity"));
        Assert.Equal(HttpStatusCode.OK, clean.StatusCode);
        Assert.Contains("<h2 id=\"parity\">Parity of PartyExposure: clean</h2>", await clean.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        string tampered;
        await using (var connection = new Npgsql.NpgsqlConnection(Api.ConnectionString))
        {
            await connection.OpenAsync();
            await using var tamper = new Npgsql.NpgsqlCommand(
                $"update {Schema}.mt_doc_partyexposure_{next} set data = jsonb_set(data, '{{deal,title}}', '\"Tampered\"') " +
                $"where id = (select min(id) from {Schema}.mt_doc_partyexposure_{next}) returning id", connection);
            tampered = (string)(await tamper.ExecuteScalarAsync())!;
        }

        var refused = await browser.SubmitAsync("/explore/admin", page, "read-model-PartyExposure", ("operation", "switch"));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var refusal = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("<p role=\"alert\">Versions differ:", refusal, StringComparison.Ordinal);
        Assert.Contains("Parity of PartyExposure: 1 document differs", refusal, StringComparison.Ordinal);
        Assert.Contains($"<tr><td>{tampered}</td><td>content</td></tr>", refusal, StringComparison.Ordinal);
        Assert.Contains($"v{serving} serving, v{next} built beside it", refusal, StringComparison.Ordinal);

        var forced = await browser.SubmitAsync("/explore/admin", page, "read-model-PartyExposure", ("operation", "switch"), ("force", "true"));
        Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        var switched = await forced.Content.ReadAsStringAsync();
        Assert.Contains($"<p role=\"status\">PartyExposure now serves v{next} (forced: the versions differed).</p>", switched, StringComparison.Ordinal);
        Assert.DoesNotContain("built beside it", await browser.Client.GetStringAsync("/explore/admin"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task where_reads_need_a_key_the_sign_in_page_still_opens_without_one()
    {
        await using var closed = await Api.WithSettingsAsync(("Auth:RequireKeyForReads", "true"));
        var browser = new CookieBrowser(closed.Server);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Client.GetAsync("/explore/estimates/anything")).StatusCode);
        var away = await browser.Client.GetAsync("/explore/admin");
        Assert.Equal(HttpStatusCode.Redirect, away.StatusCode);

        var signIn = await browser.Client.GetAsync(PathOf(away));
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var admitted = await browser.SubmitAsync(PathOf(away), await signIn.Content.ReadAsStringAsync(), "sign-in", ("Key", ApiFixture.AdminKey));
        Assert.Equal("/explore/admin", PathOf(admitted));
        Assert.Equal(HttpStatusCode.OK, (await browser.Client.GetAsync("/explore/admin")).StatusCode);
    }

    [Fact]
    public async Task failed_sign_ins_count_against_the_client_address_like_requests_with_a_wrong_key()
    {
        await using var limited = await Api.WithSettingsAsync(("RateLimits:PerAddress:PermitLimit", "3"), ("RateLimits:PerAddress:WindowSeconds", "60"));
        var browser = new CookieBrowser(limited.Server);
        var signIn = await browser.Client.GetStringAsync("/explore/sign-in");
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SubmitAsync("/explore/sign-in", signIn, "sign-in", ("Key", "guess-1"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SubmitAsync("/explore/sign-in", signIn, "sign-in", ("Key", "guess-2"))).StatusCode);

        var refused = await browser.SubmitAsync("/explore/sign-in", signIn, "sign-in", ("Key", ApiFixture.AdminKey));
        await Problem.Assert(refused, HttpStatusCode.TooManyRequests);
        Assert.DoesNotContain(SetCookies(refused), c => c.StartsWith(SessionCookie + "=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task after_too_many_wrong_keys_the_sign_in_page_refuses_wrong_ones_saying_for_how_long_and_still_takes_the_right_one()
    {
        await using var limited = await Api.WithSettingsAsync(("RateLimits:WrongKeys:PermitLimit", "2"), ("RateLimits:WrongKeys:WindowSeconds", "120"));
        var browser = new CookieBrowser(limited.Server);
        var signIn = await browser.Client.GetStringAsync("/explore/sign-in");
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SubmitAsync("/explore/sign-in", signIn, "sign-in", ("Key", "guess-1"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SubmitAsync("/explore/sign-in", signIn, "sign-in", ("Key", "guess-2"))).StatusCode);

        var refused = await browser.SubmitAsync("/explore/sign-in", signIn, "sign-in", ("Key", "guess-3"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(int.Parse(refused.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Matches("role=\"alert\">Too many wrong keys from this address: wrong keys are refused for \\d+ s more", await refused.Content.ReadAsStringAsync());
        Assert.DoesNotContain(SetCookies(refused), c => c.StartsWith(SessionCookie + "=", StringComparison.Ordinal));

        // The header shares the count: a wrong key on the JSON API from that address is refused as well.
        using var guess = new HttpRequestMessage(HttpMethod.Get, "/admin/projections");
        guess.Headers.Add("X-Api-Key", "guess-4");
        await Problem.Assert(await browser.Client.SendAsync(guess), HttpStatusCode.TooManyRequests);

        // Another person behind the same address with the admin key signs in.
        var admitted = await browser.SubmitAsync("/explore/sign-in", signIn, "sign-in", ("Key", ApiFixture.AdminKey));
        Assert.Equal(HttpStatusCode.Redirect, admitted.StatusCode);
        Assert.Contains(SetCookies(admitted), c => c.StartsWith(SessionCookie + "=", StringComparison.Ordinal));
    }

    private static string AdminSessionCount(long value) => DealLedger.Api.Explorer.AdminSession.Count(value);

    private async Task<CookieBrowser> SignedInAsync()
    {
        var browser = Browser();
        var signIn = await browser.Client.GetStringAsync("/explore/sign-in");
        var response = await browser.SubmitAsync("/explore/sign-in", signIn, "sign-in", ("Key", ApiFixture.AdminKey));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    private CookieBrowser Browser() => new(Api.Host.Server);

    private static string PathOf(HttpResponseMessage redirect)
    {
        var location = redirect.Headers.Location!;
        return location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
    }

    private static IEnumerable<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    /// <summary>An HTTP client that keeps cookies as a browser does and posts a page's forms.</summary>
    private sealed class CookieBrowser
    {
        public CookieBrowser(Microsoft.AspNetCore.TestHost.TestServer server)
        {
            Client = new HttpClient(new Jar(Cookies) { InnerHandler = server.CreateHandler() }) { BaseAddress = server.BaseAddress };
        }

        public CookieContainer Cookies { get; } = new();

        public HttpClient Client { get; }

        public Task<HttpResponseMessage> SubmitAsync(string path, string? page, string form, params (string Name, string Value)[] fields) =>
            SubmitAsync(path, page, form, withToken: true, fields);

        /// <summary>Posts the form named <paramref name="form"/>, with the token from <paramref name="page"/> (read afresh when null).</summary>
        public async Task<HttpResponseMessage> SubmitAsync(string path, string? page, string form, bool withToken, params (string Name, string Value)[] fields)
        {
            page ??= await Client.GetStringAsync(path);

            // Where a browser would post it: the form's own action.
            var action = Regex.Match(page, $"<form method=\"post\"[^>]* action=\"([^\"]*)\"><input type=\"hidden\" name=\"_handler\" value=\"{Regex.Escape(form)}\"");
            Assert.True(action.Success, $"no form '{form}' on {path}");
            var values = new List<KeyValuePair<string, string>> { new("_handler", form) };
            if (withToken)
            {
                values.Add(new("__RequestVerificationToken", Token().Match(page).Groups[1].Value));
            }

            values.AddRange(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
            return await Client.PostAsync(WebUtility.HtmlDecode(action.Groups[1].Value), new FormUrlEncodedContent(values));
        }

        private sealed class Jar(CookieContainer cookies) : DelegatingHandler
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                var header = cookies.GetCookieHeader(request.RequestUri!);
                if (header.Length > 0)
                {
                    request.Headers.Add("Cookie", header);
                }

                var response = await base.SendAsync(request, cancellationToken);
                foreach (var cookie in SetCookies(response))
                {
                    cookies.SetCookies(request.RequestUri!, cookie);
                }

                return response;
            }
        }
    }
}
