using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Testing;
using Marketplace.Web.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Web.Tests;

/// <summary>Which business emails a person receives: per-kind channels, and the one-click unsubscribe link.</summary>
[Collection(EmailCollection.Name)]
public sealed class EmailPreferencesTests(EmailFixture fixture)
{
    [Fact]
    public async Task Every_kind_starts_at_its_default_and_a_choice_changes_only_the_kinds_it_names()
    {
        using var http = fixture.CreateClient();
        var shopper = await http.RegisterAsync();
        http.UseToken(shopper.AccessToken);

        var defaults = await KindsAsync(http);
        Assert.Equal("email", defaults["orders"]);
        Assert.Equal("digest", defaults["reviews"]);
        Assert.Equal("email", defaults["announcements"]);

        using var put = await http.PutAsJsonAsync("/api/me/notification-preferences", new { kinds = new { reviews = "inApp", orders = "digest" } });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var answered = (await put.ReadJsonAsync()).GetProperty("kinds");
        Assert.Equal("digest", answered.GetProperty("orders").GetString());
        var now = await KindsAsync(http);
        Assert.Equal("inApp", now["reviews"]);
        Assert.Equal("digest", now["orders"]);
        Assert.Equal(defaults["announcements"], now["announcements"]);
    }

    [Theory]
    [InlineData("""{"kinds":{"orders":"fax"}}""")]
    [InlineData("""{"kinds":{"horoscopes":"email"}}""")]
    [InlineData("""{"kinds":null}""")]
    [InlineData("""{"kinds":{"orders":5}}""")]
    public async Task A_choice_the_preferences_do_not_know_is_refused_and_changes_nothing(string json)
    {
        using var http = fixture.CreateClient();
        var shopper = await http.RegisterAsync();
        http.UseToken(shopper.AccessToken);
        var before = await KindsAsync(http);

        using var response = await http.PutAsync("/api/me/notification-preferences", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await KindsAsync(http));
    }

    [Fact]
    public async Task The_one_click_unsubscribe_post_works_without_signing_in_or_a_form_token_and_a_forged_token_is_refused()
    {
        using var http = fixture.CreateClient();
        var shopper = await http.RegisterAsync();
        var token = fixture.Factory.Services.GetRequiredService<EmailLinks>().UnsubscribeToken(shopper.UserId, "announcements");

        using (var anonymous = fixture.CreateClient())
        {
            using var look = await anonymous.GetAsync($"/unsubscribe?token={token}");
            Assert.Equal(HttpStatusCode.OK, look.StatusCode);
            Assert.Contains("Stop emails about announcements?", await look.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            using var oneClick = await anonymous.PostAsync($"/unsubscribe?token={token}",
                new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
            Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);
            Assert.Contains("data-unsubscribed", await oneClick.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            using var forged = await anonymous.PostAsync($"/unsubscribe?token={token[..^4]}AAAA",
                new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        http.UseToken(shopper.AccessToken);
        var kinds = await KindsAsync(http);
        Assert.Equal("inApp", kinds["announcements"]);
        Assert.Equal("email", kinds["orders"]);
    }

    private static async Task<Dictionary<string, string>> KindsAsync(HttpClient http) =>
        (await http.GetFromJsonAsync<JsonElement>("/api/me/notification-preferences")).GetProperty("kinds")
        .EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
}
