using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.OnlineMarketplace.Contracts;
using Marketplace.ServiceDefaults;
using Marketplace.ServiceDefaults.Modules;
using Marketplace.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Web.Tests;

/// <summary>The benchmark's HTTP contract under /om, driven as its driver drives it: ingestion, dashboards, reset, refusals and the module switch.</summary>
[Collection(OnlineMarketplaceCollection.Name)]
public sealed class OnlineMarketplaceTests(OnlineMarketplaceFixture fixture) : OnlineMarketplaceScenario(fixture)
{
    [Fact]
    public async Task Ingestion_in_any_order_and_concurrently_builds_stores_products_stock_and_shoppers()
    {
        using var http = Fixture.CreateClient();
        var first = Fixture.NewSellerIds(4);
        var rows = Dataset(first, sellers: 4, productsPerSeller: 5, customers: []).ToList();
        // Stock and products before their sellers, all tables interleaved, eight at a time.
        Random.Shared.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows));
        await Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (row, _) =>
        {
            using var response = await SendAsync(http, HttpMethod.Post, row.Path, row.Body);
            Assert.True(response.IsSuccessStatusCode, $"{row.Path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        });

        using var shopper = Fixture.CreateClient();
        for (var s = first; s < first + 4; s++)
        {
            var store = await shopper.GetFromJsonAsync<JsonElement>($"/api/sellers/{OmKeys.SellerId(s)}");
            Assert.Equal($"Loja {s}", store.GetProperty("name").GetString());
            Assert.False(store.GetProperty("requiresConfirmation").GetBoolean());
            for (var p = 1; p <= 5; p++)
            {
                var product = await shopper.GetFromJsonAsync<JsonElement>($"/api/products/{OmKeys.ProductId(s, p)}");
                Assert.Equal($"Produto {s}-{p}", product.GetProperty("title").GetString());
                Assert.Equal("BRL", product.GetProperty("currency").GetString());
                Assert.Equal(PriceOf(s, p), product.GetProperty("price").GetInt64());
                Assert.Equal("published", product.GetProperty("status").GetString());
                Assert.Equal(Stock, product.GetProperty("variants")[0].GetProperty("available").GetInt32());
            }
        }

        // Ingesting the same row again changes nothing and still succeeds.
        foreach (var row in rows.Take(6))
        {
            using var again = await SendAsync(http, HttpMethod.Post, row.Path, row.Body);
            Assert.True(again.IsSuccessStatusCode);
        }
    }

    [Fact]
    public async Task Dashboards_always_add_up_to_their_entries_while_checkouts_and_deliveries_run_and_delivery_ends_every_order()
    {
        using var http = Fixture.CreateClient();
        const int customers = 6;
        var (seller, firstCustomer) = await IngestAsync(http, sellers: 2, customers: customers);
        var snapshots = 0;
        var orders = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();

        var shoppers = Enumerable.Range(firstCustomer, customers).Select(async customer =>
        {
            for (var session = 0; session < 4; session++)
            {
                await AddAsync(http, customer, seller + session % 2, 1 + (customer + session) % 5, quantity: 1 + session % 3);
                await AddAsync(http, customer, seller, 1 + (customer + session + 2) % 5, quantity: 1);
                var outcome = await CheckoutJsonAsync(http, customer, $"tx-{customer}-{session}-{Guid.NewGuid():N}");
                foreach (var order in outcome.GetProperty("orderIds").EnumerateArray())
                {
                    orders.Add(order.GetString()!);
                }
            }
        }).ToList();
        // Two delivery steps at a time, as the driver sends them: each claims what it delivers.
        var deliveries = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var delivered = await http.PatchAsync($"/om/shipment/{Guid.NewGuid():N}", null);
                Assert.Equal(HttpStatusCode.Accepted, delivered.StatusCode);
                await Task.Delay(30);
            }
        })).ToList();
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var s in new[] { seller, seller + 1 })
                {
                    AssertAddsUp(s, await http.GetFromJsonAsync<JsonElement>($"/om/seller/dashboard/{s}"));
                    Interlocked.Increment(ref snapshots);
                }
            }
        });

        await Task.WhenAll(shoppers);
        await stop.CancelAsync();
        await Task.WhenAll([.. deliveries, reader]);
        Assert.True(snapshots > 10, $"only {snapshots} dashboard reads");

        // Delivery steps until nothing is open: every order ends delivered and leaves the dashboards.
        var steps = 0;
        while ((await (await http.PatchAsync($"/om/shipment/final-{steps}", null)).Content.ReadFromJsonAsync<JsonElement>())
               .GetProperty("delivered").GetInt32() > 0)
        {
            Assert.True(++steps < 200, "delivery did not run dry");
        }

        foreach (var s in new[] { seller, seller + 1 })
        {
            var dashboard = await http.GetFromJsonAsync<JsonElement>($"/om/seller/dashboard/{s}");
            Assert.Equal(0, dashboard.GetProperty("orderEntries").GetArrayLength());
            Assert.Equal(0, dashboard.GetProperty("sellerView").GetProperty("count_orders").GetInt32());
        }

        Assert.NotEmpty(orders);
        using var admin = await AdminAsync();
        foreach (var orderId in orders)
        {
            var order = await admin.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}");
            Assert.Equal("delivered", order.GetProperty("status").GetString());
        }

    }

    [Fact]
    public async Task A_reset_puts_stock_back_and_empties_carts_and_dashboards()
    {
        using var http = Fixture.CreateClient();
        var (seller, customer) = await IngestAsync(http);
        await AddAsync(http, customer, seller, 1, quantity: 5);
        await CheckoutJsonAsync(http, customer, "tx-" + Guid.NewGuid().ToString("N"));
        await AddAsync(http, customer, seller, 2, quantity: 1);
        Assert.Equal(Stock - 5, await AvailableAsync(http, seller, 1));
        Assert.NotEqual(0, (await http.GetFromJsonAsync<JsonElement>($"/om/seller/dashboard/{seller}")).GetProperty("orderEntries").GetArrayLength());

        using var reset = await http.PatchAsync("/om/reset", null);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);

        Assert.Equal(Stock, await AvailableAsync(http, seller, 1));
        Assert.Equal(0, (await http.GetFromJsonAsync<JsonElement>($"/om/seller/dashboard/{seller}")).GetProperty("orderEntries").GetArrayLength());
        var afterReset = await CheckoutJsonAsync(http, customer, "tx-" + Guid.NewGuid().ToString("N"));
        Assert.Equal(0, afterReset.GetProperty("orderIds").GetArrayLength());
    }

    [Fact]
    public async Task Bad_input_is_refused_with_problem_details_and_changes_nothing()
    {
        using var http = Fixture.CreateClient();
        var (seller, customer) = await IngestAsync(http);
        foreach (var (method, path, body) in new (HttpMethod, string, string)[]
                 {
                     (HttpMethod.Post, "/om/seller", "{\"id\": "),
                     (HttpMethod.Post, "/om/seller", "[1, 2]"),
                     (HttpMethod.Post, "/om/product", "{\"seller_id\": \"one\", \"product_id\": 1, \"price\": 1}"),
                     (HttpMethod.Post, "/om/product", "{\"seller_id\": 1, \"product_id\": 1}"),
                     (HttpMethod.Post, "/om/stock", "{\"seller_id\": 1, \"product_id\": 1, \"qty_available\": -5}"),
                     (HttpMethod.Post, "/om/stock", "{\"seller_id\": 1, \"product_id\": 1, \"qty_available\": 99999999999}"),
                     (HttpMethod.Patch, $"/om/cart/{customer}/add", $"{{\"SellerId\": {seller}, \"ProductId\": 1, \"Quantity\": 0, \"Version\": \"0\"}}"),
                     (HttpMethod.Patch, $"/om/cart/{customer}/add", $"{{\"SellerId\": {seller}, \"ProductId\": 1, \"Quantity\": 1.5, \"Version\": \"0\"}}"),
                     (HttpMethod.Post, $"/om/cart/{customer}/checkout", "{\"CustomerId\": 1, \"Street\": \"x\", \"City\": \"y\", \"CardNumber\": \"4111\"}"),
                     (HttpMethod.Patch, "/om/product", "{\"sellerId\": 1, \"productId\": 1, \"price\": \"cheap\"}"),
                 })
        {
            using var response = await SendAsync(http, method, path, body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        using (var notJson = await http.PostAsync("/om/seller", new StringContent("id=1", Encoding.UTF8, "text/plain")))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, notJson.StatusCode);
        }

        using (var unknown = await SendAsync(http, HttpMethod.Patch, $"/om/cart/{customer}/add", Item(seller, 999, 1, "0")))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        using (var noProduct = await SendAsync(http, HttpMethod.Patch, "/om/product", "{\"sellerId\": 1, \"productId\": 424242, \"price\": 3}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, noProduct.StatusCode);
        }

        Assert.Equal(Stock, await AvailableAsync(http, seller, 1));
        Assert.Equal(PriceOf(seller, 1), (await http.GetFromJsonAsync<JsonElement>($"/api/products/{OmKeys.ProductId(seller, 1)}")).GetProperty("price").GetInt64());
    }

    [Fact]
    public async Task The_module_is_not_there_when_off_and_refuses_to_run_in_production()
    {
        await using var off = new WebHostFactory(Fixture);
        using var http = off.CreateClient();
        using var response = await http.GetAsync("/om/seller/dashboard/1");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("module-off", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        using var ingest = await SendAsync(http, HttpMethod.Post, "/om/seller", SellerRow(1));
        Assert.Equal(HttpStatusCode.NotFound, ingest.StatusCode);

        var on = new ConfigurationBuilder().AddInMemoryCollection([new(BenchmarkModule.EnabledKey, "true")]).Build();
        Assert.Throws<InvalidOperationException>(() => BenchmarkModule.IsEnabled(on, new TestHostEnvironment(Environments.Production)));
        Assert.True(BenchmarkModule.IsEnabled(on, new TestHostEnvironment(Environments.Development)));
        Assert.False(BenchmarkModule.IsEnabled(new ConfigurationBuilder().Build(), new TestHostEnvironment(Environments.Production)));
    }

    [Fact]
    public void A_host_switched_on_whose_build_left_the_module_out_refuses_to_start_and_says_why()
    {
        var refusal = Assert.Throws<InvalidOperationException>(() =>
            ModuleLoader.Load<IWebModule>(new ServiceCollection(), "Marketplace.OnlineMarketplace.Absent", BenchmarkModule.EnabledKey));

        Assert.Contains("Marketplace.OnlineMarketplace.Absent.dll", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(BenchmarkModule.EnabledKey, refusal.Message, StringComparison.Ordinal);
    }
}
