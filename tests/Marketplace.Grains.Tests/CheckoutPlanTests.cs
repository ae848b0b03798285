using Marketplace.Contracts.Cart;
using Marketplace.Contracts.Catalog;
using Marketplace.Contracts.Common;
using Marketplace.Contracts.Orders;
using Marketplace.Grains.Cart;
using Marketplace.Grains.Orders;

namespace Marketplace.Grains.Tests;

/// <summary>What a checkout does to a cart, without a cluster: parts per store, price rises, orders asked for, what is kept.</summary>
public sealed class CheckoutPlanTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly PostalAddress Address = new("Ana Pérez", "Av. Providencia 1234", "Santiago", "RM", "CL", "7500000", null);

    [Fact]
    public void Only_lines_for_sale_are_checked_out_one_part_per_store_and_currency()
    {
        var products = Products(
            Product("prd_a", "sel_1"), Product("prd_b", "sel_1"), Product("prd_usd", "sel_1", currency: "USD"), Product("prd_c", "sel_2"),
            Product("prd_draft", "sel_1", status: ProductStatus.Draft), Product("prd_suspended", "sel_3", sellerStatus: StoreStatus.Suspended));
        var lines = new[] { "prd_a", "prd_b", "prd_usd", "prd_c", "prd_draft", "prd_suspended", "prd_gone" }.Select(id => Line(id)).ToList();
        lines.Add(Line("prd_a", sku: "NO-SUCH-SKU"));

        var parts = CheckoutPlan.Parts(lines, products, sellerId: null);
        var onlySel2 = CheckoutPlan.Parts(lines, products, sellerId: "sel_2");

        Assert.Equal(["sel_1/CLP: prd_a prd_b", "sel_1/USD: prd_usd", "sel_2/CLP: prd_c"], parts.Select(Read));
        Assert.Equal(["sel_2/CLP: prd_c"], onlySel2.Select(Read));
    }

    [Fact]
    public void A_risen_price_refuses_the_stores_part_and_the_cart_then_shows_the_new_price()
    {
        var line = Line("prd_a", priceWhenAdded: 8990);
        var part = new CheckoutPart("sel_1", "CLP", [(line, Product("prd_a", "sel_1", price: 9990, version: 4))]);

        var refusal = CheckoutPlan.PriceRises(part, Request());

        Assert.Equal(("price-changed", "sel_1"), (refusal!.Code, refusal.SellerId));
        Assert.Equal([new PriceChange("prd_a", "A", 8990, 9990)], refusal.PriceChanges);
        Assert.Equal((9990L, 4), (line.PriceWhenAdded, line.ProductVersion));
        Assert.Null(CheckoutPlan.PriceRises(part, Request()));
    }

    [Fact]
    public void A_buyer_who_takes_what_there_is_pays_todays_price_and_a_lower_price_is_never_refused()
    {
        var risen = new CheckoutPart("sel_1", "CLP", [(Line("prd_a", priceWhenAdded: 8990), Product("prd_a", "sel_1", price: 9990))]);
        var fallen = new CheckoutPart("sel_1", "CLP", [(Line("prd_a", priceWhenAdded: 8990), Product("prd_a", "sel_1", price: 7990))]);

        Assert.Null(CheckoutPlan.PriceRises(risen, Request() with { Mode = CheckoutMode.TakeWhatIsAvailable }));
        Assert.Null(CheckoutPlan.PriceRises(fallen, Request()));
    }

    [Fact]
    public void A_part_asks_for_one_order_at_todays_prices_with_the_agreed_freight_under_an_id_derived_from_the_key()
    {
        var part = new CheckoutPart("sel_1", "CLP", [(Line("prd_a", quantity: 2), Product("prd_a", "sel_1", price: 7990))]);
        var request = Request() with { Freight = new Dictionary<string, long> { [GrainKeys.Sku("prd_a", "A")] = 150 } };

        var (orderId, order) = CheckoutPlan.Order("usr_b", part, new StoreProfile("sel_1", "Café Ana", null, true, "CLP", 1, 1, Now, Now, null,
            StoreContact.Empty, StoreStatus.Active, true), request);
        var (sameId, _) = CheckoutPlan.Order("usr_b", part, null, request);
        var (otherKey, unknownStore) = CheckoutPlan.Order("usr_b", part, null, request with { IdempotencyKey = "k2" });

        Assert.Equal(orderId, sameId);
        Assert.NotEqual(orderId, otherKey);
        Assert.True(GrainKeys.IsOrderId(orderId));
        Assert.Equal([new OrderLine("prd_a", "A", "Café prd_a", 2, 7990, 150, "coffee")], order.Lines);
        Assert.Equal(("Café Ana", true, false), (order.SellerName, order.RequiresConfirmation, order.TakeWhatIsAvailable));
        Assert.Equal(("Store of sel_1", false), (unknownStore.SellerName, unknownStore.RequiresConfirmation));
    }

    [Fact]
    public void Bought_lines_leave_the_cart_refused_ones_stay_and_the_answer_is_remembered_under_its_key()
    {
        var cart = new CartState { Lines = [Line("prd_a"), Line("prd_b")] };
        var parts = CheckoutPlan.Parts(cart.Lines, Products(Product("prd_a", "sel_1"), Product("prd_b", "sel_2")), null);
        var bought = Order("ord_1", "sel_1", "prd_a");
        var placements = new[]
        {
            CheckoutPlan.Placed(parts[0], new PlaceOrderResult(bought, [])),
            CheckoutPlan.Placed(parts[1], new PlaceOrderResult(null, [new ShortLine("prd_b", "A", 1, 0)])),
        };

        var result = CheckoutPlan.Settle(cart, parts, placements, Request(), Now);

        Assert.Equal(["ord_1"], result.Orders.Select(o => o.OrderId));
        Assert.Equal(("out-of-stock", "sel_2"), (result.Refused.Single().Code, result.Refused.Single().SellerId));
        Assert.Null(result.Dropped);
        Assert.Equal(["prd_b"], cart.Lines.Select(l => l.ProductId));
        var remembered = Assert.Single(cart.Checkouts);
        Assert.Equal(("k1", "fp", Now), (remembered.Key, remembered.Fingerprint, remembered.At));
        Assert.Equal(["ord_1"], remembered.OrderIds);
        Assert.Equal(result.Refused, remembered.Refused);
    }

    [Fact]
    public void A_buyer_who_takes_what_there_is_leaves_nothing_looked_at_in_the_cart_and_hears_what_was_dropped()
    {
        var cart = new CartState { Lines = [Line("prd_a"), Line("prd_b"), Line("prd_other_store")] };
        var parts = CheckoutPlan.Parts(cart.Lines, Products(Product("prd_a", "sel_1"), Product("prd_b", "sel_1"), Product("prd_other_store", "sel_2")), "sel_1");
        var dropped = new ShortLine("prd_b", "A", 1, 0);
        var placements = new[] { CheckoutPlan.Placed(parts[0], new PlaceOrderResult(Order("ord_1", "sel_1", "prd_a"), [dropped])) };

        var result = CheckoutPlan.Settle(cart, parts, placements, Request() with { Mode = CheckoutMode.TakeWhatIsAvailable }, Now);

        Assert.Equal([dropped], result.Dropped!);
        Assert.Equal(["prd_other_store"], cart.Lines.Select(l => l.ProductId));
        Assert.Equal([dropped], cart.Checkouts.Single().Dropped!);
    }

    [Fact]
    public void A_cart_remembers_its_latest_checkouts_only()
    {
        var cart = new CartState();
        for (var i = 0; i < CheckoutPlan.Memory + 3; i++)
        {
            CheckoutPlan.Settle(cart, [], [], Request() with { IdempotencyKey = $"k{i}" }, Now);
        }

        Assert.Equal(CheckoutPlan.Memory, cart.Checkouts.Count);
        Assert.Equal(("k3", $"k{CheckoutPlan.Memory + 2}"), (cart.Checkouts[0].Key, cart.Checkouts[^1].Key));
    }

    [Fact]
    public void The_address_and_note_are_checked_before_anything_is_reserved()
    {
        CheckoutPlan.Validate(Request());

        Assert.Contains("note", Errors(Request() with { Note = new string('x', OrderPlacement.MaxTextLength + 1) }));
        Assert.Contains("note", Errors(Request() with { Note = "a\0b" }));
        Assert.Contains(Errors(Request() with { ShippingAddress = Address with { Line1 = "" } }), k => k.StartsWith("shippingAddress", StringComparison.Ordinal));
    }

    private static IEnumerable<string> Errors(CheckoutRequest request) => Assert.Throws<DomainException>(() => CheckoutPlan.Validate(request)).Errors!.Keys;

    private static string Read(CheckoutPart part) => $"{part.SellerId}/{part.Currency}: {string.Join(' ', part.Lines.Select(x => x.Line.ProductId))}";

    private static CheckoutRequest Request() => new(null, Address, null, "k1", "fp");

    private static CartLineState Line(string productId, string sku = "A", int quantity = 1, long priceWhenAdded = 8990) =>
        new() { ProductId = productId, Sku = sku, Quantity = quantity, PriceWhenAdded = priceWhenAdded, Currency = "CLP", AddedAt = Now };

    private static Dictionary<string, ProductDetails> Products(params ProductDetails[] products) => products.ToDictionary(p => p.ProductId);

    private static ProductDetails Product(string productId, string sellerId, string currency = "CLP", long price = 8990, int version = 1,
        ProductStatus status = ProductStatus.Published, StoreStatus sellerStatus = StoreStatus.Active) => new(
        productId, sellerId, $"Store of {sellerId}", $"Café {productId}", null, "coffee", currency, price, status, version,
        [new VariantDetails("A", new Dictionary<string, string>(), price, 10, 10)], Now, Now, sellerStatus);

    private static OrderView Order(string orderId, string sellerId, string productId) => new(
        orderId, sellerId, $"Store of {sellerId}", "usr_b", OrderStatus.AwaitingPayment, [new OrderLine(productId, "A", "Café", 1, 8990)], "CLP",
        8990, 0, 8990, Address, null, Now, null, [], null, null, 0);
}
