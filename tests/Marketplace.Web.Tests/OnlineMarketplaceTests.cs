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

/// <summary>
/// The web host with the Online Marketplace benchmark module on, in front of silos with it on, and a carrier that
/// leaves delivery to the benchmark's delivery step (as <c>./marketplace up --om-compat</c> runs it).
/// </summary>
public sealed class OnlineMarketplaceFixture : WebHostFixture
{
    private int nextSeller;

    /// <summary>Seller ids not used by another test of this collection (the tests share one database).</summary>
    public int NewSellerIds(int count) => Interlocked.Add(ref nextSeller, count) - count + 1;

    protected override IReadOnlyDictionary<string, string> SandboxSettings => BenchmarkSandbox;

    protected override IEnumerable<KeyValuePair<string, string?>> SiloSettings => [new("OnlineMarketplace:Enabled", "true")];

    protected override async Task<WebHostFactory> StartHostAsync()
    {
        await StartAsync("om-benchmark");
        // Over real HTTP, so the sandbox's webhooks reach it (a capture whose answer was lost arrives only that way).
        var port = ProcessHost.FreePort();
        var factory = new WebHostFactory(this, new Dictionary<string, string>
        {
            ["OnlineMarketplace:Enabled"] = "true",
            ["Payments:WebhookSecret"] = TestSecrets.SandboxPaymentsWebhookSecret,
            ["Shipping:WebhookSecret"] = TestSecrets.SandboxShippingWebhookSecret,
            ["Marketplace:PublicUrl"] = $"http://127.0.0.1:{port}",
        });
        factory.UseKestrel(port);
        factory.StartServer();
        return factory;
    }
}

[CollectionDefinition(Name)]
public sealed class OnlineMarketplaceCollection : ICollectionFixture<OnlineMarketplaceFixture>
{
    public const string Name = "online marketplace benchmark";
}

/// <summary>The benchmark's HTTP contract under /om, driven as its driver drives it: raw JSON in the driver's casing.</summary>
[Collection(OnlineMarketplaceCollection.Name)]
public sealed class OnlineMarketplaceTests(OnlineMarketplaceFixture fixture)
{
    private const int Stock = 50;

    [Fact]
    public async Task Ingestion_in_any_order_and_concurrently_builds_stores_products_stock_and_shoppers()
    {
        using var http = fixture.CreateClient();
        var first = fixture.NewSellerIds(4);
        var rows = Dataset(first, sellers: 4, productsPerSeller: 5, customers: []).ToList();
        // Stock and products before their sellers, all tables interleaved, eight at a time.
        Random.Shared.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows));
        await Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (row, _) =>
        {
            using var response = await SendAsync(http, HttpMethod.Post, row.Path, row.Body);
            Assert.True(response.IsSuccessStatusCode, $"{row.Path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        });

        using var shopper = fixture.CreateClient();
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
    public async Task A_session_buys_what_is_current_and_drops_an_item_whose_product_moved_to_a_new_version()
    {
        using var http = fixture.CreateClient();
        var (seller, customer) = await IngestAsync(http);
        await AddAsync(http, customer, seller, 1, quantity: 2);
        await AddAsync(http, customer, seller, 2, quantity: 3);
        // The product update lands between the add and the checkout: the cart's item is of version "0".
        using (var update = await SendAsync(http, HttpMethod.Put, "/om/product", ProductRow(seller, 2, version: "4242")))
        {
            Assert.Equal(HttpStatusCode.Accepted, update.StatusCode);
        }

        var outcome = await CheckoutJsonAsync(http, customer, "tx-" + Guid.NewGuid().ToString("N"));
        Assert.Single(outcome.GetProperty("orderIds").EnumerateArray());
        var bought = Assert.Single(outcome.GetProperty("items").EnumerateArray());
        Assert.Equal(1, bought.GetProperty("productId").GetInt32());
        var dropped = Assert.Single(outcome.GetProperty("dropped").EnumerateArray());
        Assert.Equal(2, dropped.GetProperty("productId").GetInt32());

        Assert.Equal(Stock - 2, await AvailableAsync(http, seller, 1));
        Assert.Equal(Stock, await AvailableAsync(http, seller, 2));
        var history = await http.GetFromJsonAsync<JsonElement>($"/om/cart/{customer}/history/{outcome.GetProperty("instanceId").GetString()}");
        var item = Assert.Single(history.EnumerateArray());
        Assert.Equal(seller, item.GetProperty("SellerId").GetInt32());
        Assert.Equal(2, item.GetProperty("Quantity").GetInt32());
        Assert.Equal(0, (await http.GetFromJsonAsync<JsonElement>($"/om/cart/{customer}/history/unknown-tx")).GetArrayLength());

        // With the product's new version the next session buys it.
        await AddAsync(http, customer, seller, 2, quantity: 1, version: "4242");
        var next = await CheckoutJsonAsync(http, customer, "tx-" + Guid.NewGuid().ToString("N"));
        Assert.Single(next.GetProperty("items").EnumerateArray());
        Assert.Equal(Stock - 1, await AvailableAsync(http, seller, 2));
    }

    [Fact]
    public async Task An_item_short_of_stock_is_dropped_and_the_rest_of_its_store_is_bought()
    {
        using var http = fixture.CreateClient();
        var (seller, customer) = await IngestAsync(http);
        using (var stock = await SendAsync(http, HttpMethod.Post, "/om/stock", Json(new { seller_id = seller, product_id = 3, qty_available = 2, qty_reserved = 0 })))
        {
            Assert.Equal(HttpStatusCode.OK, stock.StatusCode);
        }

        await AddAsync(http, customer, seller, 3, quantity: 5);
        await AddAsync(http, customer, seller, 4, quantity: 1);
        var outcome = await CheckoutJsonAsync(http, customer, "tx-" + Guid.NewGuid().ToString("N"));

        // One order of the same store, with the line that could be reserved; the short one held nothing.
        var orderId = Assert.Single(outcome.GetProperty("orderIds").EnumerateArray()).GetString();
        Assert.Equal(4, Assert.Single(outcome.GetProperty("items").EnumerateArray()).GetProperty("productId").GetInt32());
        Assert.Equal(3, Assert.Single(outcome.GetProperty("dropped").EnumerateArray()).GetProperty("productId").GetInt32());
        Assert.Equal(2, await AvailableAsync(http, seller, 3));
        Assert.Equal(Stock - 1, await AvailableAsync(http, seller, 4));
        using var admin = await AdminAsync();
        var order = await admin.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}");
        var line = Assert.Single(order.GetProperty("lines").EnumerateArray());
        Assert.Equal(OmKeys.ProductId(seller, 4), line.GetProperty("productId").GetString());
        Assert.Equal(PriceOf(seller, 4) + 150, order.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task A_checkout_retried_with_the_same_instance_id_answers_the_same_orders_and_charges_and_reserves_once()
    {
        using var http = fixture.CreateClient();
        var (seller, customer) = await IngestAsync(http, sellers: 2);
        await AddAsync(http, customer, seller, 1, quantity: 4);
        await AddAsync(http, customer, seller + 1, 3, quantity: 1);
        var instanceId = "tx-" + Guid.NewGuid().ToString("N");

        var first = await CheckoutJsonAsync(http, customer, instanceId);
        var orders = first.GetProperty("orderIds").EnumerateArray().Select(o => o.GetString()!).Order().ToList();
        Assert.Equal(2, orders.Count);
        for (var retry = 0; retry < 2; retry++)
        {
            var again = await CheckoutJsonAsync(http, customer, instanceId);
            Assert.Equal(orders, again.GetProperty("orderIds").EnumerateArray().Select(o => o.GetString()!).Order().ToList());
        }

        Assert.Equal(Stock - 4, await AvailableAsync(http, seller, 1));
        Assert.Equal(Stock - 1, await AvailableAsync(http, seller + 1, 3));
        using var admin = await AdminAsync();
        foreach (var orderId in orders)
        {
            var order = await admin.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}");
            Assert.Equal("shipped", order.GetProperty("status").GetString());
            Assert.Equal("succeeded", order.GetProperty("payment").GetProperty("status").GetString());
            Assert.Equal(1, order.GetProperty("timeline").EnumerateArray().Count(e => e.GetProperty("status").GetString() == "paid"));
            // The total carries the items' freight (1.50 a line in this data set).
            var lines = order.GetProperty("lines").EnumerateArray().ToList();
            Assert.Equal(lines.Sum(l => l.GetProperty("unitPrice").GetInt64() * l.GetProperty("quantity").GetInt32()) + 150 * lines.Count,
                order.GetProperty("total").GetInt64());
        }

        // The cart was emptied: a checkout with a new id buys nothing.
        var empty = await CheckoutJsonAsync(http, customer, "tx-" + Guid.NewGuid().ToString("N"));
        Assert.Equal(0, empty.GetProperty("orderIds").GetArrayLength());
    }

    [Fact]
    public async Task A_card_number_of_twenty_digits_as_the_driver_generates_is_approved_and_the_items_are_bought()
    {
        using var http = fixture.CreateClient();
        var (seller, customer) = await IngestAsync(http);
        await AddAsync(http, customer, seller, 1, quantity: 3);

        using var response = await CheckoutAsync(http, customer, "tx-" + Guid.NewGuid().ToString("N"), "6570-6280-6989-0812-8461");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var orderId = Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("orderIds").EnumerateArray()).GetString()!;
        Assert.Equal(Stock - 3, await AvailableAsync(http, seller, 1));
        using var admin = await AdminAsync();
        var order = await admin.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}");
        Assert.Equal("shipped", order.GetProperty("status").GetString());
        Assert.Equal("succeeded", order.GetProperty("payment").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_declined_card_answers_402_and_leaves_cart_and_stock_as_they_were_so_a_later_checkout_buys_the_items()
    {
        using var http = fixture.CreateClient();
        var (seller, customer) = await IngestAsync(http, sellers: 2);
        await AddAsync(http, customer, seller, 1, quantity: 4);
        await AddAsync(http, customer, seller + 1, 2, quantity: 2);
        var instanceId = "tx-" + Guid.NewGuid().ToString("N");

        // The driver retries a failed checkout with the same id: each try is a new attempt, declined again.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var declined = await CheckoutAsync(http, customer, instanceId, DeclinedCard);
            Assert.Equal(HttpStatusCode.PaymentRequired, declined.StatusCode);
            Assert.Equal("card-declined", (await declined.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
            Assert.Equal(Stock, await AvailableAsync(http, seller, 1));
            Assert.Equal(Stock, await AvailableAsync(http, seller + 1, 2));
        }

        // Every order of the attempts is cancelled, none is left awaiting payment with the items.
        var statuses = await OrderStatusesAsync(customer);
        Assert.Equal(4, statuses.Count);
        Assert.All(statuses, s => Assert.Equal("cancelled", s));

        using var bought = await CheckoutAsync(http, customer, "tx-" + Guid.NewGuid().ToString("N"));
        Assert.Equal(HttpStatusCode.OK, bought.StatusCode);
        var answer = await bought.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, answer.GetProperty("orderIds").GetArrayLength());
        Assert.Equal(0, answer.GetProperty("dropped").GetArrayLength());
        Assert.Equal(Stock - 4, await AvailableAsync(http, seller, 1));
        Assert.Equal(Stock - 2, await AvailableAsync(http, seller + 1, 2));
    }

    [Fact]
    public async Task A_charge_whose_answer_is_lost_answers_503_its_late_capture_is_refunded_and_a_retry_with_the_same_id_buys()
    {
        using var http = fixture.CreateClient();
        var (seller, customer) = await IngestAsync(http);
        await AddAsync(http, customer, seller, 2, quantity: 5);
        var instanceId = "tx-" + Guid.NewGuid().ToString("N");

        using (var lost = await CheckoutAsync(http, customer, instanceId, LostAnswerCard))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, lost.StatusCode);
        }

        Assert.Equal(Stock, await AvailableAsync(http, seller, 2));
        var cancelled = Assert.Single(await OrderIdsAsync(customer));
        // The gateway did capture the money; its webhook finds the order cancelled, and the order gives the money back.
        using var admin = await AdminAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement order;
        while (true)
        {
            order = await admin.GetFromJsonAsync<JsonElement>($"/api/orders/{cancelled}");
            if (order.GetProperty("payment") is { ValueKind: JsonValueKind.Object } payment
                && payment.GetProperty("refundedAmount").GetInt64() == payment.GetProperty("amount").GetInt64())
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the late capture was not refunded: {order}");
            await Task.Delay(200);
        }

        Assert.Equal("cancelled", order.GetProperty("status").GetString());

        // Not a replay of the failed answer: the same transaction id pays again (with a card that answers) and buys.
        using var retried = await CheckoutAsync(http, customer, instanceId);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        var orderId = Assert.Single((await retried.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("orderIds").EnumerateArray()).GetString();
        Assert.NotEqual(cancelled, orderId);
        Assert.Equal(Stock - 5, await AvailableAsync(http, seller, 2));
    }

    [Fact]
    public async Task After_a_reset_a_reused_transaction_id_is_a_new_checkout_not_a_replay_of_the_previous_run()
    {
        using var http = fixture.CreateClient();
        var (seller, customer) = await IngestAsync(http);
        await AddAsync(http, customer, seller, 3, quantity: 1);
        var first = await CheckoutJsonAsync(http, customer, "1");
        var firstOrder = Assert.Single(first.GetProperty("orderIds").EnumerateArray()).GetString();

        using (var reset = await http.PatchAsync("/om/reset", null))
        {
            Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        }

        await AddAsync(http, customer, seller, 4, quantity: 2);
        var second = await CheckoutJsonAsync(http, customer, "1");
        var secondOrder = Assert.Single(second.GetProperty("orderIds").EnumerateArray()).GetString();
        Assert.NotEqual(firstOrder, secondOrder);
        Assert.Equal(4, Assert.Single(second.GetProperty("items").EnumerateArray()).GetProperty("productId").GetInt32());
        Assert.Equal(Stock - 2, await AvailableAsync(http, seller, 4));
    }

    [Fact]
    public async Task Dashboards_always_add_up_to_their_entries_while_checkouts_and_deliveries_run_and_delivery_ends_every_order()
    {
        using var http = fixture.CreateClient();
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
        using var http = fixture.CreateClient();
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
        using var http = fixture.CreateClient();
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
        await using var off = new WebHostFactory(fixture);
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

    private static void AssertAddsUp(int seller, JsonElement dashboard)
    {
        var view = dashboard.GetProperty("sellerView");
        var entries = dashboard.GetProperty("orderEntries").EnumerateArray().ToList();
        Assert.Equal(seller, view.GetProperty("seller_id").GetInt32());
        Assert.Equal(entries.Select(e => e.GetProperty("order_id").GetString()).Distinct().Count(), view.GetProperty("count_orders").GetInt32());
        Assert.Equal(entries.Sum(e => e.GetProperty("quantity").GetInt32()), view.GetProperty("count_items").GetInt32());
        Assert.Equal(entries.Sum(e => e.GetProperty("total_amount").GetDecimal()), view.GetProperty("total_amount").GetDecimal());
        Assert.Equal(entries.Sum(e => e.GetProperty("freight_value").GetDecimal()), view.GetProperty("total_freight").GetDecimal());
        Assert.Equal(entries.Sum(e => e.GetProperty("total_invoice").GetDecimal()), view.GetProperty("total_invoice").GetDecimal());
        Assert.All(entries, e => Assert.Contains(e.GetProperty("order_status").GetString(), new[] { "paid", "shipped" }));
    }

    /// <summary>Ingests fresh sellers (5 products each, <see cref="Stock"/> units) and customers; answers the first ids.</summary>
    private async Task<(int Seller, int Customer)> IngestAsync(HttpClient http, int sellers = 1, int customers = 1)
    {
        var first = fixture.NewSellerIds(Math.Max(sellers, customers));
        foreach (var row in Dataset(first, sellers, productsPerSeller: 5, customers: Enumerable.Range(first, customers)))
        {
            using var response = await SendAsync(http, HttpMethod.Post, row.Path, row.Body);
            Assert.True(response.IsSuccessStatusCode, $"{row.Path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return (first, first);
    }

    private static IEnumerable<(string Path, string Body)> Dataset(int firstSeller, int sellers, int productsPerSeller, IEnumerable<int> customers)
    {
        for (var s = firstSeller; s < firstSeller + sellers; s++)
        {
            yield return ("/om/seller", SellerRow(s));
            for (var p = 1; p <= productsPerSeller; p++)
            {
                yield return ("/om/product", ProductRow(s, p));
                yield return ("/om/stock", Json(new
                {
                    seller_id = s, product_id = p, qty_available = Stock, qty_reserved = 0, order_count = 0, ytd = 3, data = "lorem", version = "0",
                }));
            }
        }

        foreach (var c in customers)
        {
            yield return ("/om/customer", Json(new
            {
                id = c, first_name = "Ana", last_name = $"Cliente {c}", address = "Rua das Flores 12", complement = "ap 3",
                birth_date = "1990-01-01", zip_code = "01000-000", city = "São Paulo", state = "SP", card_number = "4111111111111111",
                card_security_number = "123", card_expiration = "1228", card_holder_name = "ANA", card_type = "VISA",
                success_payment_count = 0, failed_payment_count = 0, delivery_count = 0, abandoned_cart_count = 0, data = "",
            }));
        }
    }

    private static string SellerRow(int s) => Json(new
    {
        id = s, name = $"Loja {s}", company_name = $"Loja {s} Ltda", email = $"loja{s}@example.com", phone = "11 5555-0000",
        mobile_phone = "11 99999-0000", cpf = "123.456.789-00", cnpj = "12.345.678/0001-00", address = "Av. Paulista 1000",
        complement = "sala 1", city = "São Paulo", state = "SP", zip_code = "01310-100", order_count = 0,
    });

    private static string ProductRow(int s, int p, string version = "0") => Json(new
    {
        seller_id = s, product_id = p, name = $"Produto {s}-{p}", sku = $"SKU{s:D4}{p:D4}", category = "Health & Beauty",
        description = "Um produto.", price = PriceOf(s, p) / 100m, freight_value = 1.5m, version, status = "approved",
    });

    private static long PriceOf(int seller, int product) => 1000 + (seller % 50) * 100 + product * 7;

    private static string Item(int seller, int product, int quantity, string version) => Json(new
    {
        SellerId = seller, ProductId = product, ProductName = "x", UnitPrice = PriceOf(seller, product) / 100m, FreightValue = 1.5m,
        Quantity = quantity, Voucher = 0m, Version = version,
    });

    private static async Task AddAsync(HttpClient http, int customer, int seller, int product, int quantity, string version = "0")
    {
        using var response = await SendAsync(http, HttpMethod.Patch, $"/om/cart/{customer}/add", Item(seller, product, quantity, version));
        Assert.True(response.IsSuccessStatusCode, $"add: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<JsonElement> CheckoutJsonAsync(HttpClient http, int customer, string instanceId)
    {
        using var response = await CheckoutAsync(http, customer, instanceId);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"checkout: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static Task<HttpResponseMessage> CheckoutAsync(HttpClient http, int customer, string instanceId, string card = "4111111111111111") =>
        SendAsync(http, HttpMethod.Post, $"/om/cart/{customer}/checkout", Json(new
        {
            CustomerId = customer, FirstName = "Ana", LastName = "Cliente", Street = "Rua das Flores 12", Complement = "ap 3",
            City = "São Paulo", State = "SP", ZipCode = "01000-000", PaymentType = "CREDIT_CARD", CardNumber = card,
            CardHolderName = "ANA", CardExpiration = "1228", CardSecurityNumber = "123", CardBrand = "VISA", Installments = 2, instanceId,
        }));

    /// <summary>The sandbox's test cards (Sandbox PaymentsApi): always declined, and charged with the answer lost.</summary>
    private const string DeclinedCard = "4000000000000002";

    private const string LostAnswerCard = "4000000000000119";

    private async Task<List<string>> OrderIdsAsync(int customer) =>
        [.. (await OrdersOfAsync(customer)).Select(o => o.OrderId)];

    private async Task<List<string>> OrderStatusesAsync(int customer) =>
        [.. (await OrdersOfAsync(customer)).Select(o => o.Status)];

    private async Task<List<(string OrderId, string Status)>> OrdersOfAsync(int customer)
    {
        var orders = new List<(string, string)>();
        await using var command = fixture.Database.DataSource.CreateCommand(
            "SELECT order_id, status FROM order_listings WHERE buyer_id = $1 ORDER BY placed_at");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = OmKeys.CustomerUserId(customer) });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            orders.Add((reader.GetString(0), reader.GetString(1)));
        }

        return orders;
    }

    private static async Task<int> AvailableAsync(HttpClient http, int seller, int product) =>
        (await http.GetFromJsonAsync<JsonElement>($"/api/products/{OmKeys.ProductId(seller, product)}"))
        .GetProperty("variants")[0].GetProperty("available").GetInt32();

    private async Task<HttpClient> AdminAsync()
    {
        var http = fixture.CreateClient();
        http.UseToken(await http.LoginAsync(TestSecrets.AdminEmail, TestSecrets.AdminPassword));
        return http;
    }

    /// <summary>Exactly the property names given: the driver's casing, not the web defaults.</summary>
    private static string Json(object value) => JsonSerializer.Serialize(value);

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string json) =>
        http.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
}
