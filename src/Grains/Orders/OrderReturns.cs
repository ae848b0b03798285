using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Realtime;

namespace Marketplace.Grains.Orders;

/// <summary>One return of an order, as the order stores it.</summary>
public sealed class ReturnState
{
    /// <summary>"r1", "r2"… within the order.</summary>
    public string ReturnId { get; set; } = "";

    /// <summary>The buyer's Idempotency-Key of the request, if it named one: the same key answers this return again.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Key { get; set; }

    public List<ReturnLine> Lines { get; set; } = [];

    public string Reason { get; set; } = "";

    public ReturnStatus Status { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>The store's reason when it rejected the return.</summary>
    public string? Note { get; set; }

    public bool RefundShipping { get; set; }

    public bool WriteOff { get; set; }

    /// <summary>The return label the carrier booked when the store approved.</summary>
    public ShipmentState? Shipment { get; set; }

    public DateTimeOffset? ReceivedAt { get; set; }

    /// <summary>What goes back to the buyer, decided when the parcel arrived.</summary>
    public long? Refund { get; set; }

    /// <summary>Whether <see cref="Refund"/> was handed to the captured payment's refund (one return's at a time).</summary>
    public bool RefundQueued { get; set; }

    /// <summary>The units are to go back to the inventory (on the shelf or written off); repeated until it confirms.</summary>
    public bool StockPending { get; set; }
}

/// <summary>
/// Returns of delivered lines, as decisions on an order's state (pure): what a buyer may send back and until when, the
/// store's answer, the carrier's arrival at the store, and the refund that follows. The order's status stays Delivered;
/// its returns carry their own. A refund is the returned units' price less their share of the order's discount, with
/// their share of the tax when it was added on top, shared by cumulative quantities so that returning every unit of a
/// line gives back exactly what the line cost; shipping only if the store chooses (once per order).
/// </summary>
public static class OrderReturns
{
    public const int MaxReturns = 20;

    /// <summary>The last moment a return may be asked for; null when the order was not delivered or its store takes none.</summary>
    public static DateTimeOffset? ReturnBy(OrderState order) =>
        order.ReturnWindowDays > 0 && order.Timeline.LastOrDefault(t => t.Status == OrderStatus.Delivered) is { } delivered
            ? delivered.At + TimeSpan.FromDays(order.ReturnWindowDays)
            : null;

    /// <summary>
    /// Opens a return of the buyer's lines (validated, each named by SKU and, when two lines share it, product); a
    /// request with the <paramref name="key"/> of an earlier one answers that one.
    /// </summary>
    public static ReturnState Request(OrderState order, IReadOnlyList<ReturnLine> asked, string reason, OrderTurn turn, string? key = null)
    {
        if (key is not null && order.Returns.FirstOrDefault(r => string.Equals(r.Key, key, StringComparison.Ordinal)) is { } earlier)
        {
            return earlier;
        }

        if (order.Status != OrderStatus.Delivered || order.CapturedPaymentId is null)
        {
            throw DomainException.Conflict("not-returnable", "Only a delivered, paid order can be returned.");
        }

        var by = ReturnBy(order);
        if (by is null || turn.Now > by)
        {
            throw DomainException.Conflict("return-window-closed", by is null
                ? "This store does not take returns."
                : $"Returns were possible until {by:yyyy-MM-dd}.");
        }

        if (order.Returns.Count >= MaxReturns)
        {
            throw DomainException.Conflict("too-many-returns", $"An order takes at most {MaxReturns} returns.");
        }

        OrderPlacement.RequireText("reason", reason, required: true);
        var lines = Resolve(order, asked);
        var ret = new ReturnState
        {
            ReturnId = "r" + (order.Returns.Count + 1), Key = key, Lines = lines, Reason = reason.Trim(), Status = ReturnStatus.Requested,
            RequestedAt = turn.Now,
        };
        order.Returns.Add(ret);
        Note(order, turn, $"Return {ret.ReturnId} requested: {ret.Reason}");
        return ret;
    }

    public static ReturnState Find(OrderState order, string returnId) =>
        order.Returns.FirstOrDefault(r => string.Equals(r.ReturnId, returnId, StringComparison.Ordinal)) ?? throw DomainException.NotFound("The return");

    /// <summary>Whether approving is still to do (false: already approved with a label, nothing to repeat).</summary>
    public static bool RequireRequested(ReturnState ret) => ret.Status switch
    {
        ReturnStatus.Requested => true,
        ReturnStatus.Approved or ReturnStatus.Received or ReturnStatus.Refunded => false,
        _ => throw DomainException.Conflict("return-decided", $"The return was {ret.Status.ToString().ToLowerInvariant()}."),
    };

    /// <summary>The carrier's idempotency key of a return's label: approving again books nothing new.</summary>
    public static string LabelKey(string orderId, string returnId) => $"{orderId}:return:{returnId}";

    /// <summary>Where a return label sends the parcel: the store's address as its profile gives it, else its name and the buyer's country.</summary>
    public static Shipping.ShippingAddress StoreAddress(string storeName, StoreContact? contact, PostalAddress buyer) => new(
        storeName, string.IsNullOrWhiteSpace(contact?.Address) ? "Returns desk" : contact.Address, string.IsNullOrWhiteSpace(contact?.City) ? buyer.City : contact.City,
        null, string.IsNullOrWhiteSpace(contact?.Country) ? buyer.Country : contact.Country, null, contact?.Phone);

    public static void Approve(OrderState order, ReturnState ret, bool refundShipping, bool writeOff, Shipping.ShipmentLabel label, OrderTurn turn)
    {
        ret.Status = ReturnStatus.Approved;
        ret.DecidedAt = turn.Now;
        ret.RefundShipping = refundShipping;
        ret.WriteOff = writeOff;
        ret.Shipment = new ShipmentState { ShipmentId = label.ShipmentId, TrackingNumber = label.TrackingNumber, LabelUrl = label.LabelUrl };
        Note(order, turn, $"Return {ret.ReturnId} approved; return label {label.TrackingNumber}.");
    }

    public static void Reject(OrderState order, ReturnState ret, string reason, OrderTurn turn)
    {
        if (ret.Status == ReturnStatus.Rejected)
        {
            return;
        }

        if (ret.Status != ReturnStatus.Requested)
        {
            throw DomainException.Conflict("return-decided", $"The return was {ret.Status.ToString().ToLowerInvariant()}.");
        }

        OrderPlacement.RequireText("reason", reason, required: true);
        ret.Status = ReturnStatus.Rejected;
        ret.DecidedAt = turn.Now;
        ret.Note = reason.Trim();
        Note(order, turn, $"Return {ret.ReturnId} rejected: {ret.Note}");
    }

    /// <summary>
    /// A tracking event of a return label: the parcel reaching the store receives the return (the refund is decided
    /// and the units are due back). False when the event is not about a return of this order.
    /// </summary>
    public static bool Track(OrderState order, ShipmentEvent shipmentEvent, OrderTurn turn)
    {
        var ret = order.Returns.FirstOrDefault(r => string.Equals(r.Shipment?.ShipmentId, shipmentEvent.ShipmentId, StringComparison.Ordinal));
        if (ret is null)
        {
            return false;
        }

        if (shipmentEvent.Kind != ShipmentEventKind.Delivered)
        {
            ret.Shipment!.Status = ret.Shipment.Status == OrderShipping.Delivered ? OrderShipping.Delivered : OrderShipping.InTransit;
            return true;
        }

        ret.Shipment!.Status = OrderShipping.Delivered;
        if (ret.Status != ReturnStatus.Approved)
        {
            return true;
        }

        ret.Refund = RefundOf(order, ret);
        ret.Status = ReturnStatus.Received;
        ret.ReceivedAt = turn.Now;
        ret.StockPending = true;
        Note(order, turn, $"Return {ret.ReturnId} received by the store; {ret.Refund} to refund.");
        return true;
    }

    /// <summary>
    /// What a received return gives back: per line, the share of (price − discount, + tax when added on top) of the
    /// units returned by this and earlier received returns, less the earlier ones' share; plus the shipping if the store
    /// chose so and no earlier return refunded it; never more than the capture less earlier returns' refunds.
    /// </summary>
    public static long RefundOf(OrderState order, ReturnState ret)
    {
        var earlier = order.Returns.TakeWhile(r => r != ret).Where(r => r.Refund is not null).ToList();
        long amount = 0;
        foreach (var line in ret.Lines)
        {
            var i = order.Lines.FindIndex(l => Same(l, line.ProductId, line.Sku));
            var before = earlier.SelectMany(r => r.Lines).Where(l => Same(l, line.ProductId, line.Sku)).Sum(l => l.Quantity);
            amount += ShareOf(order, i, before + line.Quantity) - ShareOf(order, i, before);
        }

        if (ret.RefundShipping && !earlier.Any(r => r.RefundShipping))
        {
            amount += order.ShippingCost;
        }

        var captured = OrderPayments.Captured(order)?.Amount ?? 0;
        return Math.Clamp(amount, 0, Math.Max(0, captured - earlier.Sum(r => r.Refund!.Value)));
    }

    /// <summary>
    /// Hands the next received return's refund to the captured payment when nothing is being refunded (one at a time,
    /// so each refund has an amount of its own at the gateway). True when it did.
    /// </summary>
    public static bool QueueRefund(OrderState order)
    {
        var payment = OrderPayments.Captured(order);
        var next = order.Returns.FirstOrDefault(r => r is { Refund: > 0, RefundQueued: false });
        if (payment is null || next is null || payment.RefundDue > 0)
        {
            return false;
        }

        payment.RefundDue = Math.Min(next.Refund!.Value, payment.Amount - payment.RefundedAmount);
        next.RefundQueued = true;
        return true;
    }

    /// <summary>A received return is refunded once the payment's refunds reach every queued return's refund up to it.</summary>
    public static ReturnStatus StatusOf(OrderState order, ReturnState ret)
    {
        if (ret.Status != ReturnStatus.Received || !ret.RefundQueued)
        {
            return ret.Status;
        }

        var payment = OrderPayments.Captured(order)!;
        var upToHere = order.Returns.TakeWhile(r => r != ret).Where(r => r.RefundQueued).Sum(r => r.Refund ?? 0) + (ret.Refund ?? 0);
        return payment.RefundDue == 0 && payment.RefundedAmount >= upToHere ? ReturnStatus.Refunded : ReturnStatus.Received;
    }

    public static IReadOnlyList<OrderReturnView> View(OrderState order) => order.Returns.Select(r => new OrderReturnView(
        r.ReturnId, StatusOf(order, r), r.Lines, r.Reason, r.RequestedAt, r.DecidedAt, r.Note, r.Shipment?.TrackingNumber, r.Shipment?.LabelUrl,
        r.Refund, r.RefundShipping, r.WriteOff, r.ReceivedAt)).ToList();

    /// <summary>The lines asked for, checked against what was delivered and what other returns (not rejected) already send back.</summary>
    private static List<ReturnLine> Resolve(OrderState order, IReadOnlyList<ReturnLine> asked)
    {
        var errors = new Dictionary<string, string[]>();
        if (asked.Count is 0 or > OrderPlacement.MaxLines)
        {
            errors["lines"] = ["At least one line."];
        }

        var lines = new List<ReturnLine>();
        for (var i = 0; i < asked.Count && errors.Count == 0; i++)
        {
            var a = asked[i];
            var matches = order.Lines.Where(l => string.Equals(l.Sku, a.Sku, StringComparison.Ordinal)
                && (string.IsNullOrEmpty(a.ProductId) || string.Equals(l.ProductId, a.ProductId, StringComparison.Ordinal))).ToList();
            if (matches.Count != 1)
            {
                errors[$"lines[{i}].sku"] = [matches.Count == 0 ? "Not a line of this order." : "Two lines have this SKU: name the productId too."];
                continue;
            }

            var line = matches[0];
            var open = order.Returns.Where(r => r.Status != ReturnStatus.Rejected).SelectMany(r => r.Lines)
                .Concat(lines).Where(l => Same(l, line.ProductId, line.Sku)).Sum(l => l.Quantity);
            if (a.Quantity < 1 || a.Quantity > line.Quantity - open)
            {
                errors[$"lines[{i}].quantity"] = [$"Between 1 and {line.Quantity - open} (the units not already on their way back)."];
                continue;
            }

            lines.Add(new ReturnLine(line.ProductId, line.Sku, a.Quantity));
        }

        DomainException.ThrowIfInvalid(errors);
        return lines;
    }

    /// <summary>What <paramref name="units"/> units of line <paramref name="i"/> cost the buyer, rounding down partial shares.</summary>
    private static long ShareOf(OrderState order, int i, int units)
    {
        var line = order.Lines[i];
        var discount = i < order.LineDiscounts.Count ? order.LineDiscounts[i] : 0;
        var tax = !order.PricesIncludeTax && i < order.LineTaxes.Count ? order.LineTaxes[i] : 0;
        return line.UnitPrice * units - discount * units / line.Quantity + tax * units / line.Quantity;
    }

    private static bool Same(OrderLine l, string productId, string sku) =>
        string.Equals(l.ProductId, productId, StringComparison.Ordinal) && string.Equals(l.Sku, sku, StringComparison.Ordinal);

    private static bool Same(ReturnLine l, string productId, string sku) =>
        string.Equals(l.ProductId, productId, StringComparison.Ordinal) && string.Equals(l.Sku, sku, StringComparison.Ordinal);

    /// <summary>A timeline entry under the order's status, and the live event both sides' pages refresh on.</summary>
    private static void Note(OrderState order, OrderTurn turn, string note)
    {
        order.Timeline.Add(new OrderTimelineEntry(order.Status, turn.Now, note));
        turn.Unannounced.Add(new OrderChanged(turn.OrderId, order.Status, turn.Now));
    }
}
