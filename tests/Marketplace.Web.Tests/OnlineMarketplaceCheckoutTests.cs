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

/// <summary>Checkouts under /om as the driver sends them: what is bought, what is dropped, and replays.</summary>
[Collection(OnlineMarketplaceCollection.Name)]
public sealed class OnlineMarketplaceCheckoutTests(OnlineMarketplaceFixture fixture) : OnlineMarketplaceScenario(fixture)
{
    [Fact]
    public async Task A_session_buys_what_is_current_and_drops_an_item_whose_product_moved_to_a_new_version()
    {
        using var http = Fixture.CreateClient();
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
        using var http = Fixture.CreateClient();
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
        using var http = Fixture.CreateClient();
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
    public async Task After_a_reset_a_reused_transaction_id_is_a_new_checkout_not_a_replay_of_the_previous_run()
    {
        using var http = Fixture.CreateClient();
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
}
