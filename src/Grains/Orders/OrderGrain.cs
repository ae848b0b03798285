using Marketplace.Contracts.Finance;
using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Promotions;
using Marketplace.Contracts.Realtime;
using Marketplace.Grains.Common;
using Marketplace.Grains.Finance;
using Marketplace.Grains.Notifications;
using Marketplace.Grains.Payments;
using Marketplace.Grains.Shipping;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Orders;

/// <summary>
/// One seller's order: the saga of DESIGN.md §3, as orchestration. A request or provider event is checked
/// (<see cref="OrderAccess"/>) and decided by pure collaborators — <see cref="OrderPlacement"/>,
/// <see cref="OrderTransitions"/> over <see cref="OrderStateMachine"/>, <see cref="OrderPayments"/>,
/// <see cref="OrderShipping"/>, <see cref="ProviderEvents"/> — then stored, and only then carried out: stock released
/// (<see cref="OrderStock"/>), money refunded (<see cref="OrderPaymentClient"/>), notices delivered (the order's
/// <see cref="Outbox{TEntry}"/>). Effects are idempotent at the other end (inventory by order id, gateway by idempotency
/// key, inbox by source key), so they are repeated until they succeed: right away, then on a retry timer, and after a
/// crash by <see cref="OrderSweeperGrain"/>, which wakes every order whose deadline passed or whose stored state still
/// lists an effect. The one effect carried out before its decision is stored is committing the stock of a payment: the
/// payment is already durable at the provider, which redelivers its event until it is stored, and committing first
/// lets the order become Paid with nothing left to do in a single write.
/// </summary>
public sealed partial class OrderGrain(
    [PersistentState("order", StorageNames.Marketplace)] IPersistentState<OrderState> state,
    IPaymentGateway payments,
    ICarrier carrier,
    IOptions<OrderOptions> options,
    TimeProvider clock,
    ILogger<OrderGrain> logger) : Grain, IOrderGrain, IRemindable
{
    /// <summary>A per-order reminder of earlier versions; removed when it fires.</summary>
    private const string LegacyReminder = "order-saga";

    private IGrainTimer? deadlineTimer;
    private Outbox<OrderNotice>? notices;
    private Outbox<DueEffect>? effects;

    /// <summary>Live events of status changes nobody is notified of, sent once the change is stored.</summary>
    private readonly List<OrderChanged> unannounced = [];

    private OrderState Order => state.State;

    private string OrderId => this.GetPrimaryKeyString();

    private Caller Caller => CallerContext.Require();

    private OrderStock Stock => new(GrainFactory, OrderId, logger);

    private OrderCoupons Coupons => new(GrainFactory, OrderId);

    private OrderPaymentClient Gateway => new(payments, OrderId, clock);

    private OrderTurn Turn => new(OrderId, clock.GetUtcNow(), options.Value, unannounced);

    /// <summary>
    /// Notices are delivered on a timer turn of their own, so a request is answered without waiting for inboxes. That
    /// they were delivered rides on the order's next write, which usually follows (a paid order is shipped, a shipped one
    /// delivered), or is written on its own after <see cref="OrderOptions.NoticeFlushDelay"/> or on deactivation.
    /// </summary>
    private Outbox<OrderNotice> Notices => notices ??= new Outbox<OrderNotice>(
        () => Order.Notices,
        notice => OrderNotices.DeliverAsync(GrainFactory, OrderId, Order, notice).Then(() => Order.Notices.Remove(notice)),
        SaveAsync, new OutboxTiming(options.Value.RetryDelay, options.Value.NoticeFlushDelay), Outboxes.TimersOf(this), clock, logger, OrderId);

    /// <summary>
    /// Stock to let go and money to give back are carried out right after the write that decided them, and what was done
    /// is stored at once, so the sweeper stops waking the order.
    /// </summary>
    private Outbox<DueEffect> Effects => effects ??= new Outbox<DueEffect>(
        () => DueEffect.Of(Order), CarryOutAsync, SaveAsync, new OutboxTiming(options.Value.RetryDelay),
        Outboxes.TimersOf(this), clock, logger, OrderId);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        ArmDeadline();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Notices.FlushAsync();

    public async Task<PlaceOrderResult> Place(PlaceOrderRequest request)
    {
        OrderAccess.RequirePlacer(Caller, request);
        if (Order.Created)
        {
            return new PlaceOrderResult(View(), OrderPlacement.Replay(Order, request));
        }

        OrderPlacement.Validate(OrderId, request);
        // The rates in force now are fixed on the order's lines (read before anything is held).
        var rates = await GrainFactory.GetGrain<ICommissionRatesGrain>(0).Get();
        var taxRate = OrderTaxes.RateFor(request.PricesIncludeTax, request.TaxRatePpm,
            request.PricesIncludeTax ? TaxRates.None : await GrainFactory.GetGrain<ITaxRatesGrain>(0).Get(), request.ShippingAddress);
        var now = clock.GetUtcNow();
        var holdUntil = OrderPlacement.HoldUntil(request, now, options.Value);
        ReservationResult[] results;
        try
        {
            results = await Stock.ReserveAsync(request.Lines, holdUntil);
        }
        catch (DomainException)
        {
            DeactivateOnIdle();
            throw;
        }

        var (held, shortLines) = OrderPlacement.Sort(request.Lines, results);
        if (OrderPlacement.IsRefused(request, held.Count, shortLines.Count))
        {
            // All or nothing: what was held for the other lines goes back before the answer.
            await Stock.ReleaseAsync(held);
            DeactivateOnIdle();
            return new PlaceOrderResult(null, shortLines);
        }

        var discount = OrderPlacement.DiscountOf(request, held, now);
        if (discount is { Applies: false } && !request.TakeWhatIsAvailable)
        {
            return await RefuseForCouponAsync(held, discount.Problem);
        }

        if (discount is { Applies: true })
        {
            CouponHold hold;
            try
            {
                hold = await Coupons.HoldAsync(discount.Terms, request.BuyerId, holdUntil);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                await RefuseForCouponAsync(held, null);
                throw new DomainException(DomainErrorKind.Unavailable, "coupon-unavailable-now", "The coupon could not be checked. Nothing was reserved; retry.");
            }

            if (!hold.Held)
            {
                return await RefuseForCouponAsync(held, hold.Reason);
            }
        }

        OrderPlacement.Open(Order, request, held, Commission.RatesOf(rates, request.SellerId, held), taxRate, now, discount);
        Record(Decide(request.RequiresConfirmation ? OrderEvent.PlacedNeedingConfirmation : OrderEvent.PlacedReadyToPay), null);
        await SaveAsync();
        ArmDeadline();
        return new PlaceOrderResult(View(), shortLines);
    }

    /// <summary>The order's coupon cannot be used: the stock held for it goes back, and the answer says why.</summary>
    private async Task<PlaceOrderResult> RefuseForCouponAsync(IReadOnlyList<OrderLine> held, string? problem)
    {
        await Stock.ReleaseAsync(held);
        DeactivateOnIdle();
        return new PlaceOrderResult(null, [], problem ?? CouponProblems.UsedUp);
    }

    public Task<OrderView> Get()
    {
        OrderAccess.RequireReader(Order, Caller);
        return Task.FromResult(View());
    }

    public async Task<OrderView> Accept(long? shippingCost)
    {
        OrderAccess.RequireStore(Order, Caller);
        OrderPlacement.RequireShippingCost(shippingCost);
        var transition = Decide(OrderEvent.SellerAccepted);
        if (transition.Kind == TransitionKind.Moved)
        {
            OrderPlacement.Quote(Order, shippingCost);
        }

        return await ApplyAsync(transition, shippingCost is { } c ? $"Shipping cost {c}." : null);
    }

    public async Task<OrderView> Reject(string reason)
    {
        OrderAccess.RequireStore(Order, Caller);
        OrderPlacement.RequireText("reason", reason, required: true);
        return await ApplyAsync(Decide(OrderEvent.SellerRejected), reason);
    }

    public async Task<OrderView> Cancel(string? reason)
    {
        OrderAccess.RequireExists(Order);
        OrderPlacement.RequireText("reason", reason, required: false);
        var byStore = OrderAccess.CancelsAsStore(Order, Caller);
        var transition = Decide(byStore ? OrderEvent.SellerCancelled : OrderEvent.BuyerCancelled);
        if (transition.Effects.HasFlag(OrderEffects.Refund))
        {
            // A store cancelling a paid order gives the money back.
            OrderPayments.RefundCaptured(Order);
        }

        return await ApplyAsync(transition, reason ?? (byStore ? "Cancelled by the store." : "Cancelled by the buyer."));
    }

    public async Task<PaymentStart> Pay(string returnUrl, string webhookUrl)
    {
        OrderAccess.RequireBuyer(Order, Caller);
        OrderPayments.RequireAwaitingPayment(Order);
        return await Gateway.StartAsync(Order, returnUrl, webhookUrl);
    }

    public async Task<OrderView> PayWithCard(CardDetails card, string webhookUrl)
    {
        OrderAccess.RequireBuyer(Order, Caller);
        if (Order.CapturedPaymentId is not null)
        {
            return View();
        }

        OrderPayments.RequireAwaitingPayment(Order);
        var (payment, charge) = await Gateway.ChargeAsync(Order, card, webhookUrl);
        if (charge.Status == PaymentStatus.Succeeded)
        {
            await PaymentSucceededAsync(payment, charge.Amount, charge.Currency);
        }
        else
        {
            OrderPayments.Decline(Order, payment, $"Card {card.Masked} was declined.", Turn);
        }

        ProviderEvents.Remember(Order, $"charge:{charge.PaymentId}");
        await SaveAsync();
        await RunEffectsAsync();
        return payment.Status == OrderPayments.Failed
            ? throw new DomainException(DomainErrorKind.Conflict, "card-declined", $"The card {card.Masked} was declined; the order still awaits payment.")
            : View();
    }

    public async Task<OrderView> Ship(string webhookUrl)
    {
        OrderAccess.RequireStore(Order, Caller);
        if (Order.Shipment is not null)
        {
            return View();
        }

        var transition = Decide(OrderEvent.Shipped);
        if (Order.PendingStock != OrderEffects.None)
        {
            await RunEffectsAsync();
            if (Order.PendingStock != OrderEffects.None)
            {
                throw new DomainException(DomainErrorKind.Unavailable, "stock-pending", "The sold units are still being recorded; retry.");
            }
        }

        OrderShipping.RequireNoRefundDue(Order);
        var label = await new OrderCarrierClient(carrier, OrderId).BookAsync(Order, webhookUrl);
        return await ApplyAsync(transition, $"Tracking number {label.TrackingNumber}.");
    }

    public async Task<(OrderView Order, string ReturnId)> RequestReturn(IReadOnlyList<ReturnLine> lines, string reason, string? idempotencyKey = null)
    {
        OrderAccess.RequireBuyer(Order, Caller);
        var count = Order.Returns.Count;
        var ret = OrderReturns.Request(Order, lines, reason, Turn, idempotencyKey);
        if (Order.Returns.Count > count)
        {
            await SaveAsync();
        }

        return (View(), ret.ReturnId);
    }

    public async Task<OrderView> ApproveReturn(string returnId, bool refundShipping, bool writeOff, string webhookUrl)
    {
        OrderAccess.RequireStore(Order, Caller);
        var ret = OrderReturns.Find(Order, returnId);
        if (!OrderReturns.RequireRequested(ret))
        {
            return View();
        }

        // The label is booked before the approval is stored (the carrier answers the same label to the same key).
        var store = await GrainFactory.GetGrain<ISellerGrain>(Order.SellerId).GetProfile();
        var label = await new OrderCarrierClient(carrier, OrderId).BookReturnAsync(
            returnId, OrderReturns.StoreAddress(Order.SellerName, store?.Contact, Order.ShippingAddress!), webhookUrl);
        OrderReturns.Approve(Order, ret, refundShipping, writeOff, label, Turn);
        await SaveAsync();
        return View();
    }

    public async Task<OrderView> RejectReturn(string returnId, string reason)
    {
        OrderAccess.RequireStore(Order, Caller);
        var ret = OrderReturns.Find(Order, returnId);
        if (ret.Status != ReturnStatus.Rejected)
        {
            OrderReturns.Reject(Order, ret, reason, Turn);
            await SaveAsync();
        }

        return View();
    }

    public async Task ApplyPaymentEvent(PaymentEvent paymentEvent)
    {
        if (!IsNewProviderEvent(paymentEvent.EventId))
        {
            return;
        }

        var payment = OrderPayments.FindOrAdopt(Order, paymentEvent.PaymentId, paymentEvent.Amount, clock.GetUtcNow());
        switch (paymentEvent.Kind)
        {
            case PaymentEventKind.Succeeded:
                await PaymentSucceededAsync(payment, paymentEvent.Amount, paymentEvent.Currency);
                break;
            case PaymentEventKind.Failed:
                OrderPayments.Decline(Order, payment, $"Payment {payment.PaymentId} was declined.", Turn);
                break;
            case PaymentEventKind.RefundSucceeded when paymentEvent.RefundId is { } refundId:
                OrderPayments.RecordRefund(Order, payment, refundId, paymentEvent.Amount, Turn);
                break;
        }

        ProviderEvents.Remember(Order, paymentEvent.EventId);
        await SaveAsync();
        await RunEffectsAsync();
    }

    public async Task ApplyShipmentEvent(ShipmentEvent shipmentEvent)
    {
        if (!IsNewProviderEvent(shipmentEvent.EventId))
        {
            return;
        }

        var returned = OrderReturns.Track(Order, shipmentEvent, Turn);
        if (!returned && OrderShipping.Track(Order, shipmentEvent, Turn) == TrackingOutcome.UnknownShipment)
        {
            LogUnknownShipment(logger, OrderId, shipmentEvent.ShipmentId);
            return;
        }

        ProviderEvents.Remember(Order, shipmentEvent.EventId);
        await SaveAsync();
        if (returned)
        {
            // A received return's refund and units go out now (and are repeated until done).
            await RunEffectsAsync();
        }
    }

    public async Task Wake()
    {
        if (!Order.Created)
        {
            DeactivateOnIdle();
            return;
        }

        await OnDeadlineAsync();
        await RunEffectsAsync();
        // Notices the stored state lists are delivered; if they were delivered since the sweeper read it, that is stored.
        await Notices.ResumeAsync();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (await this.GetReminder(LegacyReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        await Wake();
    }

    private async Task PaymentSucceededAsync(PaymentAttemptState payment, long amount, string currency)
    {
        switch (OrderPayments.OnSuccess(Order, payment, amount, currency))
        {
            case PaymentOutcome.Capture:
                // Committed before the write (idempotent; a failure here fails the webhook, which the provider repeats).
                // The coupon's use is kept with the sold units (both idempotent, before the write like them).
                var commit = Stock.CommitAsync(Order.Lines);
                await Task.WhenAll(commit, Coupons.ConfirmAsync(Order.Discounts));
                var commits = await commit;
                if (OrderPayments.Capture(Order, payment, amount, commits, Turn))
                {
                    LogHoldLost(logger, OrderId);
                }

                break;
            case PaymentOutcome.GiveBack:
                OrderPayments.GiveBack(Order, payment, amount, currency, clock.GetUtcNow());
                break;
        }
    }

    /// <summary>A verified provider event for this order not applied before (providers redeliver until answered 2xx).</summary>
    private bool IsNewProviderEvent(string eventId)
    {
        OrderAccess.RequireProvider(Caller);
        OrderAccess.RequireExists(Order);
        return !ProviderEvents.Seen(Order, eventId);
    }

    /// <summary>Stores a decided transition, then carries out its effects.</summary>
    private async Task<OrderView> ApplyAsync(Transition transition, string? note)
    {
        if (transition.Kind == TransitionKind.Moved)
        {
            Record(transition, note);
            await SaveAsync();
            await RunEffectsAsync();
        }

        return View();
    }

    private Transition Decide(OrderEvent @event) => OrderTransitions.Decide(Order, @event);

    private void Record(Transition transition, string? note) => OrderTransitions.Record(Order, Turn, transition, note);

    /// <summary>
    /// Carries out what is stored as decided but not done (safe to repeat); what fails is tried again after
    /// <see cref="OrderOptions.RetryDelay"/>, and after a crash when the sweeper wakes the order.
    /// </summary>
    private async Task RunEffectsAsync()
    {
        await Effects.DeliverAsync();
        ArmDeadline();
    }

    private async Task<Action> CarryOutAsync(DueEffect effect)
    {
        if (effect is DueEffect.TakeBack { Return: var ret })
        {
            return await Stock.TakeBackAsync(ret).Then(() => ret.StockPending = false);
        }

        if (effect is DueEffect.Refund { Payment: var payment })
        {
            var receipt = await Gateway.RefundAsync(payment);
            return () => OrderPayments.RecordRefund(Order, payment, receipt.RefundId, receipt.Amount, Turn);
        }

        // A coupon's use goes back with the stock; one kept for a payment the order never stored goes back too, while a
        // paid order's stays kept (a store cancelling it does not hand the coupon out again).
        return await Task.WhenAll(Stock.ReleaseAsync(Order.Lines), Coupons.ReleaseAsync(Order.Discounts, unpaid: Order.CapturedPaymentId is null))
            .Then(() => Order.PendingStock = OrderEffects.None);
    }

    private async Task OnDeadlineAsync()
    {
        if (OrderTransitions.TimeOut(Order, Turn))
        {
            await SaveAsync();
        }
    }

    private void ArmDeadline()
    {
        deadlineTimer?.Dispose();
        deadlineTimer = null;
        if (Order.DecideBy is not { } deadline)
        {
            return;
        }

        var due = deadline - clock.GetUtcNow();
        deadlineTimer = this.RegisterGrainTimer(async _ =>
        {
            await OnDeadlineAsync();
            await RunEffectsAsync();
        }, new GrainTimerCreationOptions { DueTime = due < TimeSpan.Zero ? TimeSpan.Zero : due, Period = Timeout.InfiniteTimeSpan });
    }

    /// <summary>Stores the order; then the live events of the stored changes go out and stored notices are scheduled.</summary>
    private async Task SaveAsync()
    {
        Order.UpdatedAt = clock.GetUtcNow();
        // A received return's refund is handed to the payment when no other is under way; the ledger follows the
        // payments in the same write: a capture's allocations, a refund's reversals.
        OrderReturns.QueueRefund(Order);
        OrderLedger.Post(Order, Order.UpdatedAt);
        try
        {
            await state.WriteOrReloadAsync(this);
        }
        catch (Exception e) when (e is not DomainException)
        {
            // The grain deactivates and reloads what is stored; nothing of this state may be written on the way out.
            unannounced.Clear();
            Notices.WriteFailed();
            Effects.WriteFailed();
            throw new DomainException(DomainErrorKind.Unavailable, "order-unavailable",
                "The order could not be stored. Nothing changed; retry.");
        }

        Notices.Written();
        Effects.Written();
        OrderNotices.Announce(GrainFactory, Order, unannounced);
        unannounced.Clear();
        if (Notices.HasPending)
        {
            Notices.Schedule(options.Value.NoticeDelay);
        }
    }

    private OrderView View() => new(
        OrderId, Order.SellerId, Order.SellerName, Order.BuyerId, Order.Status, Order.Lines, Order.Currency, Order.Subtotal,
        Order.ShippingCost, Order.Total, Order.ShippingAddress!, Order.Note, Order.PlacedAt, Order.DecideBy, Order.Timeline,
        OrderPayments.View(Order), OrderShipping.View(Order), Order.Payments.Sum(p => p.RefundedAmount),
        CallerContext.Current is { } caller && (caller.IsAdmin || caller.ActsFor(Order.SellerId)) ? OrderLedger.ShownCommission(Order) : null,
        Order.Tax, Order.PricesIncludeTax, Order.Discounts, Order.Discount, OrderReturns.View(Order), OrderReturns.ReturnBy(Order));

    [LoggerMessage(Level = LogLevel.Error, Message = "Order {OrderId} was paid but its stock hold was gone; refunding")]
    private static partial void LogHoldLost(ILogger logger, string orderId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId}: tracking event for unknown shipment {ShipmentId} ignored")]
    private static partial void LogUnknownShipment(ILogger logger, string orderId, string shipmentId);
}
