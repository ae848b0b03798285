using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Marketplace.Contracts.Integrations;
using Marketplace.Contracts.Orders;
using Marketplace.Grains.Catalog;
using Marketplace.Grains.Inventory;
using Marketplace.Grains.Orders;
using Marketplace.Grains.Questions;
using Marketplace.Grains.Reviews;
using Marketplace.Grains.Storage;

namespace Marketplace.Grains.Integrations;

/// <summary>
/// A change an integrator can hear about, as stored in <c>integration_events</c>.
/// </summary>
/// <param name="EventId">Stable for the change it reports ("evt_" and a hash of its kind and source), so a receiver
/// de-duplicates by it and writing the same change twice stores one row.</param>
/// <param name="Resource">What it is about; deliveries of one resource keep their order.</param>
/// <param name="Version">The resource's version the event reports.</param>
/// <param name="Data">The event's body as JSON (camelCase).</param>
public sealed record IntegrationEvent(
    string EventId, string Kind, string StoreId, string Resource, long Version, DateTimeOffset At, string Data);

/// <summary>
/// What each kind of state tells integrators, as pure functions of the state: the same state always gives the same
/// events with the same ids, and a later state only adds to them.
/// </summary>
public static class IntegrationEvents
{
    /// <summary>Questions and reviews are added one per write; looking at the newest few is enough to see each once.</summary>
    internal const int NewestEntries = 5;

    private static readonly JsonSerializerOptions Json = CreateJson();

    /// <summary>The steps an integrator hears of: placement, payment, shipment, and the end of an order that won't go ahead.</summary>
    public static IReadOnlyList<IntegrationEvent> OfOrder(string orderId, OrderState order, int version)
    {
        if (!order.Created || order.Timeline.Count == 0)
        {
            return [];
        }

        var data = Serialize(OrderData.Of(orderId, order));
        var events = new List<IntegrationEvent>();
        var resource = "order:" + orderId;
        void Add(string kind, DateTimeOffset at) =>
            events.Add(new IntegrationEvent(Id(kind, orderId), kind, order.SellerId, resource, version, at, data));

        Add(WebhookEvents.OrderPlaced, order.PlacedAt);
        foreach (var entry in order.Timeline)
        {
            var kind = entry.Status switch
            {
                OrderStatus.Paid => WebhookEvents.OrderPaid,
                OrderStatus.Shipped => WebhookEvents.OrderShipped,
                OrderStatus.Cancelled or OrderStatus.Rejected or OrderStatus.Expired => WebhookEvents.OrderCancelled,
                _ => null,
            };
            if (kind is not null && events.TrueForAll(e => e.Kind != kind))
            {
                Add(kind, entry.At);
            }
        }

        return events;
    }

    /// <summary>A product at its version: "created" for its first, "updated" for every later one.</summary>
    public static IntegrationEvent? OfProduct(string productId, ProductState product)
    {
        if (!product.Created)
        {
            return null;
        }

        var kind = product.Version <= 1 ? WebhookEvents.ProductCreated : WebhookEvents.ProductUpdated;
        var data = new ProductData(productId, product.SellerId, product.Title, product.Description, product.Category,
            StateJson.Name(product.Status), product.Currency, product.Price,
            product.Variants.Select(v => new VariantData(v.Sku, v.Options, v.Price ?? product.Price)).ToList(),
            product.Images.Select(i => "/media/" + i.Key).ToList(), product.Version, product.UpdatedAt);
        return new IntegrationEvent(Id(kind, productId, product.Version), kind, product.SellerId, "product:" + productId,
            product.Version, product.UpdatedAt, Serialize(data));
    }

    /// <summary>A SKU's level after a write of its counters.</summary>
    public static IntegrationEvent OfStock(SkuCounters sku)
    {
        var data = new StockData(sku.ProductId, sku.Sku, sku.OnHand - sku.Reserved, sku.OnHand, sku.Version, sku.UpdatedAt);
        return new IntegrationEvent(Id(WebhookEvents.StockChanged, sku.SkuId, sku.Version), WebhookEvents.StockChanged, sku.SellerId,
            "sku:" + sku.SkuId, sku.Version, sku.UpdatedAt, Serialize(data));
    }

    public static IReadOnlyList<IntegrationEvent> OfQuestions(string productId, QuestionsState state) =>
        state.Questions.TakeLast(NewestEntries).Where(q => !q.Hidden)
            .Select(q => new IntegrationEvent(Id(WebhookEvents.QuestionAsked, q.QuestionId), WebhookEvents.QuestionAsked, state.SellerId,
                "question:" + q.QuestionId, 1, q.AskedAt,
                Serialize(new QuestionData(q.QuestionId, productId, state.ProductTitle, q.Text, q.AskedAt))))
            .ToList();

    public static IReadOnlyList<IntegrationEvent> OfReviews(string productId, ReviewsState state) =>
        state.Reviews.TakeLast(NewestEntries)
            .Select(r => new IntegrationEvent(Id(WebhookEvents.ReviewPosted, r.ReviewId), WebhookEvents.ReviewPosted, state.SellerId,
                "review:" + r.ReviewId, 1, r.CreatedAt,
                Serialize(new ReviewData(r.ReviewId, productId, state.ProductTitle, r.Sku, r.Rating, r.Text, r.CreatedAt))))
            .ToList();

    /// <summary>An opaque id that is the same whenever the same change is reported.</summary>
    internal static string Id(string kind, string source, long? version = null)
    {
        var text = version is { } v ? $"{kind}|{source}|{v}" : $"{kind}|{source}";
        return "evt_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16));
    }

    private static string Serialize<T>(T data) => JsonSerializer.Serialize(data, Json);

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.Never };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private sealed record OrderData(
        string OrderId, string StoreId, string Status, string Currency, long Subtotal, long ShippingCost, long Discount, long Tax, long Total,
        DateTimeOffset PlacedAt, IReadOnlyList<OrderLineData> Lines, PostalAddress? ShippingAddress, string? TrackingNumber)
    {
        public static OrderData Of(string orderId, OrderState o) => new(
            orderId, o.SellerId, StateJson.Name(o.Status), o.Currency, o.Subtotal, o.ShippingCost, o.Discount, o.Tax, o.Total, o.PlacedAt,
            o.Lines.Select(l => new OrderLineData(l.ProductId, l.Sku, l.Title, l.Quantity, l.UnitPrice)).ToList(), o.ShippingAddress,
            o.Shipment?.TrackingNumber);
    }

    private sealed record OrderLineData(string ProductId, string Sku, string Title, int Quantity, long UnitPrice);

    private sealed record ProductData(
        string ProductId, string StoreId, string Title, string? Description, string Category, string Status, string Currency, long Price,
        IReadOnlyList<VariantData> Variants, IReadOnlyList<string> Images, int Version, DateTimeOffset UpdatedAt);

    private sealed record VariantData(string Sku, IReadOnlyDictionary<string, string> Options, long Price);

    private sealed record StockData(string ProductId, string Sku, int Available, int OnHand, long Version, DateTimeOffset At);

    private sealed record QuestionData(string QuestionId, string ProductId, string ProductTitle, string Text, DateTimeOffset AskedAt);

    private sealed record ReviewData(
        string ReviewId, string ProductId, string ProductTitle, string Sku, int Rating, string Text, DateTimeOffset CreatedAt);
}
