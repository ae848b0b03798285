using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Marketplace.Testing;

/// <summary>An account made through the API, with the tokens its registration answered.</summary>
public sealed record TestAccount(string UserId, string Email, string? SellerId, string AccessToken, string RefreshToken);

/// <summary>Request helpers shared by web and system tests; each creates what it needs through the public API.</summary>
public static class ApiClient
{
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Sends one request as the holder of <paramref name="token"/> (with an Idempotency-Key when given) and answers its
    /// status and JSON body (default when the body is empty). For callers that share one client between many users.
    /// </summary>
    public static async Task<(HttpStatusCode Status, JsonElement Json)> SendAsync(
        this HttpClient http, string token, HttpMethod method, string path, object? body = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public static string NewEmail(string who = "user") => $"{who}-{Guid.NewGuid():N}@test.marketplace.local";

    public static void UseToken(this HttpClient http, string? token) =>
        http.DefaultRequestHeaders.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);

    public static async Task<TestAccount> RegisterAsync(this HttpClient http, string role = "shopper", string? storeName = null,
        string? email = null, string? claimCode = null)
    {
        email ??= NewEmail(role);
        object body = role == "seller"
            ? claimCode is null
                ? new { email, password = TestSecrets.Password, displayName = "Test " + role, role, store = new { name = storeName ?? "Café Ana", description = "Specialty coffee" } }
                : new { email, password = TestSecrets.Password, displayName = "Test " + role, role, claimCode }
            : new { email, password = TestSecrets.Password, displayName = "Test " + role, role };
        var response = await http.PostAsJsonAsync("/api/auth/register", body);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Registration failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        var json = await response.ReadJsonAsync();
        return new TestAccount(json.GetProperty("userId").GetString()!, email,
            json.GetProperty("sellerId").ValueKind == JsonValueKind.String ? json.GetProperty("sellerId").GetString() : null,
            json.GetProperty("accessToken").GetString()!, json.GetProperty("refreshToken").GetString()!);
    }

    public static async Task<string> LoginAsync(this HttpClient http, string email, string password)
    {
        var response = await http.PostAsJsonAsync("/api/auth/login", new { email, password });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Login failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return (await response.ReadJsonAsync()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>Registers a new seller with a store and makes this client act as that seller. Answers the store id.</summary>
    public static async Task<string> CreateStoreAsync(this HttpClient http, string name = "Café Ana")
    {
        http.UseToken(null);
        var seller = await http.RegisterAsync("seller", name);
        http.UseToken(seller.AccessToken);
        return seller.SellerId!;
    }

    public static object Product(int stock = 20, string status = "published") => new
    {
        title = "Café de Colombia",
        description = "Medium roast",
        category = "coffee",
        currency = "CLP",
        price = 8990,
        status,
        variants = new object[]
        {
            new { sku = "CAFE-250", options = new { size = "250 g" }, price = 8990, stock },
            new { sku = "CAFE-1K", options = new { size = "1 kg" }, price = 29990, stock = 5 },
        },
    };

    public static async Task<string> CreateProductAsync(this HttpClient http, string sellerId, object? product = null)
    {
        var response = await http.PostAsJsonAsync($"/api/sellers/{sellerId}/products", product ?? Product());
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Product creation failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return (await response.ReadJsonAsync()).GetProperty("productId").GetString()!;
    }
}
