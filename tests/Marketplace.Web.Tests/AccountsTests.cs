using System.IdentityModel.Tokens.Jwt;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Marketplace.Web.Tests;

/// <summary>Registration, tokens, sessions, lockout, two-factor sign-in, guests and staff, through the real pipeline.</summary>
[Collection(WebCollection.Name)]
public sealed class AccountsTests(WebFixture fixture)
{
    [Fact]
    public async Task A_new_seller_creates_a_product_and_another_seller_cannot_change_it()
    {
        using var ana = fixture.CreateClient();
        var sellerId = await ana.CreateStoreAsync("Café Ana");
        var productId = await ana.CreateProductAsync(sellerId);
        using var other = fixture.CreateClient();
        var otherStore = await other.CreateStoreAsync("Tejidos");

        var stock = await other.PutAsJsonAsync($"/api/products/{productId}/stock", new { items = new[] { new { sku = "CAFE-250", onHand = 0 } } });
        var store = await other.PutAsJsonAsync($"/api/sellers/{sellerId}", new { name = "Mine now" });
        var create = await other.PostAsJsonAsync($"/api/sellers/{sellerId}/products", ApiClient.Product());

        Assert.Equal(HttpStatusCode.Forbidden, stock.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, store.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal("not-store-staff", (await stock.ReadJsonAsync()).GetProperty("code").GetString());
        var product = await (await ana.GetAsync($"/api/products/{productId}")).ReadJsonAsync();
        Assert.Equal(20, product.GetProperty("variants")[0].GetProperty("available").GetInt32());
        Assert.Equal("Café Ana", (await (await ana.GetAsync($"/api/sellers/{sellerId}")).ReadJsonAsync()).GetProperty("name").GetString());
        Assert.NotEqual(sellerId, otherStore);
    }

    [Fact]
    public async Task Registration_checks_passwords_and_normalizes_emails()
    {
        using var http = fixture.CreateClient();
        var email = ApiClient.NewEmail("Mixed.Case");
        async Task<HttpResponseMessage> Register(string address, string password) =>
            await http.PostAsJsonAsync("/api/auth/register", new { email = address, password, displayName = "Ana", role = "shopper" });

        var tooShort = await Register(email, "short-pw");
        var common = await Register(email, "qwertyuiop123");
        var created = await Register("  " + email.ToUpperInvariant() + " ", TestSecrets.Password);
        var duplicate = await Register(email, TestSecrets.Password);
        var sellerWithoutStore = await http.PostAsJsonAsync("/api/auth/register",
            new { email = ApiClient.NewEmail(), password = TestSecrets.Password, displayName = "S", role = "seller" });
        var admin = await http.PostAsJsonAsync("/api/auth/register",
            new { email = ApiClient.NewEmail(), password = TestSecrets.Password, displayName = "S", role = "admin" });

        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.True((await tooShort.ReadJsonAsync()).GetProperty("errors").TryGetProperty("password", out _));
        Assert.Equal(HttpStatusCode.BadRequest, common.StatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, sellerWithoutStore.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, admin.StatusCode);

        http.UseToken(await http.LoginAsync(email.ToUpperInvariant(), TestSecrets.Password));
        var me = await (await http.GetAsync("/api/me")).ReadJsonAsync();
        Assert.Equal(email.ToLowerInvariant(), me.GetProperty("email").GetString());
        Assert.Equal(["shopper"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    public static TheoryData<string> ForgedTokens => new(TestTokens.Kinds);

    [Theory]
    [MemberData(nameof(ForgedTokens))]
    public async Task Tokens_that_are_expired_forged_or_for_someone_else_are_401(string kind)
    {
        using var http = fixture.CreateClient();
        var account = await http.RegisterAsync();
        var token = TestTokens.Forge(account, kind);

        http.UseToken(token);
        var response = await http.GetAsync("/api/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        http.UseToken(account.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/me")).StatusCode); // the genuine token still works
    }

    [Fact]
    public async Task Refresh_tokens_rotate_and_reusing_an_old_one_ends_the_whole_session()
    {
        using var http = fixture.CreateClient();
        var account = await http.RegisterAsync();

        var first = await http.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = account.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var rotated = await first.ReadJsonAsync();
        var newRefresh = rotated.GetProperty("refreshToken").GetString()!;
        Assert.NotEqual(account.RefreshToken, newRefresh);

        var reuse = await http.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = account.RefreshToken });
        Assert.Equal(HttpStatusCode.Unauthorized, reuse.StatusCode);
        Assert.Equal("refresh-token-reused", (await reuse.ReadJsonAsync()).GetProperty("code").GetString());

        // The thief's reuse ended the session: the newest refresh token and every access token of it are dead.
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = newRefresh })).StatusCode);
        http.UseToken(rotated.GetProperty("accessToken").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Logout_ends_the_session_for_access_and_refresh_tokens()
    {
        using var http = fixture.CreateClient();
        var account = await http.RegisterAsync();
        http.UseToken(account.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsJsonAsync("/api/auth/logout", new { refreshToken = account.RefreshToken })).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/me")).StatusCode);
        http.UseToken(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = account.RefreshToken })).StatusCode);
    }

    [Fact]
    public async Task Five_failed_logins_lock_the_account_even_for_the_right_password()
    {
        using var http = fixture.CreateClient();
        var account = await http.RegisterAsync();
        for (var i = 0; i < 4; i++)
        {
            var wrong = await http.PostAsJsonAsync("/api/auth/login", new { email = account.Email, password = "not-the-password" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        var fifth = await http.PostAsJsonAsync("/api/auth/login", new { email = account.Email, password = "not-the-password" });
        var right = await http.PostAsJsonAsync("/api/auth/login", new { email = account.Email, password = TestSecrets.Password });

        Assert.Equal(HttpStatusCode.Locked, fifth.StatusCode);
        Assert.Equal(HttpStatusCode.Locked, right.StatusCode);
        Assert.InRange(int.Parse(right.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 200, 300);
        Assert.Equal("account-locked", (await right.ReadJsonAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Two_factor_enrolment_then_login_needs_the_code_and_recovery_codes_work_once()
    {
        using var http = fixture.CreateClient();
        var account = await http.RegisterAsync();
        http.UseToken(account.AccessToken);
        var setup = await (await http.PostAsync("/api/me/two-factor/setup", null)).ReadJsonAsync();
        var key = setup.GetProperty("sharedKey").GetString()!;
        Assert.StartsWith("otpauth://totp/", setup.GetProperty("authenticatorUri").GetString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("/api/me/two-factor/enable", new { code = "123456" == Totp.Code(key) ? "654321" : "123456" })).StatusCode);
        var enabled = await http.PostAsJsonAsync("/api/me/two-factor/enable", new { code = Totp.Code(key) });
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        var recovery = (await enabled.ReadJsonAsync()).GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(10, recovery.Count);
        http.UseToken(null);

        var noCode = await http.PostAsJsonAsync("/api/auth/login", new { email = account.Email, password = TestSecrets.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, noCode.StatusCode);
        Assert.Equal("two-factor-required", (await noCode.ReadJsonAsync()).GetProperty("code").GetString());

        var withCode = await http.PostAsJsonAsync("/api/auth/login", new { email = account.Email, password = TestSecrets.Password, twoFactorCode = Totp.Code(key) });
        Assert.Equal(HttpStatusCode.OK, withCode.StatusCode);
        var token = new JsonWebToken((await withCode.ReadJsonAsync()).GetProperty("accessToken").GetString());
        Assert.Contains(token.Claims, c => c.Type == "amr" && c.Value == "mfa");

        var firstUse = await http.PostAsJsonAsync("/api/auth/login", new { email = account.Email, password = TestSecrets.Password, recoveryCode = recovery[0] });
        var secondUse = await http.PostAsJsonAsync("/api/auth/login", new { email = account.Email, password = TestSecrets.Password, recoveryCode = recovery[0] });
        Assert.Equal(HttpStatusCode.OK, firstUse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, secondUse.StatusCode);
    }

    [Fact]
    public async Task Admin_endpoints_need_a_second_factor_when_the_switch_is_on()
    {
        await using var strict = new WebHostFactory(fixture, new Dictionary<string, string> { ["Auth:RequireTwoFactorForAdmins"] = "true" });
        using var http = strict.CreateClient();
        await strict.WaitReadyAsync();
        var email = ApiClient.NewEmail("admin2");
        await using (var db = NpgsqlDataSource.Create(fixture.Database.ConnectionString))
        {
            // Promote a fresh account to admin the way an operator would, in the database.
            var account = await http.RegisterAsync(email: email);
            await using var promote = db.CreateCommand("INSERT INTO user_roles (user_id, role_id) VALUES (@u, 'admin')");
            promote.Parameters.AddWithValue("u", account.UserId);
            await promote.ExecuteNonQueryAsync();
        }

        http.UseToken(await http.LoginAsync(email, TestSecrets.Password));
        var refused = await http.GetAsync("/api/admin/users");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        var key = (await (await http.PostAsync("/api/me/two-factor/setup", null)).ReadJsonAsync()).GetProperty("sharedKey").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/api/me/two-factor/enable", new { code = Totp.Code(key) })).StatusCode);
        var login = await http.PostAsJsonAsync("/api/auth/login", new { email, password = TestSecrets.Password, twoFactorCode = Totp.Code(key) });
        http.UseToken((await login.ReadJsonAsync()).GetProperty("accessToken").GetString());

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/admin/users")).StatusCode);
    }

    [Fact]
    public async Task Auth_endpoints_are_rate_limited_per_client_with_retry_after()
    {
        await using var limited = new WebHostFactory(fixture, new Dictionary<string, string>
        {
            ["RateLimits:Enabled"] = "true",
            ["RateLimits:AuthPerMinute"] = "3",
        });
        using var http = limited.CreateClient();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 5; i++)
        {
            last = await http.PostAsync("/api/auth/guest", null);
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.InRange(int.Parse(last!.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.Equal("application/problem+json", last.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode); // probes are not limited

        // The sign-in page draws on the same allowance and says so in words; other pages are not limited.
        var signIn = await http.GetAsync("/account/login");
        Assert.Equal(HttpStatusCode.TooManyRequests, signIn.StatusCode);
        Assert.Equal("text/html", signIn.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Too many requests", await signIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/search?q=cafe")).StatusCode);
    }

    [Fact]
    public async Task A_guest_gets_an_identity_that_an_account_takes_over_at_registration()
    {
        using var http = fixture.CreateClient();
        var guest = await (await http.PostAsync("/api/auth/guest", null)).ReadJsonAsync();
        var guestId = guest.GetProperty("guestId").GetString()!;
        http.UseToken(guest.GetProperty("accessToken").GetString());
        Assert.StartsWith("gst_", guestId, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync("/api/me")).StatusCode);

        var account = await http.RegisterAsync();

        Assert.Equal(account.UserId, await fixture.Database.ScalarAsync<string>(
            "SELECT user_id FROM guest_adoptions WHERE guest_id = @g", ("g", guestId)));
    }

    [Fact]
    public async Task The_owner_invites_staff_who_then_act_for_the_store_until_removed()
    {
        using var owner = fixture.CreateClient();
        var sellerId = await owner.CreateStoreAsync();
        using var staff = fixture.CreateClient();
        var person = await staff.RegisterAsync();
        var invitation = await owner.PostAsJsonAsync($"/api/sellers/{sellerId}/invitations", new { email = person.Email });
        Assert.Equal(HttpStatusCode.Created, invitation.StatusCode);
        var token = (await invitation.ReadJsonAsync()).GetProperty("token").GetString()!;

        using var stranger = fixture.CreateClient();
        stranger.UseToken((await stranger.RegisterAsync()).AccessToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.PostAsJsonAsync("/api/invitations/accept", new { token })).StatusCode);

        staff.UseToken(person.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync("/api/invitations/accept", new { token })).StatusCode);
        var refreshed = await (await staff.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = person.RefreshToken })).ReadJsonAsync();
        staff.UseToken(refreshed.GetProperty("accessToken").GetString());
        Assert.Equal(sellerId, (await (await staff.GetAsync("/api/me")).ReadJsonAsync()).GetProperty("sellerId").GetString());
        Assert.Equal(HttpStatusCode.Created, (await staff.PostAsJsonAsync($"/api/sellers/{sellerId}/products", ApiClient.Product())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostAsJsonAsync($"/api/sellers/{sellerId}/invitations", new { email = ApiClient.NewEmail() })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"/api/sellers/{sellerId}/staff/{person.UserId}")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await staff.PostAsJsonAsync($"/api/sellers/{sellerId}/products", ApiClient.Product())).StatusCode);
        staff.UseToken(await staff.LoginAsync(person.Email, TestSecrets.Password));
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostAsJsonAsync($"/api/sellers/{sellerId}/products", ApiClient.Product())).StatusCode);
    }

    [Fact]
    public async Task A_suspended_store_disappears_and_cannot_change_its_catalog_until_reinstated()
    {
        using var seller = fixture.CreateClient();
        var sellerId = await seller.CreateStoreAsync();
        var productId = await seller.CreateProductAsync(sellerId);
        using var admin = await fixture.CreateAdminClientAsync();
        using var visitor = fixture.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/admin/stores/{sellerId}/suspend", new { reason = "Counterfeit goods" })).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync($"/api/sellers/{sellerId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync($"/api/products/{productId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync($"/api/sellers/{sellerId}/products")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await seller.GetAsync($"/api/sellers/{sellerId}")).StatusCode);
        var create = await seller.PostAsJsonAsync($"/api/sellers/{sellerId}/products", ApiClient.Product());
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal("store-suspended", (await create.ReadJsonAsync()).GetProperty("code").GetString());
        var stores = await (await admin.GetAsync("/api/admin/stores?status=suspended")).ReadJsonAsync();
        Assert.Contains(stores.GetProperty("items").EnumerateArray(), s => s.GetProperty("sellerId").GetString() == sellerId);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/admin/stores/{sellerId}/reinstate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync($"/api/products/{productId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await seller.PostAsJsonAsync($"/api/sellers/{sellerId}/products", ApiClient.Product())).StatusCode);
    }
}
