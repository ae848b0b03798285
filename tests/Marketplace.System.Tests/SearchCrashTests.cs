using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Testing;

namespace Marketplace.System.Tests;

/// <summary>
/// DESIGN §4.6: a crash between a grain write and the read-model write loses nothing. The silo is killed (SIGKILL) while
/// products and stock are being changed; afterwards every search row must equal what grain state says.
/// </summary>
public sealed class SearchCrashTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Killing_the_silo_mid_writes_leaves_the_search_read_model_equal_to_grain_state()
    {
        await using var database = await TestDatabase.CreateAsync("searchcrash");
        const string ClusterId = "search-crash-test";
        var silo = ProcessHost.StartSilo("silo-1", database.ConnectionString, ClusterId);
        await using var web = ProcessHost.StartWebHost("web-1", database.ConnectionString, ClusterId);
        await silo.WaitReadyAsync(StartTimeout);
        await web.WaitReadyAsync(StartTimeout);
        using var http = new HttpClient { BaseAddress = web.BaseAddress, Timeout = TimeSpan.FromSeconds(15) };
        var sellerId = await http.CreateStoreAsync();
        var products = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            products.Add(await http.CreateProductAsync(sellerId, Product($"Producto {i}", stock: 5)));
        }

        using var stop = new CancellationTokenSource();
        var succeeded = 0;
        var writers = products.Select((productId, i) => Task.Run(async () =>
        {
            for (var round = 0; round < 2_000 && !stop.IsCancellationRequested; round++)
            {
                try
                {
                    using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/products/{productId}")
                    {
                        Content = JsonContent.Create(Product($"Producto {i} edición {round}", stock: 5)),
                    };
                    put.Headers.IfMatch.Add(EntityTagHeaderValue.Any);
                    var edited = await http.SendAsync(put);
                    var stocked = await http.PutAsJsonAsync($"/api/products/{productId}/stock",
                        new { items = new[] { new { sku = "A", onHand = round % 2 * 5 } } });
                    if (edited.IsSuccessStatusCode && stocked.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref succeeded);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // The silo is down for a while; writes fail and are tried again.
                }
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(3));
        var before = Volatile.Read(ref succeeded);
        await silo.KillAsync();
        await silo.DisposeAsync();
        await using var replacement = ProcessHost.StartSilo("silo-2", database.ConnectionString, ClusterId);
        await replacement.WaitReadyAsync(StartTimeout);
        await Task.Delay(TimeSpan.FromSeconds(4));
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        Assert.True(before > 0 && succeeded > before, $"writes before the kill: {before}, in all: {succeeded}");
        var mismatches = await database.ScalarAsync<string>("""
            SELECT string_agg(g.grain_key, ', ')
            FROM grain_states g
                 CROSS JOIN LATERAL (SELECT g.payload::jsonb AS p) j
                 LEFT JOIN search_products s ON s.product_id = g.grain_key
            WHERE g.grain_type = 'product'
              AND (s.product_id IS NULL
                   OR s.title <> p ->> 'Title'
                   OR s.state_version <> g.version
                   OR s.in_stock <> EXISTS (SELECT 1 FROM inventory_skus i
                                            WHERE i.product_id = g.grain_key AND i.on_hand > i.reserved))
            """);
        Assert.Null(mismatches);
        Assert.Equal(products.Count, await database.ScalarAsync<long>("SELECT count(*) FROM search_products"));

        // And the web host's in-memory index, which follows the table, answers exactly what the table holds.
        var expected = await database.ScalarAsync<string>(
            "SELECT string_agg(product_id || '|' || title || '|' || in_stock, E'\\n' ORDER BY product_id COLLATE \"C\") FROM search_products");
        var answered = "";
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (answered != expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            var result = await http.GetFromJsonAsync<JsonElement>($"/api/search?sellerId={sellerId}&pageSize=100");
            answered = string.Join('\n', result.GetProperty("items").EnumerateArray()
                .Select(i => $"{i.GetProperty("productId").GetString()}|{i.GetProperty("title").GetString()}|{(i.GetProperty("inStock").GetBoolean() ? "true" : "false")}")
                .Order(StringComparer.Ordinal));
        }

        Assert.Equal(expected, answered);
    }

    private static object Product(string title, int stock) => new
    {
        title,
        category = "coffee",
        currency = "CLP",
        price = 8990,
        status = "published",
        variants = new object[] { new { sku = "A", stock } },
    };
}
