using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Testing;

namespace Marketplace.System.Tests;

/// <summary>
/// DESIGN §4.6: a crash between a grain write and the read-model write loses nothing. The silo is killed (SIGKILL) while
/// products and stock are being changed and a new silo started; once writes succeed again, every search row must equal
/// what grain state says. Prints how long writes failed after the kill.
/// </summary>
public sealed class SearchCrashTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    /// <summary>How long after the replacement silo is ready writes may still fail.</summary>
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(60);

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
        var failed = 0;
        var writers = products.Select((productId, i) => Task.Run(async () =>
        {
            for (var round = 0; round < 2_000 && !stop.IsCancellationRequested; round++)
            {
                var wrote = false;
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
                    wrote = edited.IsSuccessStatusCode && stocked.IsSuccessStatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // The silo is down for a while; writes fail and are tried again.
                }

                if (wrote)
                {
                    Interlocked.Increment(ref succeeded);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                    // Failing writes are answered at once; without a pause they would use up the rounds before recovery.
                    await Task.Delay(100);
                }
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(3));
        var before = Volatile.Read(ref succeeded);
        var sinceKill = Stopwatch.StartNew();
        await silo.KillAsync();
        // Each writer may count one write answered just before the kill; a count above this means one answered after it.
        var answeredBeforeKill = Volatile.Read(ref succeeded) + products.Count;
        await silo.DisposeAsync();
        await using var replacement = ProcessHost.StartSilo("silo-2", database.ConnectionString, ClusterId);
        await replacement.WaitReadyAsync(StartTimeout);
        var ready = sinceKill.Elapsed;

        // Writes fail until the killed silo is declared dead, which can take longer than the replacement's start-up.
        while (Volatile.Read(ref succeeded) <= answeredBeforeKill && sinceKill.Elapsed < ready + Recovery && !writers.All(w => w.IsCompleted))
        {
            await Task.Delay(100);
        }

        var recovered = Volatile.Read(ref succeeded) > answeredBeforeKill;
        var recovery = sinceKill.Elapsed;
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        output.WriteLine($"writes: {before} before the kill, {succeeded} in all, {failed} failed; the replacement silo was ready " +
                         $"{ready.TotalSeconds:F1} s after the kill, " +
                         (recovered ? $"writes succeeded again {recovery.TotalSeconds:F1} s after it" : $"no write succeeded until {recovery.TotalSeconds:F1} s after it"));
        Assert.True(before > 0, "no write succeeded before the kill");
        Assert.True(recovered, $"no write succeeded within {Recovery.TotalSeconds:F0} s after the replacement silo was ready " +
                               $"(writes before the kill: {before}, in all: {succeeded}, failed: {failed})");
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
