using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Testing;

namespace Marketplace.WebClient.Tests;

/// <summary>A silo cluster on its own database and the real web host in front of it.</summary>
public sealed class WebFixture : MarketplaceCluster, IAsyncLifetime
{
    private WebHostFactory? factory;

    public HttpClient CreateClient() => (factory ?? throw new InvalidOperationException("Not started.")).CreateClient();

    public async ValueTask InitializeAsync()
    {
        await StartAsync("web");
        factory = new WebHostFactory(this);
        _ = factory.Server; // start the host now, not in the first test
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        await DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class WebCollection : ICollectionFixture<WebFixture>
{
    public const string Name = "web host";
}

internal static class Json
{
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
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

    public static async Task<string> CreateStoreAsync(this HttpClient http, string name = "Café Ana")
    {
        var response = await http.PostAsJsonAsync("/api/sellers", new { name, description = "Specialty coffee" });
        response.EnsureSuccessStatusCode();
        return (await response.ReadJsonAsync()).GetProperty("sellerId").GetString()!;
    }

    public static async Task<string> CreateProductAsync(this HttpClient http, string sellerId, object? product = null)
    {
        var response = await http.PostAsJsonAsync($"/api/sellers/{sellerId}/products", product ?? Product());
        response.EnsureSuccessStatusCode();
        return (await response.ReadJsonAsync()).GetProperty("productId").GetString()!;
    }
}
