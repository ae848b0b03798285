namespace Marketplace.Contracts.Orders;

/// <summary>Where a parcel goes.</summary>
[GenerateSerializer, Immutable, Alias("mk.PostalAddress")]
public sealed record PostalAddress(
    [property: Id(0)] string Name,
    [property: Id(1)] string Line1,
    [property: Id(2)] string City,
    [property: Id(3)] string? Region,
    [property: Id(4)] string Country,
    [property: Id(5)] string? PostalCode,
    [property: Id(6)] string? Phone);

/// <summary>
/// One line of an order, at the unit price the buyer agreed to. <see cref="Freight"/> is the shipping charged for the
/// line when it was agreed at checkout (0 when the store prices shipping for the whole order, on acceptance).
/// </summary>
[GenerateSerializer, Immutable, Alias("mk.OrderLine")]
public sealed record OrderLine(
    [property: Id(0)] string ProductId,
    [property: Id(1)] string Sku,
    [property: Id(2)] string Title,
    [property: Id(3)] int Quantity,
    [property: Id(4)] long UnitPrice,
    [property: Id(5)] long Freight = 0,
    [property: Id(6)] string? Category = null)
{
    public long Total => UnitPrice * Quantity;
}

/// <summary>
/// What a checkout asks one seller's order to be. <see cref="CheckoutFingerprint"/> identifies the request. With
/// <see cref="TakeWhatIsAvailable"/> the lines that cannot be reserved are left out instead of refusing the order.
/// </summary>
[GenerateSerializer, Immutable, Alias("mk.PlaceOrderRequest")]
public sealed record PlaceOrderRequest(
    [property: Id(0)] string BuyerId,
    [property: Id(1)] string SellerId,
    [property: Id(2)] string SellerName,
    [property: Id(3)] string Currency,
    [property: Id(4)] IReadOnlyList<OrderLine> Lines,
    [property: Id(5)] PostalAddress ShippingAddress,
    [property: Id(6)] string? Note,
    [property: Id(7)] bool RequiresConfirmation,
    [property: Id(8)] string CheckoutFingerprint,
    [property: Id(9)] bool TakeWhatIsAvailable = false,
    [property: Id(10)] bool PricesIncludeTax = true,
    [property: Id(11)] int TaxRatePpm = 0,
    [property: Id(12)] Promotions.CouponTerms? Offer = null,
    [property: Id(13)] int ReturnWindowDays = 30);

/// <summary>
/// A discount fixed on an order when it was placed: the coupon (or automatic promotion) and what it took off the lines.
/// </summary>
[GenerateSerializer, Immutable, Alias("mk.OrderDiscount")]
public sealed record OrderDiscount(
    [property: Id(0)] string CouponId,
    [property: Id(1)] string Code,
    [property: Id(2)] bool Automatic,
    [property: Id(3)] string? Description,
    [property: Id(4)] long Amount);

/// <summary>A SKU that could not be reserved in full.</summary>
[GenerateSerializer, Immutable, Alias("mk.ShortLine")]
public sealed record ShortLine(
    [property: Id(0)] string ProductId,
    [property: Id(1)] string Sku,
    [property: Id(2)] int Requested,
    [property: Id(3)] int Available);

/// <summary>
/// The answer to placing an order: the order, or the lines that were short, or why its coupon could not be used (and
/// then nothing was held).
/// </summary>
[GenerateSerializer, Immutable, Alias("mk.PlaceOrderResult")]
public sealed record PlaceOrderResult(
    [property: Id(0)] OrderView? Order,
    [property: Id(1)] IReadOnlyList<ShortLine> Short,
    [property: Id(2)] string? CouponRefused = null);

[GenerateSerializer, Immutable, Alias("mk.OrderTimelineEntry")]
public sealed record OrderTimelineEntry(
    [property: Id(0)] OrderStatus Status,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string? Note);

/// <summary>One payment attempt at the gateway. <see cref="Status"/>: open, succeeded, failed.</summary>
[GenerateSerializer, Immutable, Alias("mk.OrderPayment")]
public sealed record OrderPayment(
    [property: Id(0)] string PaymentId,
    [property: Id(1)] string Status,
    [property: Id(2)] long Amount,
    [property: Id(3)] long RefundedAmount,
    [property: Id(4)] string? RedirectUrl);

/// <summary>A shipment at the carrier. <see cref="Status"/>: labelCreated, inTransit, delivered.</summary>
[GenerateSerializer, Immutable, Alias("mk.OrderShipment")]
public sealed record OrderShipment(
    [property: Id(0)] string ShipmentId,
    [property: Id(1)] string TrackingNumber,
    [property: Id(2)] string LabelUrl,
    [property: Id(3)] string Status);

/// <summary>
/// An order as its buyer and its seller see it. <see cref="Commission"/> (what the marketplace takes, in minor units:
/// fixed once the payment is captured, net of what refunds gave back) is shown to the store and admins only.
/// <see cref="Tax"/> is the tax of the lines, fixed at placement: part of the prices when <see cref="PricesIncludeTax"/>,
/// else added to the total. <see cref="Discounts"/> were taken off the lines at placement (<see cref="Discount"/> in all);
/// the total is the subtotal less the discount, plus shipping, plus the tax when prices exclude it.
/// </summary>
[GenerateSerializer, Immutable, Alias("mk.OrderView")]
public sealed record OrderView(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string SellerId,
    [property: Id(2)] string SellerName,
    [property: Id(3)] string BuyerId,
    [property: Id(4)] OrderStatus Status,
    [property: Id(5)] IReadOnlyList<OrderLine> Lines,
    [property: Id(6)] string Currency,
    [property: Id(7)] long Subtotal,
    [property: Id(8)] long ShippingCost,
    [property: Id(9)] long Total,
    [property: Id(10)] PostalAddress ShippingAddress,
    [property: Id(11)] string? Note,
    [property: Id(12)] DateTimeOffset PlacedAt,
    [property: Id(13)] DateTimeOffset? DecideBy,
    [property: Id(14)] IReadOnlyList<OrderTimelineEntry> Timeline,
    [property: Id(15)] OrderPayment? Payment,
    [property: Id(16)] OrderShipment? Shipment,
    [property: Id(17)] long RefundedAmount,
    [property: Id(18)] long? Commission = null,
    [property: Id(19)] long Tax = 0,
    [property: Id(20)] bool PricesIncludeTax = true,
    [property: Id(21)] IReadOnlyList<OrderDiscount>? Discounts = null,
    [property: Id(22)] long Discount = 0,
    [property: Id(23)] IReadOnlyList<OrderReturnView>? Returns = null,
    [property: Id(24)] DateTimeOffset? ReturnBy = null);

/// <summary>Where a return of delivered lines stands.</summary>
[GenerateSerializer, Alias("mk.ReturnStatus")]
public enum ReturnStatus
{
    /// <summary>The buyer asked; the store approves or rejects.</summary>
    Requested = 0,
    /// <summary>The store agreed: a return label was booked; the parcel is on its way back.</summary>
    Approved = 1,
    Rejected = 2,
    /// <summary>The carrier delivered the parcel to the store: the refund is decided and the units go back.</summary>
    Received = 3,
    /// <summary>The gateway gave the money back.</summary>
    Refunded = 4,
}

/// <summary>Units of one of the order's lines a return sends back.</summary>
[GenerateSerializer, Immutable, Alias("mk.ReturnLine")]
public sealed record ReturnLine(
    [property: Id(0)] string ProductId,
    [property: Id(1)] string Sku,
    [property: Id(2)] int Quantity);

/// <summary>
/// A return as buyer and store see it. <see cref="Refund"/>: what the buyer gets back, decided when the parcel arrives
/// (the lines' price less their share of the order's discount, with their tax where it was added, plus shipping if the
/// store chose to refund it).
/// </summary>
[GenerateSerializer, Immutable, Alias("mk.OrderReturnView")]
public sealed record OrderReturnView(
    [property: Id(0)] string ReturnId,
    [property: Id(1)] ReturnStatus Status,
    [property: Id(2)] IReadOnlyList<ReturnLine> Lines,
    [property: Id(3)] string Reason,
    [property: Id(4)] DateTimeOffset RequestedAt,
    [property: Id(5)] DateTimeOffset? DecidedAt,
    [property: Id(6)] string? Note,
    [property: Id(7)] string? TrackingNumber,
    [property: Id(8)] string? LabelUrl,
    [property: Id(9)] long? Refund,
    [property: Id(10)] bool RefundShipping,
    [property: Id(11)] bool WriteOff,
    [property: Id(12)] DateTimeOffset? ReceivedAt);

/// <summary>A card as the shopper hands it over; it travels to the provider and is not kept anywhere else.</summary>
[GenerateSerializer, Immutable, Alias("mk.CardDetails")]
public sealed record CardDetails(
    [property: Id(0)] string Number,
    [property: Id(1)] string? Brand,
    [property: Id(2)] string? Holder,
    [property: Id(3)] string? Expiry)
{
    /// <summary>What may be shown and stored: the brand and the last four digits.</summary>
    public string Masked => $"{Brand ?? "card"} {(Number.Length >= 4 ? Number[^4..] : Number)}";

    /// <summary>Never the number, even in logs.</summary>
    public override string ToString() => Masked;
}

/// <summary>Where to send the buyer to pay.</summary>
[GenerateSerializer, Immutable, Alias("mk.PaymentStart")]
public sealed record PaymentStart(
    [property: Id(0)] string PaymentId,
    [property: Id(1)] string RedirectUrl);

[GenerateSerializer, Alias("mk.PaymentEventKind")]
public enum PaymentEventKind
{
    Succeeded = 0,
    Failed = 1,
    RefundSucceeded = 2,
}

/// <summary>A payment provider's event, after the web host verified its signature.</summary>
[GenerateSerializer, Immutable, Alias("mk.PaymentEvent")]
public sealed record PaymentEvent(
    [property: Id(0)] string EventId,
    [property: Id(1)] PaymentEventKind Kind,
    [property: Id(2)] string PaymentId,
    [property: Id(3)] long Amount,
    [property: Id(4)] string Currency,
    [property: Id(5)] string? RefundId);

[GenerateSerializer, Alias("mk.ShipmentEventKind")]
public enum ShipmentEventKind
{
    InTransit = 0,
    Delivered = 1,
}

/// <summary>A carrier's tracking event, after the web host verified its signature.</summary>
[GenerateSerializer, Immutable, Alias("mk.ShipmentEvent")]
public sealed record ShipmentEvent(
    [property: Id(0)] string EventId,
    [property: Id(1)] ShipmentEventKind Kind,
    [property: Id(2)] string ShipmentId);

/// <summary>
/// One seller's order from one checkout: the saga of DESIGN.md §3. Keyed by order id. Every decision is stored before it
/// is answered and before its effects (stock, refunds) are carried out; effects are repeated until they are done.
/// </summary>
[Alias("mk.IOrderGrain")]
public interface IOrderGrain : IGrainWithStringKey
{
    /// <summary>
    /// Reserves every line all-or-nothing and creates the order, or answers the short lines holding nothing (with
    /// <see cref="PlaceOrderRequest.TakeWhatIsAvailable"/>: creates it with the lines that could be reserved and answers
    /// the others as short). Repeating it answers the order already placed. The caller must be the buyer.
    /// </summary>
    [Alias("Place")]
    Task<PlaceOrderResult> Place(PlaceOrderRequest request);

    /// <summary>The order, for its buyer, its store's staff or an admin.</summary>
    [Alias("Get")]
    Task<OrderView> Get();

    /// <summary>The seller accepts a quotation, optionally adding a shipping cost; the buyer may then pay.</summary>
    [Alias("Accept")]
    Task<OrderView> Accept(long? shippingCost);

    [Alias("Reject")]
    Task<OrderView> Reject(string reason);

    /// <summary>The buyer cancels before paying, or the seller before shipping (a paid order is refunded).</summary>
    [Alias("Cancel")]
    Task<OrderView> Cancel(string? reason);

    /// <summary>Opens (or answers the open) payment session at the gateway; the buyer only, while awaiting payment.</summary>
    [Alias("Pay")]
    Task<PaymentStart> Pay(string returnUrl, string webhookUrl);

    /// <summary>
    /// Charges the buyer's card for the order while it awaits payment and answers once the outcome is stored: paid (stock
    /// committed) or, declined, still awaiting payment with a 402-like refusal. The buyer only; repeating it after it
    /// was paid answers the paid order.
    /// </summary>
    [Alias("PayWithCard")]
    Task<OrderView> PayWithCard(CardDetails card, string webhookUrl);

    /// <summary>Books the shipment at the carrier; the seller only, once paid. Repeating it answers the same shipment.</summary>
    [Alias("Ship")]
    Task<OrderView> Ship(string webhookUrl);

    /// <summary>
    /// The buyer asks to return units of delivered lines, within the store's return window, with a reason. Answers the
    /// order and the return's id. The same <paramref name="idempotencyKey"/> again answers the same return.
    /// </summary>
    [Alias("RequestReturn")]
    Task<(OrderView Order, string ReturnId)> RequestReturn(IReadOnlyList<ReturnLine> lines, string reason, string? idempotencyKey = null);

    /// <summary>
    /// The store agrees to a requested return: a return label is booked with the carrier (its tracking reaches the
    /// webhook). <paramref name="refundShipping"/> adds the order's shipping to the refund; <paramref name="writeOff"/>
    /// keeps the units off the shelf when they come back (damaged). Repeating it changes nothing.
    /// </summary>
    [Alias("ApproveReturn")]
    Task<OrderView> ApproveReturn(string returnId, bool refundShipping, bool writeOff, string webhookUrl);

    /// <summary>The store turns a requested return down, saying why.</summary>
    [Alias("RejectReturn")]
    Task<OrderView> RejectReturn(string returnId, string reason);

    /// <summary>Applies a verified payment event once (by event id); answers after it is stored.</summary>
    [Alias("ApplyPaymentEvent")]
    Task ApplyPaymentEvent(PaymentEvent paymentEvent);

    /// <summary>Applies a verified tracking event once (by event id); answers after it is stored.</summary>
    [Alias("ApplyShipmentEvent")]
    Task ApplyShipmentEvent(ShipmentEvent shipmentEvent);

    /// <summary>
    /// Applies a deadline that passed and repeats any effect still pending; changes nothing otherwise. The sweeper calls
    /// it for orders whose activation may have died with a silo.
    /// </summary>
    [Alias("Wake")]
    Task Wake();
}

/// <summary>
/// Wakes, once per <c>Orders:ReminderPeriod</c>, every order the read model shows overdue (a deadline that passed) or
/// with an effect still pending. One durable reminder for all orders instead of one per order.
/// </summary>
[Alias("mk.IOrderSweeperGrain")]
public interface IOrderSweeperGrain : IGrainWithIntegerKey
{
    /// <summary>Makes sure the sweeper's reminder exists (every silo calls it at start-up).</summary>
    [Alias("Start")]
    Task Start();

    /// <summary>Sweeps now; answers how many orders it woke.</summary>
    [Alias("Sweep")]
    Task<int> Sweep();
}
