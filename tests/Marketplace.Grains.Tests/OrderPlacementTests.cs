using Marketplace.Contracts.Common;
using Marketplace.Contracts.Inventory;
using Marketplace.Contracts.Orders;
using Marketplace.Grains.Orders;

namespace Marketplace.Grains.Tests;

/// <summary>Placing an order as decisions, without a cluster: what a request may hold, holds, replays and the order opened.</summary>
public sealed class OrderPlacementTests
{
    private const string OrderId = "ord_0123456789abcdef0123456789";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly PostalAddress Address = new("Ana", "Calle 1", "Santiago", null, "CL", null, null);
    private static readonly OrderLine Coffee = new("prd_1", "A", "Café", 2, 8990, 500);
    private static readonly OrderLine Mug = new("prd_2", "B", "Taza", 1, 4990, 300);

    [Fact]
    public void A_request_needs_an_order_id_some_distinct_lines_within_bounds_and_a_known_currency()
    {
        OrderPlacement.Validate(OrderId, Request(Coffee, Mug));

        Assert.Equal(["orderId"], Errors(() => OrderPlacement.Validate("123", Request(Coffee))));
        Assert.Equal(["lines"], Errors(() => OrderPlacement.Validate(OrderId, Request())));
        Assert.Equal(["lines"], Errors(() => OrderPlacement.Validate(OrderId, Request(Coffee, Coffee with { Quantity = 1 }))));
        Assert.Equal(["lines"], Errors(() => OrderPlacement.Validate(OrderId, Request(Coffee with { Quantity = 0 }))));
        Assert.Equal(["lines"], Errors(() => OrderPlacement.Validate(OrderId, Request(Coffee with { Freight = OrderPlacement.MaxShippingCost + 1 }))));
        Assert.Equal(["lines"], Errors(() => OrderPlacement.Validate(OrderId, Request([.. Enumerable.Range(0, OrderPlacement.MaxLines + 1).Select(i => Coffee with { Sku = $"S{i}" })]))));
        Assert.Equal(["currency"], Errors(() => OrderPlacement.Validate(OrderId, Request(Coffee) with { Currency = "XXX" })));
    }

    [Fact]
    public void Notes_and_reasons_are_bounded_and_storable()
    {
        OrderPlacement.RequireText("reason", null, required: false);
        OrderPlacement.RequireText("reason", new string('x', OrderPlacement.MaxTextLength), required: true);

        Assert.Equal(["reason"], Errors(() => OrderPlacement.RequireText("reason", " ", required: true)));
        Assert.Equal(["note"], Errors(() => OrderPlacement.RequireText("note", new string('x', OrderPlacement.MaxTextLength + 1), required: false)));
        Assert.Equal(["note"], Errors(() => OrderPlacement.RequireText("note", "a\0b", required: false)));
    }

    [Fact]
    public void Holds_outlive_the_longest_the_order_can_wait()
    {
        var options = new OrderOptions { ConfirmationTimeout = TimeSpan.FromHours(48), PaymentTimeout = TimeSpan.FromMinutes(30), HoldMargin = TimeSpan.FromMinutes(10) };

        Assert.Equal(Now + TimeSpan.FromMinutes(40), OrderPlacement.HoldUntil(Request(Coffee), Now, options));
        Assert.Equal(Now + TimeSpan.FromHours(48) + TimeSpan.FromMinutes(40),
            OrderPlacement.HoldUntil(Request(Coffee) with { RequiresConfirmation = true }, Now, options));
    }

    [Fact]
    public void Lines_are_sorted_into_held_and_short_and_short_ones_refuse_the_order_unless_the_buyer_takes_what_there_is()
    {
        var request = Request(Coffee, Mug);
        var (held, shortLines) = OrderPlacement.Sort(request.Lines,
            [new ReservationResult(OrderId, ReservationStatus.Held, 2, 3, Now), new ReservationResult(OrderId, ReservationStatus.Refused, 0, -1, null)]);

        Assert.Equal([Coffee], held);
        Assert.Equal([new ShortLine("prd_2", "B", 1, 0)], shortLines);
        Assert.True(OrderPlacement.IsRefused(request, held.Count, shortLines.Count));
        Assert.False(OrderPlacement.IsRefused(request with { TakeWhatIsAvailable = true }, held.Count, shortLines.Count));
        Assert.True(OrderPlacement.IsRefused(request with { TakeWhatIsAvailable = true }, 0, 2));
        Assert.False(OrderPlacement.IsRefused(request, 2, 0));
    }

    [Fact]
    public void An_order_opens_with_the_held_lines_their_totals_and_freight()
    {
        var order = new OrderState();

        OrderPlacement.Open(order, Request(Coffee, Mug) with { Note = "Door" }, [Coffee], [800], 0, Now);

        Assert.Equal((true, "usr_b", "sel_s", OrderStatus.Placed, 17_980L, 500L, 18_480L, "fp"),
            (order.Created, order.BuyerId, order.SellerId, order.Status, order.Subtotal, order.ShippingCost, order.Total, order.CheckoutFingerprint));
        Assert.Equal([Coffee], order.Lines);
        Assert.Equal(new OrderTimelineEntry(OrderStatus.Placed, Now, null), Assert.Single(order.Timeline));
    }

    [Fact]
    public void A_replay_answers_the_lines_left_out_again_for_the_same_buyer_and_request_only()
    {
        var order = new OrderState();
        var request = Request(Coffee, Mug);
        OrderPlacement.Open(order, request, [Coffee], [800], 0, Now);

        Assert.Equal([new ShortLine("prd_2", "B", 1, 0)], OrderPlacement.Replay(order, request));
        Assert.Equal("not-the-buyer", Assert.Throws<DomainException>(() => OrderPlacement.Replay(order, request with { BuyerId = "usr_x" })).Code);
        Assert.Equal(DomainErrorKind.IdempotencyMismatch,
            Assert.Throws<DomainException>(() => OrderPlacement.Replay(order, request with { CheckoutFingerprint = "other" })).Kind);
    }

    [Fact]
    public void A_quoted_shipping_cost_replaces_the_freight_in_the_total()
    {
        var order = new OrderState();
        OrderPlacement.Open(order, Request(Coffee), [Coffee], [800], 0, Now);

        OrderPlacement.Quote(order, null);
        Assert.Equal(18_480, order.Total);
        OrderPlacement.Quote(order, 1_000);
        Assert.Equal((1_000L, 18_980L), (order.ShippingCost, order.Total));
        Assert.Equal(["shippingCost"], Errors(() => OrderPlacement.RequireShippingCost(-1)));
        Assert.Equal(["shippingCost"], Errors(() => OrderPlacement.RequireShippingCost(OrderPlacement.MaxShippingCost + 1)));
    }

    [Fact]
    public void Tax_included_in_the_prices_is_shown_and_leaves_the_total_alone()
    {
        var order = new OrderState();

        OrderPlacement.Open(order, Request(Coffee, Mug) with { TaxRatePpm = 190_000 }, [Coffee, Mug], [800, 800], 190_000, Now);

        // 17,980 × 19/119 = 2,870.76 → 2,871; 4,990 × 19/119 = 796.72 → 797.
        Assert.Equal([2_871L, 797L], order.LineTaxes);
        Assert.Equal((3_668L, 22_970L + 800L), (order.Tax, order.Total));
    }

    [Fact]
    public void Tax_excluded_from_the_prices_is_added_to_the_total_and_a_quote_keeps_it()
    {
        var order = new OrderState();

        OrderPlacement.Open(order, Request(Coffee) with { PricesIncludeTax = false }, [Coffee], [800], 72_500, Now);
        Assert.Equal((1_304L, 17_980L + 500L + 1_304L), (order.Tax, order.Total));

        OrderPlacement.Quote(order, 2_000);
        Assert.Equal(17_980L + 2_000L + 1_304L, order.Total);
    }

    private static PlaceOrderRequest Request(params OrderLine[] lines) =>
        new("usr_b", "sel_s", "Café Ana", "CLP", lines, Address, null, RequiresConfirmation: false, "fp");

    private static IEnumerable<string> Errors(Action action) => Assert.Throws<DomainException>(action).Errors!.Keys;
}
