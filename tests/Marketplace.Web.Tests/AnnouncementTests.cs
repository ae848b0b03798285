using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Testing;
using Marketplace.Web.Notifications;
using MimeKit;

namespace Marketplace.Web.Tests;

/// <summary>Announcements to many people: an admin's to a segment, a store's to its past buyers, sent in the background.</summary>
[Collection(EmailCollection.Name)]
public sealed class AnnouncementTests(EmailFixture fixture)
{
    [Fact]
    public async Task An_admins_announcement_reaches_every_seller_once_in_their_language_but_not_those_who_turned_it_off()
    {
        var english = await fixture.VerifiedAsync("seller", "Anuncio Uno");
        var spanish = await fixture.VerifiedAsync("seller", "Anuncio Dos", culture: "es");
        var quiet = await fixture.VerifiedAsync("seller", "Anuncio Tres");
        (await quiet.Http.PutAsJsonAsync("/api/me/notification-preferences", new { kinds = new { announcements = "inApp" } })).EnsureSuccessStatusCode();
        var shopper = await fixture.VerifiedAsync();
        using var admin = await AdminAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];

        using var created = await admin.PostAsJsonAsync("/api/admin/announcements", new
        {
            segment = "sellers",
            subject = new { en = $"New fees {tag}", es = $"Nuevas tarifas {tag}" },
            body = new { en = "From January the commission is 8 %.\nThank you.", es = "Desde enero la comisión es 8 %.\nGracias." },
        });
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var id = (await created.ReadJsonAsync()).GetProperty("announcementId").GetString()!;

        var toEnglish = await fixture.ReceiveAsync(english.Account.Email, $"New fees {tag}");
        var toSpanish = await fixture.ReceiveAsync(spanish.Account.Email, $"Nuevas tarifas {tag}");
        Assert.Contains("From January the commission is 8 %.", toEnglish.TextBody, StringComparison.Ordinal);
        Assert.Contains("Desde enero la comisión es 8 %.", toSpanish.TextBody, StringComparison.Ordinal);
        Assert.NotNull(toEnglish.Headers[HeaderId.ListUnsubscribe]);

        var progress = await admin.WaitUntilSentAsync(id, TimeSpan.FromSeconds(30));
        Assert.Equal("queued", progress.GetProperty("status").GetString());
        Assert.Equal(progress.GetProperty("recipients").GetInt32(), progress.GetProperty("sent").GetInt64());
        Assert.True(progress.GetProperty("recipients").GetInt32() >= 2);
        Assert.DoesNotContain(await fixture.MailToAsync(quiet.Account.Email), m => m.Subject.Contains(tag, StringComparison.Ordinal));
        Assert.DoesNotContain(await fixture.MailToAsync(shopper.Account.Email), m => m.Subject.Contains(tag, StringComparison.Ordinal));
        Assert.Single(await fixture.MailToAsync(english.Account.Email), m => m.Subject.Contains(tag, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_store_announces_to_its_past_buyers_only_and_at_most_once_a_week()
    {
        var (store, owner, productId) = await fixture.SellsAtOnceAsync("Café Semanal");
        var buyer = await fixture.VerifiedAsync();
        var browser = await fixture.VerifiedAsync();
        await EmailFixture.BuyAndPayAsync(buyer.Http, productId, "weekly-1");
        var tag = Guid.NewGuid().ToString("N")[..8];
        object Text(string en) => new { subject = new { en = $"{en} {tag}", es = $"Novedad {tag}" }, body = new { en = "Fresh roast on Monday.", es = "Tostado fresco el lunes." } };

        using var first = await store.PostAsJsonAsync($"/api/sellers/{owner.SellerId}/announcements", Text("News"));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var message = await fixture.ReceiveAsync(buyer.Account.Email, $"News {tag}");
        Assert.Equal("Café Semanal via Marketplace", message.From.Mailboxes.Single().Name);

        using var second = await store.PostAsJsonAsync($"/api/sellers/{owner.SellerId}/announcements", Text("More news"));
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal("announcement-too-soon", (await second.ReadJsonAsync()).GetProperty("code").GetString());
        Assert.NotNull(second.Headers.RetryAfter);

        var listed = await store.GetFromJsonAsync<JsonElement>($"/api/sellers/{owner.SellerId}/announcements");
        Assert.Equal(1, listed.GetArrayLength());
        Assert.Equal(1, listed[0].GetProperty("recipients").GetInt32());
        Assert.DoesNotContain(await fixture.MailToAsync(browser.Account.Email), m => m.Subject.Contains(tag, StringComparison.Ordinal));
        Assert.DoesNotContain(await fixture.MailToAsync(owner.Email), m => m.Subject.Contains(tag, StringComparison.Ordinal));

        using var other = await fixture.VerifiedAsync("seller", "Otra Tienda").ContinueWith(t => t.Result.Http);
        using var foreign = await other.PostAsJsonAsync($"/api/sellers/{owner.SellerId}/announcements", Text("Spoof"));
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
    }

    [Fact]
    public async Task A_store_writes_to_its_buyers_from_the_seller_console_page()
    {
        var (store, owner, productId) = await fixture.SellsAtOnceAsync("Tienda de Consola");
        var (shopper, buyer) = await fixture.VerifiedAsync();
        await EmailFixture.BuyAndPayAsync(shopper, productId, "console-1");
        var tag = Guid.NewGuid().ToString("N")[..8];
        // As a browser: the form's cookies by hand, and redirects seen rather than followed.
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(fixture.PublicUrl) };
        var session = await SignInPage.CookieAsync(http, owner.Email, TestSecrets.Password);

        Task<HttpResponseMessage> PostAsync(string subjectEs) => SignInPage.PostFormAsync(http, session, "/seller/announcements", new()
        {
            ["Form.SubjectEn"] = $"Roasting day {tag}", ["Form.BodyEn"] = "New beans on Friday.",
            ["Form.SubjectEs"] = subjectEs, ["Form.BodyEs"] = "Granos nuevos el viernes.",
        });

        // A field left empty: the page answers with the field's error, and nothing is stored.
        using (var refused = await PostAsync(""))
        {
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("Write the subject in Spanish.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(0, (await store.GetFromJsonAsync<JsonElement>($"/api/sellers/{owner.SellerId}/announcements")).GetArrayLength());
        }

        using (var sent = await PostAsync($"Día de tueste {tag}"))
        {
            Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        }

        await fixture.ReceiveAsync(buyer.Email, $"Roasting day {tag}");
        using var page = new HttpRequestMessage(HttpMethod.Get, "/seller/announcements");
        page.Headers.Add("Cookie", session);
        var html = await (await http.SendAsync(page)).Content.ReadAsStringAsync();
        Assert.Contains($"Roasting day {tag}", html, StringComparison.Ordinal);
        Assert.Contains("data-next-announcement", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Form.SubjectEn", html, StringComparison.Ordinal);
        store.Dispose();
        shopper.Dispose();
    }

    [Fact]
    public async Task An_admin_announces_to_a_stores_buyers_from_the_admin_page()
    {
        var (store, owner, productId) = await fixture.SellsAtOnceAsync("Tienda del Admin");
        var (shopper, buyer) = await fixture.VerifiedAsync(culture: "es");
        await EmailFixture.BuyAndPayAsync(shopper, productId, "admin-page-1");
        var tag = Guid.NewGuid().ToString("N")[..8];
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(fixture.PublicUrl) };
        var session = await SignInPage.CookieAsync(http, TestSecrets.AdminEmail, TestSecrets.AdminPassword);
        Dictionary<string, string> Fields(string sellerId) => new()
        {
            ["Segment"] = "storeBuyers", ["SellerId"] = sellerId,
            ["Form.SubjectEn"] = $"Store news {tag}", ["Form.BodyEn"] = "Hello.", ["Form.SubjectEs"] = $"Novedades {tag}", ["Form.BodyEs"] = "Hola.",
        };

        using (var refused = await SignInPage.PostFormAsync(http, session, "/admin/announcements", Fields("")))
        {
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("Name the store whose buyers hear of it.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var sent = await SignInPage.PostFormAsync(http, session, "/admin/announcements", Fields(owner.SellerId!)))
        {
            Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        }

        var message = await fixture.ReceiveAsync(buyer.Email, $"Novedades {tag}");
        Assert.Contains("Hola.", message.TextBody, StringComparison.Ordinal);
        var listed = await store.GetFromJsonAsync<JsonElement>($"/api/sellers/{owner.SellerId}/announcements");
        Assert.Single(listed.EnumerateArray(), a => a.GetProperty("subject").GetProperty("en").GetString() == $"Store news {tag}");
        store.Dispose();
        shopper.Dispose();
    }

    [Fact]
    public async Task Simultaneous_announcements_of_one_store_let_exactly_one_through()
    {
        var (store, owner, _) = await fixture.SellsAtOnceAsync("Tienda Rápida");
        var text = new { subject = new { en = "Sale", es = "Rebajas" }, body = new { en = "Today only.", es = "Solo hoy." } };

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => store.PostAsJsonAsync($"/api/sellers/{owner.SellerId}/announcements", text)));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Accepted);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Accepted), a => Assert.Equal(HttpStatusCode.TooManyRequests, a.StatusCode));
        Assert.Equal(1, (await store.GetFromJsonAsync<JsonElement>($"/api/sellers/{owner.SellerId}/announcements")).GetArrayLength());
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }

    public static TheoryData<string> BadRequests() => new()
    {
        """{"segment":"sellers","subject":{"en":"Hi\r\nBcc: all@example.com","es":"Hola"},"body":{"en":"x","es":"x"}}""",
        """{"segment":"sellers","subject":{"en":"Hi"},"body":{"en":"x","es":"x"}}""",
        """{"segment":"everyone","subject":{"en":"Hi","es":"Hola"},"body":{"en":"x","es":"x"}}""",
        """{"segment":"storeBuyers","subject":{"en":"Hi","es":"Hola"},"body":{"en":"x","es":"x"}}""",
        "{\"segment\":\"shoppers\",\"subject\":{\"en\":\"Hi\",\"es\":\"Hola\"},\"body\":{\"en\":\"" + new string('x', AnnouncementRules.MaxBodyLength + 1) + "\",\"es\":\"x\"}}",
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task An_announcement_that_breaks_a_rule_is_refused_and_nothing_is_stored(string json)
    {
        using var admin = await AdminAsync();
        var before = (await admin.GetFromJsonAsync<JsonElement>("/api/admin/announcements")).GetArrayLength();

        using var refused = await admin.PostAsync("/api/admin/announcements", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, (await admin.GetFromJsonAsync<JsonElement>("/api/admin/announcements")).GetArrayLength());
    }

    private async Task<HttpClient> AdminAsync()
    {
        var http = fixture.CreateClient();
        http.UseToken(await http.LoginAsync(TestSecrets.AdminEmail, TestSecrets.AdminPassword));
        return http;
    }
}
