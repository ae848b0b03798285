using System.Net;
using System.Net.Http.Json;

namespace Marketplace.Web.Tests;

/// <summary>A business directory keeps company data in sync with an integration API key; companies claim their store.</summary>
[Collection(WebCollection.Name)]
public sealed class DirectoryIntegrationTests(WebFixture fixture)
{
    private static object Company(string name = "Ferretería Central") => new
    {
        name,
        taxId = "76.123.456-7",
        address = "Av. Brasil 1234",
        city = "Valparaíso",
        country = "Chile",
        phone = "+56 32 212 3456",
        website = "https://ferreteria.example",
        description = "Tools since 1962",
        logoUrl = "https://ferreteria.example/logo.png",
    };

    private async Task<HttpClient> DirectoryClientAsync() => (await DirectoryClientWithKeyIdAsync()).Client;

    private async Task<(HttpClient Client, string KeyId)> DirectoryClientWithKeyIdAsync()
    {
        using var admin = await fixture.CreateAdminClientAsync();
        var created = await admin.PostAsJsonAsync("/api/admin/api-keys", new { name = "Directory", scopes = new[] { "directory" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        var http = fixture.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", body.GetProperty("apiKey").GetString());
        return (http, body.GetProperty("key").GetProperty("id").GetString()!);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("mk_00000000000000000000000000000000_0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("garbage")]
    public async Task A_missing_or_wrong_key_is_401(string? key)
    {
        using var http = fixture.CreateClient();
        if (key is not null)
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        var response = await http.PutAsJsonAsync($"/api/integrations/directory/sellers/ext-{Guid.NewGuid():N}", Company());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Upserting_twice_updates_the_same_store_and_a_revoked_key_stops_working()
    {
        var (http, keyId) = await DirectoryClientWithKeyIdAsync();
        using var client = http;
        var externalId = $"ext-{Guid.NewGuid():N}";

        var first = await http.PutAsJsonAsync($"/api/integrations/directory/sellers/{externalId}", Company());
        var second = await http.PutAsJsonAsync($"/api/integrations/directory/sellers/{externalId}", Company("Ferretería Central Ltda."));
        var third = await http.PutAsJsonAsync($"/api/integrations/directory/sellers/{externalId}", Company("Ferretería Central Ltda."));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var a = await first.ReadJsonAsync();
        var b = await second.ReadJsonAsync();
        var c = await third.ReadJsonAsync();
        var sellerId = a.GetProperty("sellerId").GetString()!;
        Assert.Equal(sellerId, b.GetProperty("sellerId").GetString());
        Assert.StartsWith(sellerId + ".", a.GetProperty("claimCode").GetString(), StringComparison.Ordinal);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, b.GetProperty("claimCode").ValueKind);
        Assert.Equal(b.GetProperty("store").GetProperty("version").GetInt32(), c.GetProperty("store").GetProperty("version").GetInt32());

        using var visitor = fixture.CreateClient();
        var store = await (await visitor.GetAsync($"/api/sellers/{sellerId}")).ReadJsonAsync();
        Assert.Equal("Ferretería Central Ltda.", store.GetProperty("name").GetString());
        Assert.Equal("76.123.456-7", store.GetProperty("contact").GetProperty("taxId").GetString());
        Assert.False(store.GetProperty("claimed").GetBoolean());

        using var admin = await fixture.CreateAdminClientAsync();
        var keys = await (await admin.GetAsync("/api/admin/api-keys")).ReadJsonAsync();
        var used = keys.EnumerateArray().Single(k => k.GetProperty("id").GetString() == keyId);
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, used.GetProperty("lastUsedAt").ValueKind);
        Assert.False(used.TryGetProperty("secretHash", out _));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/admin/api-keys/{keyId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PutAsJsonAsync($"/api/integrations/directory/sellers/{externalId}", Company())).StatusCode);
    }

    [Fact]
    public async Task A_claim_code_makes_the_registering_seller_the_owner_once()
    {
        using var http = await DirectoryClientAsync();
        var synced = await (await http.PutAsJsonAsync($"/api/integrations/directory/sellers/ext-{Guid.NewGuid():N}", Company())).ReadJsonAsync();
        var sellerId = synced.GetProperty("sellerId").GetString()!;
        var claimCode = synced.GetProperty("claimCode").GetString()!;

        using var owner = fixture.CreateClient();
        var account = await owner.RegisterAsync("seller", claimCode: claimCode);
        Assert.Equal(sellerId, account.SellerId);
        owner.UseToken(account.AccessToken);
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync($"/api/sellers/{sellerId}/products", ApiClient.Product())).StatusCode);
        Assert.True((await (await owner.GetAsync($"/api/sellers/{sellerId}")).ReadJsonAsync()).GetProperty("claimed").GetBoolean());

        using var latecomer = fixture.CreateClient();
        var email = ApiClient.NewEmail("late");
        var again = await latecomer.PostAsJsonAsync("/api/auth/register",
            new { email, password = TestSecrets.Password, displayName = "Late", role = "seller", claimCode });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("store-claimed", (await again.ReadJsonAsync()).GetProperty("code").GetString());
        // The refused registration left no account behind, so the email is still free.
        Assert.Equal(HttpStatusCode.Created, (await latecomer.PostAsJsonAsync("/api/auth/register",
            new { email, password = TestSecrets.Password, displayName = "Late", role = "shopper" })).StatusCode);

        var newCode = await http.PostAsync($"/api/integrations/directory/sellers/{synced.GetProperty("externalId").GetString()}/claim-code", null);
        Assert.Equal(HttpStatusCode.Conflict, newCode.StatusCode);
    }
}
