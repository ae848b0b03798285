using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.Browser.Tests;

/// <summary>
/// The marketplace as an OpenID Connect provider, driven the way a client site drives it: a person signs in and
/// consents in a real browser, the client exchanges the code with its PKCE verifier, and every misuse the protocol
/// forbids is refused. Then the other direction: a directory user signs in to the marketplace through the directory.
/// </summary>
[Collection(SingleSignOnCollection.Name)]
public sealed class SingleSignOnTests(SingleSignOnFixture fixture)
{
    /// <summary>
    /// The installation acting as the provider: the directory, except in the key rotation test, which rotates the
    /// marketplace's own provider keys so the marketplace's cached copy of the directory's keys (it signs people in
    /// through the directory) stays right for the other tests.
    /// </summary>
    private string provider = fixture.DirectoryOrigin;

    private string ClientCallback => fixture.ClientOrigin + "/callback";

    private HttpClient ProviderClient() => new() { BaseAddress = new Uri(provider) };

    private async Task<HttpClient> ProviderAdminAsync()
    {
        var http = ProviderClient();
        http.UseToken(await http.LoginAsync(TestSecrets.AdminEmail, TestSecrets.AdminPassword));
        return http;
    }

    [Fact]
    public async Task A_site_signs_a_person_in_with_a_code_and_PKCE_and_each_misuse_is_refused()
    {
        var client = await RegisterClientAsync(requireConsent: true);
        var (email, password) = await RegisterDirectoryUserAsync();

        // Discovery names the issuer and the endpoints, and offers S256 for PKCE.
        using var http = fixture.DirectoryClient();
        var discovery = await http.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");
        Assert.Equal(fixture.DirectoryOrigin + "/", discovery.GetProperty("issuer").GetString());
        Assert.Equal(fixture.DirectoryOrigin + "/connect/authorize", discovery.GetProperty("authorization_endpoint").GetString());
        Assert.Equal(fixture.DirectoryOrigin + "/connect/token", discovery.GetProperty("token_endpoint").GetString());
        Assert.Contains("S256", discovery.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(v => v.GetString()));

        // Not signed in: the sign-in page, then the consent page naming the client, then back to the client with a code.
        var page = await fixture.NewVisitorAsync();
        var (verifier, challenge) = Pkce();
        var callback = await AuthorizeAsync(page, client.Id, challenge, "state-1", "nonce-1", signIn: (email, password), consent: true);
        Assert.Equal("state-1", callback["state"]);
        var code = callback["code"];

        var tokens = await ExchangeAsync(client, code, verifier);
        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        var identity = await ValidateAsync(tokens.Json.GetProperty("id_token").GetString()!, client.Id);
        Assert.Equal("nonce-1", identity.GetClaim("nonce").Value);
        Assert.Equal(email, identity.GetClaim("email").Value);
        var info = await UserInfoAsync(tokens.Json.GetProperty("access_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, info.Status);
        Assert.Equal(identity.Subject, info.Json.GetProperty("sub").GetString());
        Assert.Equal(email, info.Json.GetProperty("email").GetString());

        // A code works once.
        var reused = await ExchangeAsync(client, code, verifier);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (reused.Status, reused.Json.GetProperty("error").GetString()));

        // Consent is remembered: the next request comes straight back with a code. The wrong verifier gets nothing.
        var (verifier2, challenge2) = Pkce();
        var second = await AuthorizeAsync(page, client.Id, challenge2, "state-2", "nonce-2", signIn: null, consent: false);
        var wrongVerifier = await ExchangeAsync(client, second["code"], Pkce().Verifier);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (wrongVerifier.Status, wrongVerifier.Json.GetProperty("error").GetString()));
        Assert.NotEqual(verifier, verifier2);

        // A code sent back to another address than the one it was asked for is refused too.
        var (verifier3, challenge3) = Pkce();
        var third = await AuthorizeAsync(page, client.Id, challenge3, "state-3", "nonce-3", signIn: null, consent: false);
        var elsewhere = await ExchangeAsync(client, third["code"], verifier3, redirectUri: ClientCallback + "/other");
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (elsewhere.Status, elsewhere.Json.GetProperty("error").GetString()));

        // An unregistered redirect URI: the provider shows an error itself and never sends the browser there.
        var refused = await page.GotoAsync(AuthorizeUrl(client.Id, Pkce().Challenge, "state-4", "nonce-4", fixture.ClientOrigin + "/elsewhere"));
        Assert.Equal(400, refused!.Status);
        Assert.StartsWith(fixture.DirectoryOrigin, page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.ClientRequests, u => u.AbsolutePath == "/elsewhere");
        Assert.Empty(fixture.PolicyViolations);
    }

    [Fact]
    public async Task A_used_refresh_token_is_refused_and_an_access_token_stops_working_when_it_expires()
    {
        var client = await RegisterClientAsync(requireConsent: false);
        var (email, password) = await RegisterDirectoryUserAsync();
        var page = await fixture.NewVisitorAsync();
        var (verifier, challenge) = Pkce();
        var callback = await AuthorizeAsync(page, client.Id, challenge, Guid.NewGuid().ToString("N"), "n", signIn: (email, password), consent: false);
        var tokens = (await ExchangeAsync(client, callback["code"], verifier)).Json;
        var refresh = tokens.GetProperty("refresh_token").GetString()!;

        var renewed = await TokenAsync(client, new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh });
        Assert.Equal(HttpStatusCode.OK, renewed.Status);
        Assert.NotEqual(refresh, renewed.Json.GetProperty("refresh_token").GetString());

        var replayed = await TokenAsync(client, new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh });
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (replayed.Status, replayed.Json.GetProperty("error").GetString()));

        // Replaying a used refresh token revokes the tokens issued from it too: the renewed refresh token is dead.
        var afterReplay = await TokenAsync(client, new() { ["grant_type"] = "refresh_token", ["refresh_token"] = renewed.Json.GetProperty("refresh_token").GetString()! });
        Assert.Equal(HttpStatusCode.BadRequest, afterReplay.Status);

        // The access token from the first exchange works until its lifetime ends, then is refused.
        var access = tokens.GetProperty("access_token").GetString()!;
        var deadline = DateTime.UtcNow + SingleSignOnFixture.AccessTokenLifetime + TimeSpan.FromSeconds(20);
        HttpStatusCode status;
        while ((status = (await UserInfoAsync(access)).Status) == HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Rotating_the_keys_keeps_tokens_signed_with_the_old_key_valid_until_they_expire()
    {
        provider = fixture.MarketplaceOrigin;
        var client = await RegisterClientAsync(requireConsent: false);
        var (email, password) = await RegisterDirectoryUserAsync();
        var page = await fixture.NewVisitorAsync();
        var (verifier, challenge) = Pkce();
        var callback = await AuthorizeAsync(page, client.Id, challenge, Guid.NewGuid().ToString("N"), "n", signIn: (email, password), consent: false);
        var before = (await ExchangeAsync(client, callback["code"], verifier)).Json;
        var oldKey = new JsonWebToken(before.GetProperty("access_token").GetString()).Kid;

        using var admin = await ProviderAdminAsync();
        var rotated = await admin.PostAsync("/api/admin/oidc/keys/rotate", null);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var keys = (await rotated.ReadJsonAsync()).EnumerateArray().Where(k => k.GetProperty("use").GetString() == "sig").ToList();
        Assert.Contains(keys, k => k.GetProperty("id").GetString() == oldKey && k.GetProperty("state").GetString() == "kept");
        var newKey = keys.Single(k => k.GetProperty("state").GetString() == "active").GetProperty("id").GetString();
        Assert.NotEqual(oldKey, newKey);

        // Both are published; the old token still works; new tokens are signed with the new key and validate.
        using var http = ProviderClient();
        var jwks = await http.GetFromJsonAsync<JsonElement>("/.well-known/jwks");
        var published = jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()).ToList();
        Assert.Contains(oldKey, published);
        Assert.Contains(newKey, published);
        Assert.Equal(HttpStatusCode.OK, (await UserInfoAsync(before.GetProperty("access_token").GetString()!)).Status);
        await ValidateAsync(before.GetProperty("id_token").GetString()!, client.Id);

        var after = await TokenAsync(client, new() { ["grant_type"] = "refresh_token", ["refresh_token"] = before.GetProperty("refresh_token").GetString()! });
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.Equal(newKey, new JsonWebToken(after.Json.GetProperty("access_token").GetString()).Kid);
        await ValidateAsync(after.Json.GetProperty("id_token").GetString()!, client.Id);
    }

    [Fact]
    public async Task A_directory_user_without_an_account_signs_in_through_the_directory_and_next_time_needs_no_password_at_all()
    {
        var (email, password) = await RegisterDirectoryUserAsync();
        var page = await fixture.NewVisitorAsync();
        await page.GotoAsync(fixture.MarketplaceOrigin + "/account/login");
        await page.GetByRole(AriaRole.Link, new() { Name = $"Sign in with {SingleSignOnFixture.ProviderName}" }).ClickAsync();

        // The directory's own sign-in page, then back to the marketplace, which offers a new account for the email.
        await page.WaitForURLAsync(url => url.StartsWith(fixture.DirectoryOrigin + "/account/login", StringComparison.Ordinal));
        await SignInOnPageAsync(page, email, password);
        await ArriveAsync(page, fixture.MarketplaceOrigin + "/account/external/link");
        await Expect(page.GetByText($"No account uses {email} yet")).ToBeVisibleAsync();
        await page.GetByLabel("Your name").FillAsync("Dora Directorio");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create my account" }).ClickAsync();
        await Expect(page.Locator("details.menu summary")).ToContainTextAsync("Dora Directorio");
        Assert.Equal(1L, await fixture.Marketplace.Database.ScalarAsync<long>(
            "SELECT count(*) FROM user_logins l JOIN users u ON u.id = l.user_id WHERE u.email = @email", ("email", email)));

        // Signed out of the marketplace, still signed in at the directory: one click and no password page.
        await page.Locator("details.menu summary").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GotoAsync(fixture.MarketplaceOrigin + "/account/login");
        await page.GetByRole(AriaRole.Link, new() { Name = $"Sign in with {SingleSignOnFixture.ProviderName}" }).ClickAsync();
        await Expect(page.Locator("details.menu summary")).ToContainTextAsync("Dora Directorio");
        Assert.StartsWith(fixture.MarketplaceOrigin, page.Url, StringComparison.Ordinal);
        Assert.Empty(fixture.PolicyViolations);
    }

    [Fact]
    public async Task An_email_that_has_an_account_is_linked_only_after_that_accounts_password_is_proven()
    {
        // The same person has an account in both installations, with different passwords.
        var (email, directoryPassword) = await RegisterDirectoryUserAsync();
        using (var marketplace = fixture.MarketplaceClient())
        {
            var registered = await marketplace.PostAsJsonAsync("/api/auth/register", new
            {
                email, password = TestSecrets.Password + "-mk", displayName = "Linus Linked", role = "shopper",
            });
            Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        }

        var page = await fixture.NewVisitorAsync();
        await page.GotoAsync(fixture.MarketplaceOrigin + "/account/login");
        await page.GetByRole(AriaRole.Link, new() { Name = $"Sign in with {SingleSignOnFixture.ProviderName}" }).ClickAsync();
        await page.WaitForURLAsync(url => url.StartsWith(fixture.DirectoryOrigin + "/account/login", StringComparison.Ordinal));
        await SignInOnPageAsync(page, email, directoryPassword);
        await ArriveAsync(page, fixture.MarketplaceOrigin + "/account/external/link");
        await Expect(page.GetByText($"There is already an account for {email}")).ToBeVisibleAsync();

        // The directory's password is not this account's: nothing is linked, nobody is signed in.
        await page.GetByLabel("Password").FillAsync(directoryPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Link and sign in" }).ClickAsync();
        await Expect(page.GetByText("The password is not correct.")).ToBeVisibleAsync();
        Assert.Equal(0L, await LinksAsync(email));

        await page.GetByLabel("Password").FillAsync(TestSecrets.Password + "-mk");
        await page.GetByRole(AriaRole.Button, new() { Name = "Link and sign in" }).ClickAsync();
        await Expect(page.Locator("details.menu summary")).ToContainTextAsync("Linus Linked");
        Assert.Equal(1L, await LinksAsync(email));
    }

    [Fact]
    public async Task An_account_with_two_factor_sign_in_asks_for_its_code_after_the_directory_too()
    {
        var (email, directoryPassword) = await RegisterDirectoryUserAsync();
        var marketplacePassword = TestSecrets.Password + "-2fa";
        string key;
        using (var marketplace = fixture.MarketplaceClient())
        {
            var registered = await marketplace.PostAsJsonAsync("/api/auth/register", new { email, password = marketplacePassword, displayName = "Tess Twofactor", role = "shopper" });
            marketplace.UseToken((await registered.ReadJsonAsync()).GetProperty("accessToken").GetString());
            key = (await (await marketplace.PostAsync("/api/me/two-factor/setup", null)).ReadJsonAsync()).GetProperty("sharedKey").GetString()!;
            Assert.Equal(HttpStatusCode.OK, (await marketplace.PostAsJsonAsync("/api/me/two-factor/enable", new { code = Totp.Code(key) })).StatusCode);
        }

        // Linking: the password, then (asked for) the code with it.
        var page = await fixture.NewVisitorAsync();
        await StartExternalSignInAsync(page);
        await SignInOnPageAsync(page, email, directoryPassword);
        await ArriveAsync(page, fixture.MarketplaceOrigin + "/account/external/link");
        await page.GetByLabel("Password").FillAsync(marketplacePassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Link and sign in" }).ClickAsync();
        await page.GetByLabel("Password").FillAsync(marketplacePassword);
        await page.GetByLabel("Code from your authenticator app").FillAsync(Totp.Code(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Link and sign in" }).ClickAsync();
        await Expect(page.Locator("details.menu summary")).ToContainTextAsync("Tess Twofactor");
        Assert.Equal(1L, await LinksAsync(email));

        // Linked: the directory alone is not enough, the code still is asked for; a wrong one gets nothing.
        await page.Locator("details.menu summary").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await StartExternalSignInAsync(page, directorySignedIn: true);
        await ArriveAsync(page, fixture.MarketplaceOrigin + "/account/external/link");
        await Expect(page.GetByText("Your account uses two-factor sign-in.")).ToBeVisibleAsync();
        var wrong = Totp.Code(key) == "000000" ? "111111" : "000000";
        await page.GetByLabel("Code from your authenticator app").FillAsync(wrong);
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Expect(page.GetByText("The code is not valid.", new() { Exact = false })).ToBeVisibleAsync();
        await Expect(page.Locator("details.menu summary")).ToHaveCountAsync(0);
        await page.GetByLabel("Code from your authenticator app").FillAsync(Totp.Code(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Expect(page.Locator("details.menu summary")).ToContainTextAsync("Tess Twofactor");
    }

    private async Task StartExternalSignInAsync(IPage page, bool directorySignedIn = false)
    {
        await page.GotoAsync(fixture.MarketplaceOrigin + "/account/login");
        await page.GetByRole(AriaRole.Link, new() { Name = $"Sign in with {SingleSignOnFixture.ProviderName}" }).ClickAsync();
        if (!directorySignedIn)
        {
            await page.WaitForURLAsync(url => url.StartsWith(fixture.DirectoryOrigin + "/account/login", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Client_registration_is_for_admins_and_refuses_bad_redirect_uris_with_a_clear_answer()
    {
        using var admin = await fixture.DirectoryAdminAsync();
        var noRedirect = await admin.PostAsJsonAsync("/api/admin/oidc/clients", new { displayName = "X", redirectUris = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.BadRequest, noRedirect.StatusCode);
        var fragment = await admin.PostAsJsonAsync("/api/admin/oidc/clients", new { displayName = "X", redirectUris = new[] { "https://a.example/cb#x" } });
        Assert.Contains("redirectUris", (await fragment.ReadJsonAsync()).GetProperty("errors").EnumerateObject().Select(p => p.Name));
        var scope = await admin.PostAsJsonAsync("/api/admin/oidc/clients", new { displayName = "X", redirectUris = new[] { "https://a.example/cb" }, scopes = new[] { "admin" } });
        Assert.Equal(HttpStatusCode.BadRequest, scope.StatusCode);
        var taken = await admin.PostAsJsonAsync("/api/admin/oidc/clients", new { clientId = SingleSignOnFixture.MarketplaceClientId, displayName = "X", redirectUris = new[] { "https://a.example/cb" } });
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);

        var (email, password) = await RegisterDirectoryUserAsync();
        using var shopper = fixture.DirectoryClient();
        shopper.UseToken(await shopper.LoginAsync(email, password));
        Assert.Equal(HttpStatusCode.Forbidden, (await shopper.PostAsJsonAsync("/api/admin/oidc/clients", new { displayName = "X", redirectUris = new[] { "https://a.example/cb" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await shopper.PostAsync("/api/admin/oidc/keys/rotate", null)).StatusCode);
    }

    /// <summary>Waits for the browser to reach a page; if it does not, says where it is and what it shows.</summary>
    private static async Task ArriveAsync(IPage page, string url)
    {
        try
        {
            await page.WaitForURLAsync(url, new() { Timeout = 20_000 });
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"Expected {url}, but the browser is at {page.Url} showing: {await page.InnerTextAsync("body")}");
        }
    }

    private Task<long> LinksAsync(string email) => fixture.Marketplace.Database.ScalarAsync<long>(
        "SELECT count(*) FROM user_logins l JOIN users u ON u.id = l.user_id WHERE u.email = @email", ("email", email));

    private static async Task SignInOnPageAsync(IPage page, string email, string password)
    {
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    private sealed record Client(string Id, string Secret);

    private async Task<Client> RegisterClientAsync(bool requireConsent)
    {
        using var admin = await ProviderAdminAsync();
        var response = await admin.PostAsJsonAsync("/api/admin/oidc/clients", new
        {
            displayName = "Directory search",
            redirectUris = new[] { ClientCallback, ClientCallback + "/other" },
            scopes = new[] { "openid", "profile", "email", "offline_access" },
            requireConsent,
        });
        var json = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return new Client(json.GetProperty("clientId").GetString()!, json.GetProperty("clientSecret").GetString()!);
    }

    private async Task<(string Email, string Password)> RegisterDirectoryUserAsync()
    {
        using var http = ProviderClient();
        var account = await http.RegisterAsync("shopper");
        return (account.Email, TestSecrets.Password);
    }

    private string AuthorizeUrl(string clientId, string challenge, string state, string nonce, string? redirectUri = null) =>
        QueryHelpers.AddQueryString(provider + "/connect/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri ?? ClientCallback,
            ["response_type"] = "code",
            ["scope"] = "openid profile email offline_access",
            ["state"] = state,
            ["nonce"] = nonce,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        });

    /// <summary>Runs one authorization in the browser and answers the query the client's callback received.</summary>
    private async Task<Dictionary<string, string>> AuthorizeAsync(
        IPage page, string clientId, string challenge, string state, string nonce, (string Email, string Password)? signIn, bool consent)
    {
        await page.GotoAsync(AuthorizeUrl(clientId, challenge, state, nonce));
        if (signIn is { } credentials)
        {
            await page.WaitForURLAsync(url => url.Contains("/account/login", StringComparison.Ordinal));
            await SignInOnPageAsync(page, credentials.Email, credentials.Password);
        }

        if (consent)
        {
            await Expect(page.GetByText("Directory search wants to sign you in")).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();
        }

        return await fixture.CallbackAsync(state);
    }

    private Task<(HttpStatusCode Status, JsonElement Json)> ExchangeAsync(Client client, string code, string verifier, string? redirectUri = null) =>
        TokenAsync(client, new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri ?? ClientCallback,
            ["code_verifier"] = verifier,
        });

    private async Task<(HttpStatusCode Status, JsonElement Json)> TokenAsync(Client client, Dictionary<string, string> form)
    {
        using var http = ProviderClient();
        form["client_id"] = client.Id;
        form["client_secret"] = client.Secret;
        var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        return (response.StatusCode, await response.ReadJsonAsync());
    }

    private async Task<(HttpStatusCode Status, JsonElement Json)> UserInfoAsync(string accessToken)
    {
        using var http = ProviderClient();
        http.UseToken(accessToken);
        var response = await http.GetAsync("/connect/userinfo");
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, body.Length > 0 && response.IsSuccessStatusCode ? JsonDocument.Parse(body).RootElement.Clone() : default);
    }

    /// <summary>Checks an identity token the way a client does: signature against the published keys, issuer, audience, lifetime.</summary>
    private async Task<JsonWebToken> ValidateAsync(string token, string clientId)
    {
        using var http = ProviderClient();
        var jwks = new JsonWebKeySet(await http.GetStringAsync("/.well-known/jwks"));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = provider + "/",
            ValidAudience = clientId,
            IssuerSigningKeys = jwks.GetSigningKeys(),
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        return (JsonWebToken)result.SecurityToken;
    }

    private static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }
}
