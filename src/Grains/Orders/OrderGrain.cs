using Marketplace.Contracts.Inventory;
using Marketplace.Contracts.Notifications;
using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Realtime;
using Marketplace.Grains.Common;
using Marketplace.Grains.Payments;
using Marketplace.Grains.Realtime;
using Marketplace.Grains.Shipping;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Orders;

/// <summary>
/// One seller's order: the saga of DESIGN.md §3. Each decision goes through <see cref="OrderStateMachine"/>, is stored,
/// and only then carried out (stock released, money refunded). Effects are idempotent at the other end (inventory by
/// order id, gateway by idempotency key), so they are simply repeated until they succeed: right away, then on a short
/// retry timer, and after a crash by <see cref="OrderSweeperGrain"/>, which wakes every order whose deadline passed or
/// whose stored state still lists an effect. The one effect carried out before its decision is stored is committing the
/// stock of a payment: the payment is already durable at the provider, which redelivers its event until it is stored,
/// and committing first lets the order become Paid with nothing left to do in a single write.
/// </summary>
public sealed partial class OrderGrain(
    [PersistentState("order", StorageNames.Marketplace)] IPersistentState<OrderState> state,
    IPaymentGateway payments,
    ICarrier carrier,
    IOptions<OrderOptions> options,
    TimeProvider clock,
    ILogger<OrderGrain> logger) : Grain, IOrderGrain, IRemindable
{
    public const int MaxLines = 100;
    public const int MaxTextLength = 500;
    public const long MaxShippingCost = 100_000_000;
    private const int AppliedEventMemory = 200;
    /// <summary>A per-order reminder of earlier versions; removed when it fires.</summary>
    private const string LegacyReminder = "order-saga";

    private IGrainTimer? deadlineTimer;
    private IGrainTimer? retryTimer;
    private IGrainTimer? noticeTimer;
    private IGrainTimer? flushTimer;

    /// <summary>
    /// Notices were delivered and removed in memory, but the stored state still lists them: the removal rides on the
    /// order's next write, or is written on its own after <see cref="OrderOptions.NoticeFlushDelay"/> (or when the
    /// grain deactivates). Until then a crash only means delivering them again, which changes nothing.
    /// </summary>
    private bool removalUnsaved;

    /// <summary>Live events of status changes nobody is notified of, sent once the change is stored.</summary>
    private readonly List<OrderChanged> liveAfterSave = [];

    private OrderState Order => state.State;

    private string OrderId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        ArmDeadline();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => FlushRemovalAsync();

    public async Task<PlaceOrderResult> Place(PlaceOrderRequest request)
    {
        var caller = CallerContext.Require();
        if (!caller.Owns(request.BuyerId) || !caller.Roles.HasFlag(CallerRoles.Shopper))
        {
            throw DomainException.Forbidden("not-the-buyer", "An order is placed only by its signed-in buyer.");
        }

        if (Order.Created)
        {
            if (!string.Equals(Order.BuyerId, request.BuyerId, StringComparison.Ordinal))
            {
                throw DomainException.Forbidden("not-the-buyer", "The order belongs to another buyer.");
            }

            if (!string.Equals(Order.CheckoutFingerprint, request.CheckoutFingerprint, StringComparison.Ordinal))
            {
                throw new DomainException(DomainErrorKind.IdempotencyMismatch, "idempotency-key-reused",
                    "This Idempotency-Key was used for a different checkout.");
            }

            // Lines a partial placement left out are still short on a replay (their availability then is unknown).
            var leftOut = request.Lines
                .Where(l => !Order.Lines.Any(o => string.Equals(o.ProductId, l.ProductId, StringComparison.Ordinal) && string.Equals(o.Sku, l.Sku, StringComparison.Ordinal)))
                .Select(l => new ShortLine(l.ProductId, l.Sku, l.Quantity, 0))
                .ToList();
            return new PlaceOrderResult(View(), leftOut);
        }

        Validate(request);
        var now = clock.GetUtcNow();
        var settings = options.Value;
        var holdUntil = now + (request.RequiresConfirmation ? settings.ConfirmationTimeout : TimeSpan.Zero)
            + settings.PaymentTimeout + settings.HoldMargin;
        ReservationResult[] results;
        try
        {
            results = await Task.WhenAll(request.Lines.Select(line => Stock(line).Reserve(OrderId, line.Quantity, holdUntil)));
        }
        catch (Exception e) when (e is OrleansException or DomainException or TimeoutException)
        {
            // Whatever was held goes back now rather than at the hold's expiry; a retry with the same key holds again.
            try
            {
                await Task.WhenAll(request.Lines.Select(line => Stock(line).Release(OrderId)));
            }
            catch (Exception release) when (release is OrleansException or DomainException or TimeoutException)
            {
                LogEffectFailed(logger, release, OrderId, OrderStatus.Placed);
            }

            DeactivateOnIdle();
            throw e as DomainException ?? new DomainException(DomainErrorKind.Unavailable, "inventory-unavailable",
                "The stock could not be reserved. Nothing was promised; retry.");
        }

        var shortLines = request.Lines.Zip(results)
            .Where(pair => pair.Second.Status != ReservationStatus.Held)
            .Select(pair => new ShortLine(pair.First.ProductId, pair.First.Sku, pair.First.Quantity, Math.Max(0, pair.Second.Available)))
            .ToList();
        var held = request.Lines.Zip(results).Where(pair => pair.Second.Status == ReservationStatus.Held).Select(pair => pair.First).ToList();
        if (shortLines.Count > 0 && !(request.TakeWhatIsAvailable && held.Count > 0))
        {
            // All or nothing: what was held for the other lines goes back before the answer.
            await Task.WhenAll(request.Lines.Zip(results)
                .Where(pair => pair.Second.Status == ReservationStatus.Held)
                .Select(pair => Stock(pair.First).Release(OrderId)));
            DeactivateOnIdle();
            return new PlaceOrderResult(null, shortLines);
        }

        Order.Created = true;
        Order.BuyerId = request.BuyerId;
        Order.SellerId = request.SellerId;
        Order.SellerName = request.SellerName;
        Order.Currency = request.Currency;
        Order.Lines = held;
        Order.Subtotal = held.Sum(l => l.Total);
        Order.ShippingCost = held.Sum(l => l.Freight);
        Order.Total = Order.Subtotal + Order.ShippingCost;
        Order.ShippingAddress = request.ShippingAddress;
        Order.Note = request.Note;
        Order.RequiresConfirmation = request.RequiresConfirmation;
        Order.CheckoutFingerprint = request.CheckoutFingerprint;
        Order.PlacedAt = now;
        Order.Status = OrderStatus.Placed;
        Order.Timeline.Add(new OrderTimelineEntry(OrderStatus.Placed, now, null));
        Record(Decide(request.RequiresConfirmation ? OrderEvent.PlacedNeedingConfirmation : OrderEvent.PlacedReadyToPay), null);
        await SaveAsync();
        ArmDeadline();
        return new PlaceOrderResult(View(), shortLines);
    }

    public Task<OrderView> Get()
    {
        RequireCreated();
        var caller = CallerContext.Require();
        if (!caller.Owns(Order.BuyerId) && !caller.ActsFor(Order.SellerId) && !caller.IsAdmin)
        {
            throw DomainException.Forbidden("not-your-order", "An order is seen only by its buyer and its store.");
        }

        return Task.FromResult(View());
    }

    public async Task<OrderView> Accept(long? shippingCost)
    {
        RequireSeller();
        if (shippingCost is < 0 or > MaxShippingCost)
        {
            throw DomainException.Invalid(new Dictionary<string, string[]>
            {
                ["shippingCost"] = [$"Between 0 and {MaxShippingCost} in minor units."],
            });
        }

        var transition = Decide(OrderEvent.SellerAccepted);
        if (transition.Kind == TransitionKind.Moved && shippingCost is { } cost)
        {
            Order.ShippingCost = cost;
            Order.Total = Order.Subtotal + cost;
        }

        return await ApplyAsync(transition, shippingCost is { } c ? $"Shipping cost {c}." : null);
    }

    public async Task<OrderView> Reject(string reason)
    {
        RequireSeller();
        RequireText("reason", reason, required: true);
        return await ApplyAsync(Decide(OrderEvent.SellerRejected), reason);
    }

    public async Task<OrderView> Cancel(string? reason)
    {
        RequireCreated();
        RequireText("reason", reason, required: false);
        var caller = CallerContext.Require();
        if (caller.ActsFor(Order.SellerId))
        {
            var transition = Decide(OrderEvent.SellerCancelled);
            if (transition.Effects.HasFlag(OrderEffects.Refund))
            {
                RefundCaptured();
            }

            return await ApplyAsync(transition, reason ?? "Cancelled by the store.");
        }

        if (caller.Owns(Order.BuyerId))
        {
            return await ApplyAsync(Decide(OrderEvent.BuyerCancelled), reason ?? "Cancelled by the buyer.");
        }

        throw DomainException.Forbidden("not-your-order", "An order is cancelled only by its buyer or its store.");
    }

    public async Task<PaymentStart> Pay(string returnUrl, string webhookUrl)
    {
        RequireCreated();
        if (!CallerContext.Require().Owns(Order.BuyerId))
        {
            throw DomainException.Forbidden("not-the-buyer", "Only the buyer pays for an order.");
        }

        if (Order.Status != OrderStatus.AwaitingPayment)
        {
            throw DomainException.Conflict("not-awaiting-payment", $"The order is {Order.Status}, not awaiting payment.");
        }

        if (Order.Payments.LastOrDefault() is { Status: "open", RedirectUrl: { } openUrl } open && open.Amount == Order.Total)
        {
            return new PaymentStart(open.PaymentId, openUrl);
        }

        // The attempt number is part of the key: a retry after a lost write reopens the same session, a new attempt
        // after a decline opens a new one.
        var attempt = Order.Payments.Count + 1;
        PaymentSession session;
        try
        {
            session = await payments.CreatePaymentAsync(
                OrderId, Order.Total, Order.Currency, returnUrl, webhookUrl, $"{OrderId}:pay:{attempt}");
        }
        catch (ExternalServiceException e)
        {
            throw ProviderUnavailable("payments", e);
        }

        // Kept in memory and stored with the order's next write, not written on its own: the session's key is
        // idempotent (a new activation asking again gets the same session back), and a payment event for a session
        // the order never stored is adopted (ApplyPaymentEvent).
        Order.Payments.Add(new PaymentAttemptState
        {
            PaymentId = session.PaymentId, Attempt = attempt, Amount = Order.Total, RedirectUrl = session.RedirectUrl,
            CreatedAt = clock.GetUtcNow(),
        });
        return new PaymentStart(session.PaymentId, session.RedirectUrl);
    }

    public async Task<OrderView> PayWithCard(CardDetails card, string webhookUrl)
    {
        RequireCreated();
        if (!CallerContext.Require().Owns(Order.BuyerId))
        {
            throw DomainException.Forbidden("not-the-buyer", "Only the buyer pays for an order.");
        }

        if (Order.CapturedPaymentId is not null)
        {
            return View();
        }

        if (Order.Status != OrderStatus.AwaitingPayment)
        {
            throw DomainException.Conflict("not-awaiting-payment", $"The order is {Order.Status}, not awaiting payment.");
        }

        // As with hosted payments, the attempt number is in the key: a retry after a lost write finds the same charge.
        var attempt = Order.Payments.Count + 1;
        PaymentDetails charge;
        try
        {
            charge = await payments.ChargeCardAsync(OrderId, Order.Total, Order.Currency, card, webhookUrl, $"{OrderId}:card:{attempt}");
        }
        catch (ExternalServiceException e) when (e.Failure == ExternalFailure.Refused)
        {
            // The gateway's own rules (e.g. the number's length): nothing was charged, and asking again will not help.
            throw new DomainException(DomainErrorKind.Validation, "card-refused", $"The payment provider refused the card {card.Masked}: {e.Message}",
                new Dictionary<string, string[]> { ["card"] = ["The payment provider refused this card."] });
        }
        catch (ExternalServiceException e)
        {
            throw ProviderUnavailable("payments", e);
        }

        var payment = new PaymentAttemptState
        {
            PaymentId = charge.PaymentId, Attempt = attempt, Amount = charge.Amount, Card = card.Masked, CreatedAt = clock.GetUtcNow(),
        };
        Order.Payments.Add(payment);
        var eventId = $"charge:{charge.PaymentId}";
        if (charge.Status == PaymentStatus.Succeeded)
        {
            await PaymentSucceededAsync(payment, new PaymentEvent(eventId, PaymentEventKind.Succeeded, charge.PaymentId, charge.Amount, charge.Currency, null));
        }
        else
        {
            payment.Status = "failed";
            GrainMetrics.Payment("declined");
            Record(Decide(OrderEvent.PaymentFailed), $"Card {card.Masked} was declined.");
        }

        Remember(eventId);
        await SaveAsync();
        await RunEffectsAsync();
        return payment.Status == "failed"
            ? throw new DomainException(DomainErrorKind.Conflict, "card-declined", $"The card {card.Masked} was declined; the order still awaits payment.")
            : View();
    }

    public async Task<OrderView> Ship(string webhookUrl)
    {
        RequireSeller();
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

        if (Order.Payments.Any(p => p.RefundDue > 0))
        {
            throw DomainException.Conflict("refund-pending", "The order's payment is being refunded; it cannot ship.");
        }

        ShipmentLabel label;
        try
        {
            var to = Order.ShippingAddress!;
            label = await carrier.CreateShipmentAsync(OrderId,
                new ShippingAddress(to.Name, to.Line1, to.City, to.Region, to.Country, to.PostalCode, to.Phone),
                webhookUrl, $"{OrderId}:ship");
        }
        catch (ExternalServiceException e)
        {
            throw ProviderUnavailable("shipping", e);
        }

        Order.Shipment = new ShipmentState
        {
            ShipmentId = label.ShipmentId, TrackingNumber = label.TrackingNumber, LabelUrl = label.LabelUrl,
            Status = ShipmentStatusName(label.Status),
        };
        return await ApplyAsync(transition, $"Tracking number {label.TrackingNumber}.");
    }

    public async Task ApplyPaymentEvent(PaymentEvent paymentEvent)
    {
        RequireProvider();
        RequireCreated();
        if (Order.AppliedEvents.Contains(paymentEvent.EventId))
        {
            return;
        }

        var payment = Order.Payments.FirstOrDefault(p => string.Equals(p.PaymentId, paymentEvent.PaymentId, StringComparison.Ordinal));
        if (payment is null)
        {
            // A session whose recording was lost (the write failed after the gateway opened it): adopt it.
            payment = new PaymentAttemptState
            {
                PaymentId = paymentEvent.PaymentId, Attempt = Order.Payments.Count + 1, Amount = paymentEvent.Amount,
                CreatedAt = clock.GetUtcNow(),
            };
            Order.Payments.Add(payment);
        }

        switch (paymentEvent.Kind)
        {
            case PaymentEventKind.Succeeded:
                await PaymentSucceededAsync(payment, paymentEvent);
                break;
            case PaymentEventKind.Failed when payment.Status == "open":
                payment.Status = "failed";
                GrainMetrics.Payment("declined");
                if (Order.Status == OrderStatus.AwaitingPayment)
                {
                    Record(Decide(OrderEvent.PaymentFailed), $"Payment {payment.PaymentId} was declined.");
                }

                break;
            case PaymentEventKind.RefundSucceeded when paymentEvent.RefundId is { } refundId:
                RecordRefund(payment, refundId, paymentEvent.Amount);
                break;
        }

        Remember(paymentEvent.EventId);
        await SaveAsync();
        await RunEffectsAsync();
    }

    public async Task ApplyShipmentEvent(ShipmentEvent shipmentEvent)
    {
        RequireProvider();
        RequireCreated();
        if (Order.AppliedEvents.Contains(shipmentEvent.EventId))
        {
            return;
        }

        var shipment = Order.Shipment;
        if (shipment is null || !string.Equals(shipment.ShipmentId, shipmentEvent.ShipmentId, StringComparison.Ordinal))
        {
            LogUnknownShipment(logger, OrderId, shipmentEvent.ShipmentId);
            return;
        }

        if (shipmentEvent.Kind == ShipmentEventKind.Delivered)
        {
            shipment.Status = "delivered";
            // A tracking event never fails: one that no longer fits (the order was refunded meanwhile) is only noted.
            Record(OrderStateMachine.Apply(Order.Status, OrderEvent.Delivered), null);
        }
        else if (shipment.Status == "labelCreated")
        {
            // Arriving after "delivered" (out of order) it changes nothing.
            shipment.Status = "inTransit";
            Order.Timeline.Add(new OrderTimelineEntry(Order.Status, clock.GetUtcNow(), "In transit."));
        }

        Remember(shipmentEvent.EventId);
        await SaveAsync();
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
        if (Order.Notices.Count > 0)
        {
            ScheduleNotices(TimeSpan.Zero);
        }
        else if (removalUnsaved)
        {
            // The sweeper saw notices in the stored state that were delivered since: store that now.
            await SaveAsync();
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (await this.GetReminder(LegacyReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        await Wake();
    }

    private async Task PaymentSucceededAsync(PaymentAttemptState payment, PaymentEvent paymentEvent)
    {
        if (payment.Status == "succeeded")
        {
            return;
        }

        var matches = paymentEvent.Amount == Order.Total && string.Equals(paymentEvent.Currency, Order.Currency, StringComparison.Ordinal);
        if (Order.CapturedPaymentId is null && matches && Order.Status == OrderStatus.AwaitingPayment)
        {
            // Committed before the write (idempotent; a failure here fails the webhook, which the provider repeats).
            var results = await Task.WhenAll(Order.Lines.Select(line => Stock(line).Commit(OrderId)));
            payment.Status = "succeeded";
            payment.Amount = paymentEvent.Amount;
            Order.CapturedPaymentId = payment.PaymentId;
            Order.PaidAt = clock.GetUtcNow();
            GrainMetrics.Payment("captured");
            Record(Decide(OrderEvent.PaymentSucceeded), null);
            if (results.Any(r => r.Status != ReservationStatus.Committed))
            {
                HoldLost(results);
            }

            return;
        }

        payment.Status = "succeeded";
        payment.Amount = paymentEvent.Amount;

        // Money the order cannot keep: a second payment, a wrong amount, or one that arrived after the order closed.
        payment.RefundDue = paymentEvent.Amount - payment.RefundedAmount;
        var why = Order.CapturedPaymentId is not null ? "the order was already paid"
            : !matches ? "its amount does not match the order"
            : $"the order was {Order.Status}";
        Order.Timeline.Add(new OrderTimelineEntry(Order.Status, clock.GetUtcNow(),
            $"Payment {payment.PaymentId} succeeded but {why}; it is refunded."));
    }

    /// <summary>Counts a refund once (the gateway's answer and its webhook both report it) and closes a fully refunded order.</summary>
    private void RecordRefund(PaymentAttemptState payment, string refundId, long amount)
    {
        if (payment.RefundIds.Contains(refundId))
        {
            return;
        }

        payment.RefundIds.Add(refundId);
        GrainMetrics.Payment("refunded");
        payment.RefundedAmount += amount;
        payment.RefundDue = Math.Max(0, payment.RefundDue - amount);
        if (string.Equals(payment.PaymentId, Order.CapturedPaymentId, StringComparison.Ordinal)
            && payment.RefundedAmount >= payment.Amount
            && OrderStateMachine.Apply(Order.Status, OrderEvent.RefundSucceeded) is { Kind: TransitionKind.Moved } refunded)
        {
            Record(refunded, $"Refunded {payment.RefundedAmount}.");
        }
        else
        {
            // Money given back without the order changing (a late or second payment, part of a capture): still news.
            AddNotice(new OrderNotice { Status = Order.Status, At = clock.GetUtcNow(), BuyerKind = NotificationKind.RefundIssued, Amount = amount });
        }
    }

    /// <summary>Decides that the captured payment goes back in full (seller cancelled a paid order, or a return).</summary>
    private void RefundCaptured()
    {
        var captured = Order.Payments.First(p => string.Equals(p.PaymentId, Order.CapturedPaymentId, StringComparison.Ordinal));
        captured.RefundDue = captured.Amount - captured.RefundedAmount;
    }

    private async Task OnDeadlineAsync()
    {
        if (Order.DecideBy is not { } deadline || deadline > clock.GetUtcNow())
        {
            return;
        }

        var timedOut = Order.Status == OrderStatus.AwaitingSellerConfirmation ? OrderEvent.ConfirmationTimedOut : OrderEvent.PaymentTimedOut;
        var transition = OrderStateMachine.Apply(Order.Status, timedOut);
        if (transition.Kind != TransitionKind.Moved)
        {
            Order.DecideBy = null;
            return;
        }

        Record(transition, timedOut == OrderEvent.ConfirmationTimedOut ? "The store did not answer in time." : "Not paid in time.");
        await SaveAsync();
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

    private Transition Decide(OrderEvent @event)
    {
        var transition = OrderStateMachine.Apply(Order.Status, @event);
        if (transition.Kind == TransitionKind.Refused)
        {
            throw DomainException.Conflict("illegal-transition", $"An order that is {Order.Status} cannot take '{@event}'.");
        }

        return transition;
    }

    /// <summary>Applies a transition to memory: status, timeline, deadline and the stock effect to carry out.</summary>
    private void Record(Transition transition, string? note)
    {
        if (transition.Kind != TransitionKind.Moved)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var changed = transition.Next != Order.Status;
        if (changed || note is not null)
        {
            Order.Timeline.Add(new OrderTimelineEntry(transition.Next, now, note));
        }

        if (changed)
        {
            var (buyerKind, storeKind) = OrderNotices.For(Order.Status, transition.Next, transition.Effects);
            if (buyerKind is null && storeKind is null)
            {
                // Nobody is notified, so nothing has to survive a crash: the live event goes out after the write.
                liveAfterSave.Add(new OrderChanged(OrderId, transition.Next, now));
            }
            else
            {
                AddNotice(new OrderNotice { Status = transition.Next, At = now, StatusChanged = true, BuyerKind = buyerKind, StoreKind = storeKind });
            }
        }

        Order.Status = transition.Next;
        // Committing is done before a payment is recorded (see the class remarks); releasing is left for RunEffectsAsync.
        Order.PendingStock |= transition.Effects & OrderEffects.ReleaseStock;
        if (changed)
        {
            Order.DecideBy = transition.Next switch
            {
                OrderStatus.AwaitingSellerConfirmation => now + options.Value.ConfirmationTimeout,
                OrderStatus.AwaitingPayment => now + options.Value.PaymentTimeout,
                _ => null,
            };
        }
    }

    /// <summary>
    /// Carries out what is stored as decided but not done: stock to release, money to give back. Safe to repeat; what
    /// fails is tried again by the retry timer, and after a crash by the sweeper.
    /// </summary>
    private async Task RunEffectsAsync()
    {
        var done = true;
        try
        {
            await SettleStockAsync();
            foreach (var payment in Order.Payments.Where(p => p.RefundDue > 0).ToList())
            {
                var receipt = await payments.RefundAsync(payment.PaymentId, payment.RefundDue, $"{OrderId}:refund:{payment.PaymentId}");
                RecordRefund(payment, receipt.RefundId, receipt.Amount);
                await SaveAsync();
            }
        }
        catch (Exception e) when (e is ExternalServiceException or OrleansException or DomainException or TimeoutException)
        {
            LogEffectFailed(logger, e, OrderId, Order.Status);
            done = false;
        }

        ArmDeadline();
        if (!done)
        {
            retryTimer?.Dispose();
            retryTimer = this.RegisterGrainTimer(async _ =>
            {
                retryTimer?.Dispose();
                retryTimer = null;
                await RunEffectsAsync();
            }, new GrainTimerCreationOptions { DueTime = options.Value.RetryDelay, Period = Timeout.InfiniteTimeSpan });
        }
    }

    /// <summary>
    /// Releases every line's hold, then stores that nothing is pending any more, so the sweeper stops waking the order.
    /// </summary>
    private async Task SettleStockAsync()
    {
        if (Order.PendingStock.HasFlag(OrderEffects.ReleaseStock))
        {
            await Task.WhenAll(Order.Lines.Select(line => Stock(line).Release(OrderId)));
            Order.PendingStock = OrderEffects.None;
            await SaveAsync();
        }
    }

    /// <summary>
    /// Paid, but a hold had already gone back to the shelf (the inventory swept it while this order could not reach
    /// it): the units may be sold to someone else, so the order cannot be fulfilled; its payment is refunded and what it
    /// still holds is let go (lines that did commit stay sold, see docs/architecture.md).
    /// </summary>
    private void HoldLost(ReservationResult[] results)
    {
        LogHoldLost(logger, OrderId);
        Order.PendingStock = OrderEffects.ReleaseStock;
        RefundCaptured();
        Order.Timeline.Add(new OrderTimelineEntry(Order.Status, clock.GetUtcNow(),
            $"Stock for {results.Count(r => r.Status != ReservationStatus.Committed)} line(s) was no longer held; the payment is refunded."));
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

    private async Task SaveAsync()
    {
        Order.UpdatedAt = clock.GetUtcNow();
        try
        {
            await state.WriteOrReloadAsync(this);
        }
        catch (Exception e) when (e is not DomainException)
        {
            // The grain deactivates and reloads what is stored; nothing of this state may be written on the way out.
            liveAfterSave.Clear();
            removalUnsaved = false;
            throw new DomainException(DomainErrorKind.Unavailable, "order-unavailable",
                "The order could not be stored. Nothing changed; retry.");
        }

        removalUnsaved = false;
        flushTimer?.Dispose();
        flushTimer = null;

        foreach (var live in liveAfterSave)
        {
            GrainFactory.Publish(FeedTopics.User(Order.BuyerId), live);
            GrainFactory.PublishToStore(Order.SellerId, live);
        }

        liveAfterSave.Clear();
        if (Order.Notices.Count > 0)
        {
            ScheduleNotices(options.Value.NoticeDelay);
        }
    }

    private void AddNotice(OrderNotice notice)
    {
        notice.Sequence = ++Order.NoticeSequence;
        Order.Notices.Add(notice);
    }

    /// <summary>
    /// Delivers stored notices on a timer turn of their own, so the request that caused them is answered without
    /// waiting for inboxes; the timer does not interleave with requests.
    /// </summary>
    private void ScheduleNotices(TimeSpan due)
    {
        if (noticeTimer is not null)
        {
            return;
        }

        noticeTimer = this.RegisterGrainTimer(async _ =>
        {
            noticeTimer?.Dispose();
            noticeTimer = null;
            try
            {
                await DeliverNoticesAsync();
            }
            catch (Exception e)
            {
                LogEffectFailed(logger, e, OrderId, Order.Status);
                ScheduleNotices(options.Value.RetryDelay);
            }
        }, new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan });
    }

    /// <summary>
    /// Tells the buyer and the store's staff (notification and live event). That it was done is stored with the
    /// order's next write, which usually follows anyway (a paid order is shipped, a shipped one delivered), or on its
    /// own after <see cref="OrderOptions.NoticeFlushDelay"/>.
    /// </summary>
    private async Task DeliverNoticesAsync()
    {
        if (Order.Notices.Count == 0)
        {
            return;
        }

        var notices = Order.Notices.ToList();
        await Task.WhenAll(notices.SelectMany(notice =>
        {
            FeedEvent? live = notice.StatusChanged ? new OrderChanged(OrderId, notice.Status, notice.At) : null;
            return new[]
            {
                GrainFactory.NotifyUser(Order.BuyerId, OrderNotices.Draft(Order, OrderId, notice, forStore: false), live),
                GrainFactory.NotifyStore(Order.SellerId, OrderNotices.Draft(Order, OrderId, notice, forStore: true), live),
            };
        }));
        Order.Notices.RemoveAll(notices.Contains);
        removalUnsaved = true;
        flushTimer ??= this.RegisterGrainTimer(async _ =>
        {
            flushTimer?.Dispose();
            flushTimer = null;
            await FlushRemovalAsync();
        }, new GrainTimerCreationOptions { DueTime = options.Value.NoticeFlushDelay, Period = Timeout.InfiniteTimeSpan });
    }

    /// <summary>Stores the removal of delivered notices if no write has carried it yet (on its timer, or on deactivation).</summary>
    private async Task FlushRemovalAsync()
    {
        if (!removalUnsaved)
        {
            return;
        }

        try
        {
            await SaveAsync();
        }
        catch (DomainException e)
        {
            // The stored state still lists the notices: the sweeper wakes the order, and delivering again changes nothing.
            LogEffectFailed(logger, e, OrderId, Order.Status);
        }
    }

    private void Remember(string eventId)
    {
        Order.AppliedEvents.Add(eventId);
        if (Order.AppliedEvents.Count > AppliedEventMemory)
        {
            Order.AppliedEvents.RemoveRange(0, Order.AppliedEvents.Count - AppliedEventMemory);
        }
    }

    private IInventoryGrain Stock(OrderLine line) => GrainFactory.GetGrain<IInventoryGrain>(GrainKeys.Sku(line.ProductId, line.Sku));

    private OrderView View()
    {
        var payment = Order.Payments.FirstOrDefault(p => string.Equals(p.PaymentId, Order.CapturedPaymentId, StringComparison.Ordinal))
            ?? Order.Payments.LastOrDefault();
        var shipment = Order.Shipment;
        return new OrderView(
            OrderId, Order.SellerId, Order.SellerName, Order.BuyerId, Order.Status, Order.Lines, Order.Currency, Order.Subtotal,
            Order.ShippingCost, Order.Total, Order.ShippingAddress!, Order.Note, Order.PlacedAt, Order.DecideBy, Order.Timeline,
            payment is null ? null : new OrderPayment(payment.PaymentId, payment.Status, payment.Amount, payment.RefundedAmount,
                payment.Status == "open" ? payment.RedirectUrl : null),
            shipment is null ? null : new OrderShipment(shipment.ShipmentId, shipment.TrackingNumber, shipment.LabelUrl, shipment.Status),
            Order.Payments.Sum(p => p.RefundedAmount));
    }

    private void RequireCreated()
    {
        if (!Order.Created)
        {
            throw DomainException.NotFound("The order");
        }
    }

    private void RequireSeller()
    {
        RequireCreated();
        if (!CallerContext.Require().ActsFor(Order.SellerId))
        {
            throw DomainException.Forbidden("not-your-order", "Only the order's store decides on it.");
        }
    }

    private static void RequireProvider()
    {
        if (!CallerContext.Require().Roles.HasFlag(CallerRoles.Provider))
        {
            throw DomainException.Forbidden("not-a-provider", "Provider events come only through a verified webhook.");
        }
    }

    private static void RequireText(string field, string? value, bool required)
    {
        if ((required && string.IsNullOrWhiteSpace(value)) || value?.Length > MaxTextLength)
        {
            throw DomainException.Invalid(new Dictionary<string, string[]>
            {
                [field] = [$"{(required ? "Required, at most" : "At most")} {MaxTextLength} characters."],
            });
        }

        if (!StorableText.IsStorable(value))
        {
            throw DomainException.Invalid(new Dictionary<string, string[]> { [field] = [StorableText.Refusal] });
        }
    }

    private void Validate(PlaceOrderRequest request)
    {
        if (!GrainKeys.IsOrderId(OrderId))
        {
            throw DomainException.Invalid(new Dictionary<string, string[]> { ["orderId"] = ["Not an order id."] });
        }

        var errors = new Dictionary<string, string[]>();
        if (request.Lines.Count is 0 or > MaxLines)
        {
            errors["lines"] = [$"Between 1 and {MaxLines} lines."];
        }
        else if (request.Lines.Any(l => l.Quantity < 1 || l.UnitPrice < 0 || l.Freight is < 0 or > MaxShippingCost)
            || request.Lines.DistinctBy(l => (l.ProductId, l.Sku)).Count() != request.Lines.Count)
        {
            errors["lines"] = ["Each SKU once, with a positive quantity, a price and a freight within bounds."];
        }

        if (!Currencies.IsSupported(request.Currency))
        {
            errors["currency"] = ["Not a known currency."];
        }

        DomainException.ThrowIfInvalid(errors);
    }

    private static DomainException ProviderUnavailable(string service, ExternalServiceException e) =>
        new(DomainErrorKind.Unavailable, $"{service}-unavailable", $"The {service} provider could not be reached ({e.Message}); retry.");

    private static string ShipmentStatusName(ShipmentStatus status) => status switch
    {
        ShipmentStatus.InTransit => "inTransit",
        ShipmentStatus.Delivered => "delivered",
        _ => "labelCreated",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId}: an effect failed while {Status}; it is retried")]
    private static partial void LogEffectFailed(ILogger logger, Exception exception, string orderId, OrderStatus status);

    [LoggerMessage(Level = LogLevel.Error, Message = "Order {OrderId} was paid but its stock hold was gone; refunding")]
    private static partial void LogHoldLost(ILogger logger, string orderId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId}: tracking event for unknown shipment {ShipmentId} ignored")]
    private static partial void LogUnknownShipment(ILogger logger, string orderId, string shipmentId);
}
