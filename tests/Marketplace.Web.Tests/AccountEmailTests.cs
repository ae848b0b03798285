using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Testing;

namespace Marketplace.Web.Tests;

/// <summary>
/// An account's address and password by email, read from a real SMTP server: verification at registration, the rule
/// that sellers verify before publishing, "forgot password", moving to a new address, and refusals of bad input.
/// </summary>
[Collection(EmailCollection.Name)]
public sealed class AccountEmailTests(EmailFixture fixture)
{
    [Fact]
    public async Task Registration_sends_a_verification_email_in_the_pages_language_whose_link_verifies_once_and_lets_the_seller_publish()
    {
        using var http = fixture.CreateClient();
        http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("es");
        var seller = await http.RegisterAsync("seller", "Tienda Verde");
        http.DefaultRequestHeaders.AcceptLanguage.Clear();
        http.UseToken(seller.AccessToken);

        var message = await fixture.ReceiveAsync(seller.Email, "Confirma tu correo");
        Assert.Equal("es", message.Body?.Headers["Content-Language"]);
        Assert.Null(message.Headers["List-Unsubscribe"]);
        Assert.EndsWith("@shop.test", message.MessageId, StringComparison.Ordinal);
        Assert.Contains(seller.Email, message.TextBody, StringComparison.Ordinal);
        var me = await http.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.False(me.GetProperty("emailVerified").GetBoolean());
        Assert.Equal("es", me.GetProperty("culture").GetString());

        using (var refused = await http.PostAsJsonAsync($"/api/sellers/{seller.SellerId}/products", ApiClient.Product()))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            var problem = await refused.ReadJsonAsync();
            Assert.Equal("email-not-verified", problem.GetProperty("code").GetString());
            Assert.Contains("Confirm your email address", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        await http.CreateProductAsync(seller.SellerId!, ApiClient.Product(status: "draft"));

        var token = fixture.TokenOf(message, "/account/verify-email");
        using (var verified = await http.PostAsJsonAsync("/api/auth/email/verify", new { token }))
        {
            Assert.Equal(HttpStatusCode.NoContent, verified.StatusCode);
        }

        using (var again = await http.PostAsJsonAsync("/api/auth/email/verify", new { token }))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Equal("already-verified", (await again.ReadJsonAsync()).GetProperty("code").GetString());
        }

        Assert.True((await http.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("emailVerified").GetBoolean());
        await http.CreateProductAsync(seller.SellerId!);
        Assert.Single(await fixture.MailToAsync(seller.Email));
    }

    [Fact]
    public async Task Forgot_password_answers_alike_for_any_address_and_its_link_resets_once_ending_every_session()
    {
        using var http = fixture.CreateClient();
        var shopper = await http.RegisterAsync();
        var unknown = ApiClient.NewEmail("nobody");

        var (knownStatus, knownBody) = await ForgotAsync(http, shopper.Email);
        var (unknownStatus, unknownBody) = await ForgotAsync(http, unknown);
        Assert.Equal(HttpStatusCode.Accepted, knownStatus);
        Assert.Equal(knownStatus, unknownStatus);
        Assert.Equal(knownBody, unknownBody);

        var message = await fixture.ReceiveAsync(shopper.Email, "Reset your");
        var token = fixture.TokenOf(message, "/account/reset-password");
        using (var weak = await http.PostAsJsonAsync("/api/auth/password/reset", new { token, password = "short" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
            Assert.True((await weak.ReadJsonAsync()).GetProperty("errors").TryGetProperty("password", out _));
        }

        const string newPassword = "a new and long passphrase";
        using (var reset = await http.PostAsJsonAsync("/api/auth/password/reset", new { token, password = newPassword }))
        {
            Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        }

        using (var reused = await http.PostAsJsonAsync("/api/auth/password/reset", new { token, password = "yet another long passphrase" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
            Assert.Equal("invalid-link", (await reused.ReadJsonAsync()).GetProperty("code").GetString());
        }

        using (var oldSession = await http.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = shopper.RefreshToken }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, oldSession.StatusCode);
        }

        using (var oldPassword = await http.PostAsJsonAsync("/api/auth/login", new { email = shopper.Email, password = TestSecrets.Password }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, oldPassword.StatusCode);
        }

        Assert.NotEmpty(await http.LoginAsync(shopper.Email, newPassword));
        await fixture.ReceiveAsync(shopper.Email, "password was changed");
        Assert.Empty(await fixture.MailToAsync(unknown));
    }

    [Fact]
    public async Task An_address_gets_at_most_three_reset_emails_an_hour_though_every_request_is_answered_alike()
    {
        using var http = fixture.CreateClient();
        var shopper = await http.RegisterAsync();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await ForgotAsync(http, shopper.Email)).Status);
        }

        await fixture.Mail.Inbox.WaitForCountAsync(m => m.To.Contains(shopper.Email) && m.Subject.Contains("Reset", StringComparison.Ordinal), 3, TimeSpan.FromSeconds(20));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(3, (await fixture.MailToAsync(shopper.Email)).Count(m => m.Subject.Contains("Reset", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Moving_to_a_new_address_needs_the_password_and_the_link_and_tells_the_old_address()
    {
        using var http = fixture.CreateClient();
        var shopper = await http.RegisterAsync();
        var taken = await http.RegisterAsync();
        http.UseToken(shopper.AccessToken);
        var newEmail = ApiClient.NewEmail("moved");

        Assert.Equal(HttpStatusCode.Forbidden, (await ChangeAsync(http, newEmail, "not my password")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await ChangeAsync(http, taken.Email, TestSecrets.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await ChangeAsync(http, newEmail, TestSecrets.Password)).StatusCode);
        Assert.Equal(shopper.Email, (await http.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("email").GetString());

        var confirm = await fixture.ReceiveAsync(newEmail, "Confirm your new email");
        using (var verified = await http.PostAsJsonAsync("/api/auth/email/verify", new { token = fixture.TokenOf(confirm, "/account/verify-email") }))
        {
            Assert.Equal(HttpStatusCode.NoContent, verified.StatusCode);
        }

        var me = await http.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal(newEmail, me.GetProperty("email").GetString());
        Assert.True(me.GetProperty("emailVerified").GetBoolean());
        Assert.NotEmpty(await http.LoginAsync(newEmail, TestSecrets.Password));
        using (var old = await http.PostAsJsonAsync("/api/auth/login", new { email = shopper.Email, password = TestSecrets.Password }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        }

        var told = await fixture.ReceiveAsync(shopper.Email, "was changed");
        Assert.Contains(newEmail, told.TextBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/auth/password/forgot", """{"email":"not-an-address"}""")]
    [InlineData("/api/auth/password/forgot", """{"email":"ana@example.com\r\nBcc: victim@example.com"}""")]
    [InlineData("/api/auth/password/forgot", """{"email":"ana@exa\r\nmple.com"}""")]
    [InlineData("/api/auth/password/forgot", """{}""")]
    [InlineData("/api/auth/password/reset", """{"token":"garbage","password":"a long enough passphrase"}""")]
    [InlineData("/api/auth/email/verify", """{"token":"dGhpcyBpcyBub3QgYSB0b2tlbg"}""")]
    [InlineData("/api/auth/email/verify", """{"token":null}""")]
    public async Task Bad_input_is_refused_with_problem_details_and_sends_nothing(string path, string json)
    {
        using var http = fixture.CreateClient();
        var before = (await fixture.Mail.Inbox.MessagesAsync()).Count(ToExample);
        using var response = await http.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await Task.Delay(500);
        Assert.Equal(before, (await fixture.Mail.Inbox.MessagesAsync()).Count(ToExample));
    }

    [Fact]
    public async Task A_new_address_with_a_line_break_or_too_long_is_refused()
    {
        using var http = fixture.CreateClient();
        var shopper = await http.RegisterAsync();
        http.UseToken(shopper.AccessToken);

        Assert.Equal(HttpStatusCode.BadRequest, (await ChangeAsync(http, "moved@example.com\r\nBcc: x@example.com", TestSecrets.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await ChangeAsync(http, "moved@exa\r\nmple.com", TestSecrets.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await ChangeAsync(http, new string('a', 250) + "@example.com", TestSecrets.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PutAsJsonAsync("/api/me/culture", new { culture = "fr" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await http.PutAsJsonAsync("/api/me/culture", new { culture = "es" })).StatusCode);
        Assert.Equal("es", (await http.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("culture").GetString());
    }

    /// <summary>The addresses of the bad-input cases; no other test writes to them.</summary>
    private static bool ToExample(ReceivedMail mail) => mail.To.Any(t => t.EndsWith("example.com", StringComparison.OrdinalIgnoreCase));

    private static async Task<(HttpStatusCode Status, string Body)> ForgotAsync(HttpClient http, string email)
    {
        using var response = await http.PostAsJsonAsync("/api/auth/password/forgot", new { email });
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static Task<HttpResponseMessage> ChangeAsync(HttpClient http, string newEmail, string password) =>
        http.PostAsJsonAsync("/api/me/email", new { newEmail, password });
}
