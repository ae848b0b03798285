using System.Net;
using System.Security.Cryptography;
using System.Text;
using Marketplace.Contracts.Common;
using Marketplace.Contracts.Integrations;
using Marketplace.Contracts.Orders;
using Marketplace.Grains.Catalog;
using Marketplace.Grains.Integrations;
using Marketplace.Grains.Inventory;
using Marketplace.Grains.Orders;
using Marketplace.Grains.Questions;

namespace Marketplace.Grains.Tests;

public sealed class WebhookRulesTests
{
    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.8.9.10", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)] // a cloud's metadata service
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("8.8.8.8", true)]
    [InlineData("203.0.113.10", true)]
    [InlineData("2001:4860:4860::8888", true)]
    public void Only_public_addresses_are_public(string address, bool expected) =>
        Assert.Equal(expected, WebhookRules.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("https://erp.example.com/hooks", true, null)]
    [InlineData("http://erp.example.com/hooks", false, "url")] // plain HTTP only in development
    [InlineData("https://127.0.0.1/hooks", false, "url")]
    [InlineData("https://[::1]:8443/hooks", false, "url")]
    [InlineData("https://169.254.169.254/latest", false, "url")]
    [InlineData("https://user:pw@erp.example.com/", false, "url")]
    [InlineData("ftp://erp.example.com/", false, "url")]
    [InlineData("/relative", false, "url")]
    public void Production_endpoints_use_https_and_no_private_literal(string url, bool valid, string? field)
    {
        var errors = WebhookRules.Validate(new WebhookEndpointDraft(url, [WebhookEvents.OrderPaid], null), allowPrivateNetworks: false);
        Assert.Equal(valid, errors.Count == 0);
        if (field is not null)
        {
            Assert.True(errors.ContainsKey(field));
        }
    }

    [Fact]
    public void Development_accepts_plain_http_on_loopback_but_still_checks_events()
    {
        Assert.Empty(WebhookRules.Validate(new WebhookEndpointDraft("http://127.0.0.1:5000/hooks", [WebhookEvents.StockChanged], null), true));
        var errors = WebhookRules.Validate(new WebhookEndpointDraft("http://127.0.0.1:5000/hooks", ["stock.changed", "order.refunded"], null), true);
        Assert.Contains("order.refunded", errors["events"][0], StringComparison.Ordinal);
        Assert.True(WebhookRules.Validate(new WebhookEndpointDraft("http://127.0.0.1/", [], null), true).ContainsKey("events"));
    }

    [Fact]
    public void Normalized_events_follow_the_documented_order_once_each()
    {
        var draft = WebhookRules.Normalize(new WebhookEndpointDraft("https://x.example/", ["stock.changed", "order.paid", "stock.changed"], "  "));
        Assert.Equal(["order.paid", "stock.changed"], draft.Events);
        Assert.Null(draft.Description);
    }

    [Fact]
    public void The_signature_is_an_hmac_of_time_dot_body_with_each_signing_secret()
    {
        var body = Encoding.UTF8.GetBytes("""{"id":"evt_1","type":"order.paid"}""");
        var at = DateTimeOffset.FromUnixTimeSeconds(1_765_000_000);
        var header = WebhookRules.Signature(["whsec_new", "whsec_old"], at, body);

        var parts = header.Split(',');
        Assert.Equal("t=1765000000", parts[0]);
        string Expected(string secret) =>
            Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes("1765000000." + Encoding.UTF8.GetString(body))));
        Assert.Equal(["v1=" + Expected("whsec_new"), "v1=" + Expected("whsec_old")], parts[1..]);
    }

    [Fact]
    public void Retries_back_off_exponentially_up_to_the_maximum_and_stop_after_the_retry_period()
    {
        var options = new WebhookOptions { RetryBaseDelay = TimeSpan.FromSeconds(10), RetryMaxDelay = TimeSpan.FromHours(1), RetryFor = TimeSpan.FromDays(1) };
        Assert.Equal(
            [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600],
            Enumerable.Range(1, 11).Select(n => (int)WebhookRules.RetryDelay(n, options.RetryBaseDelay, options.RetryMaxDelay).TotalSeconds));

        var created = DateTimeOffset.Parse("2026-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(created.AddHours(2).AddSeconds(20), WebhookRules.NextAttempt(created, 2, created.AddHours(2), options));
        Assert.Null(WebhookRules.NextAttempt(created, 30, created.AddHours(23.5), options));
        Assert.False(WebhookRules.ShouldDisable(null, created.AddDays(5), TimeSpan.FromDays(1)));
        Assert.False(WebhookRules.ShouldDisable(created, created.AddHours(23), TimeSpan.FromDays(1)));
        Assert.True(WebhookRules.ShouldDisable(created, created.AddDays(1), TimeSpan.FromDays(1)));
    }

    [Fact]
    public void An_order_reports_placement_payment_shipment_and_an_end_once_each_with_stable_ids()
    {
        var at = DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var order = new OrderState
        {
            Created = true, SellerId = "sel_1", BuyerId = "usr_1", Currency = "CLP", Status = OrderStatus.Placed, PlacedAt = at, Total = 100,
            Lines = [new OrderLine("prd_1", "A", "Café", 2, 50)],
            Timeline = [new OrderTimelineEntry(OrderStatus.Placed, at, null), new OrderTimelineEntry(OrderStatus.AwaitingPayment, at, null)],
        };
        Assert.Equal([WebhookEvents.OrderPlaced], IntegrationEvents.OfOrder("ord_1", order, 1).Select(e => e.Kind));

        order.Timeline.Add(new OrderTimelineEntry(OrderStatus.Paid, at.AddMinutes(1), null));
        order.Timeline.Add(new OrderTimelineEntry(OrderStatus.Shipped, at.AddMinutes(2), null));
        order.Timeline.Add(new OrderTimelineEntry(OrderStatus.Shipped, at.AddMinutes(3), "in transit"));
        var events = IntegrationEvents.OfOrder("ord_1", order, 4);
        Assert.Equal([WebhookEvents.OrderPlaced, WebhookEvents.OrderPaid, WebhookEvents.OrderShipped], events.Select(e => e.Kind));
        Assert.Equal(IntegrationEvents.OfOrder("ord_1", order, 1)[0].EventId, events[0].EventId);
        Assert.All(events, e => Assert.Equal(("sel_1", "order:ord_1"), (e.StoreId, e.Resource)));

        var expired = new OrderState { Created = true, SellerId = "sel_1", PlacedAt = at, Timeline = [new(OrderStatus.Placed, at, null), new(OrderStatus.Expired, at, null)] };
        Assert.Equal([WebhookEvents.OrderPlaced, WebhookEvents.OrderCancelled], IntegrationEvents.OfOrder("ord_2", expired, 2).Select(e => e.Kind));
        Assert.Empty(IntegrationEvents.OfOrder("ord_3", new OrderState(), 0));
    }

    [Fact]
    public void A_product_is_created_at_its_first_version_and_updated_at_every_later_one()
    {
        var product = new ProductState { Created = true, SellerId = "sel_1", Title = "Té", Version = 1, Currency = "CLP", Price = 990 };
        var created = IntegrationEvents.OfProduct("prd_1", product)!;
        Assert.Equal((WebhookEvents.ProductCreated, 1L), (created.Kind, created.Version));
        product.Version = 2;
        var updated = IntegrationEvents.OfProduct("prd_1", product)!;
        Assert.Equal((WebhookEvents.ProductUpdated, "product:prd_1"), (updated.Kind, updated.Resource));
        Assert.NotEqual(created.EventId, updated.EventId);
        Assert.Equal(updated.EventId, IntegrationEvents.OfProduct("prd_1", product)!.EventId);
        Assert.Null(IntegrationEvents.OfProduct("prd_2", new ProductState()));
    }

    [Fact]
    public void Stock_and_questions_carry_what_a_receiver_needs()
    {
        var now = DateTimeOffset.UtcNow;
        var stock = IntegrationEvents.OfStock(new SkuCounters("prd_1/A", "prd_1", "A", "sel_1", 10, 0, 10, 3, 0, 7, now, now));
        Assert.Contains("\"available\":7", stock.Data, StringComparison.Ordinal);
        Assert.Equal("sku:prd_1/A", stock.Resource);

        var questions = new QuestionsState { SellerId = "sel_1", ProductTitle = "Té" };
        for (var i = 0; i < 8; i++)
        {
            questions.Questions.Add(new QuestionState { QuestionId = $"q{i}", Text = $"Question {i}?", AskedAt = now, Hidden = i == 7 });
        }

        // Each write adds one question: the newest few (hidden ones never) are enough to report each once.
        Assert.Equal(["q3", "q4", "q5", "q6"], IntegrationEvents.OfQuestions("prd_1", questions).Select(e => e.Resource["question:".Length..]));
    }
}

[Collection(ClusterCollection.Name)]
public sealed class WebhookEndpointGrainTests(ClusterFixture cluster)
{
    [Theory]
    [InlineData("https://localhost/hooks")]
    [InlineData("https://127.0.0.1/hooks")]
    [InlineData("http://203.0.113.10/hooks")]
    [InlineData("https://name-that-does-not-resolve.invalid/hooks")]
    public async Task Outside_development_private_plain_or_unresolvable_addresses_are_refused(string url)
    {
        var storeId = Samples.NewStoreOwnedByCaller();
        var endpoint = cluster.Client.GetGrain<IWebhookEndpointGrain>("whe_" + Guid.NewGuid().ToString("N"));
        var refused = await Assert.ThrowsAsync<DomainException>(() => endpoint.Create(storeId, new WebhookEndpointDraft(url, [WebhookEvents.OrderPaid], null)));
        Assert.Equal(DomainErrorKind.Validation, refused.Kind);
        Assert.True(refused.Errors!.ContainsKey("url"));
    }

    [Fact]
    public async Task Only_the_stores_staff_or_an_admin_add_its_endpoints_and_only_admins_add_the_marketplaces()
    {
        var storeId = Samples.NewStoreOwnedByCaller();
        var draft = new WebhookEndpointDraft("https://203.0.113.10/hooks", [WebhookEvents.OrderPaid], null);
        Samples.ActAs(Samples.SellerOf(GrainKeys.NewSellerId()));
        var other = await Assert.ThrowsAsync<DomainException>(() => cluster.Client.GetGrain<IWebhookEndpointGrain>("whe_" + Guid.NewGuid().ToString("N")).Create(storeId, draft));
        Assert.Equal(DomainErrorKind.Forbidden, other.Kind);
        var marketplace = await Assert.ThrowsAsync<DomainException>(() => cluster.Client.GetGrain<IWebhookEndpointGrain>("whe_" + Guid.NewGuid().ToString("N")).Create(null, draft));
        Assert.Equal(DomainErrorKind.Forbidden, marketplace.Kind);

        Samples.ActAs(Samples.Admin());
        var created = await cluster.Client.GetGrain<IWebhookEndpointGrain>("whe_" + Guid.NewGuid().ToString("N")).Create(storeId, draft);
        Assert.Equal(storeId, created.Endpoint.StoreId);
        await cluster.Client.GetGrain<IWebhookEndpointGrain>(created.Endpoint.Id).Delete();
    }
}
