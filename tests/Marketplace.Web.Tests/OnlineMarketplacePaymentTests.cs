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

/// <summary>Payment outcomes behind an /om checkout: approved, declined, and a charge whose answer was lost.</summary>
[Collection(OnlineMarketplaceCollection.Name)]
public sealed class OnlineMarketplacePaymentTests(OnlineMarketplaceFixture fixture) : OnlineMarketplaceScenario(fixture)
{
    [Fact]
    public async Task A_card_number_of_twenty_digits_as_the_driver_generates_is_approved_and_the_items_are_bought()
    {
        using var http = Fixture.CreateClient();
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
        using var http = Fixture.CreateClient();
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
        using var http = Fixture.CreateClient();
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
}
