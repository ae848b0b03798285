using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;

namespace Marketplace.Sandbox.Infrastructure;

/// <summary>
/// Everything the sandbox knows, in memory, with every change appended to the journal before it is answered. One lock
/// keeps the check-then-act of idempotency keys, outcomes and refunds atomic; a sandbox never needs more throughput.
/// </summary>
public sealed partial class Ledger
{
    private readonly Lock gate = new();
    private readonly Journal journal;
    private readonly TimeProvider clock;
    private readonly ILogger<Ledger> logger;
    private readonly Dictionary<string, Payment> payments = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Shipment> shipments = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Scope, string Key), IdempotentAnswer> answers = [];
    private readonly Dictionary<string, WebhookEvent> pending = new(StringComparer.Ordinal);
    private readonly Channel<WebhookEvent> scheduled = Channel.CreateUnbounded<WebhookEvent>();

    public Ledger(Journal journal, TimeProvider clock, ILogger<Ledger> logger)
    {
        this.journal = journal;
        this.clock = clock;
        this.logger = logger;
        var entries = 0;
        foreach (var entry in journal.ReadAll())
        {
            Apply(entry);
            entries++;
        }

        foreach (var webhook in pending.Values.OrderBy(e => e.DueAt))
        {
            scheduled.Writer.TryWrite(webhook);
        }

        LogLoaded(entries, payments.Count, shipments.Count, pending.Count);
    }

    /// <summary>Webhooks to deliver: those left undelivered by an earlier run first, then every new one.</summary>
    public ChannelReader<WebhookEvent> Scheduled => scheduled.Reader;

    public Payment? FindPayment(string paymentId)
    {
        lock (gate)
        {
            return payments.GetValueOrDefault(paymentId);
        }
    }

    public Shipment? FindShipment(string shipmentId)
    {
        lock (gate)
        {
            return shipments.GetValueOrDefault(shipmentId);
        }
    }

    /// <summary>
    /// Runs <paramref name="create"/> once per (scope, key): a retry with the same fingerprint gets the first answer,
    /// another fingerprint gets <see cref="IdempotencyResult.Mismatch"/>. A refusal from <paramref name="create"/> is
    /// not remembered, so the caller may fix the request and try again with the same key.
    /// </summary>
    public IdempotencyResult Once(string scope, string key, string fingerprint, Func<DateTimeOffset, Creation> create)
    {
        lock (gate)
        {
            if (answers.TryGetValue((scope, key), out var earlier))
            {
                return earlier.Fingerprint == fingerprint
                    ? new IdempotencyResult(earlier, Replayed: true, Refusal: null, Mismatch: false)
                    : new IdempotencyResult(null, Replayed: false, Refusal: null, Mismatch: true);
            }

            var creation = create(clock.GetUtcNow());
            if (creation.Refusal is not null)
            {
                return new IdempotencyResult(null, Replayed: false, creation.Refusal, Mismatch: false);
            }

            var answer = new IdempotentAnswer(scope, key, fingerprint, creation.Status,
                JsonSerializer.Serialize(creation.Response, SandboxJson.Options));
            Commit(creation.Entry! with { Idempotency = answer });
            return new IdempotencyResult(answer, Replayed: false, Refusal: null, Mismatch: false);
        }
    }

    /// <summary>Builds the journal entry of a new payment; call inside <see cref="Once"/>.</summary>
    public Creation NewPayment(Payment payment) =>
        new(StatusCodes.Status201Created, PaymentView.Of(payment), new JournalEntry(Payment: payment), null);

    /// <summary>How much later than its answer an announced charge's webhook is sent (the news travels slower).</summary>
    public static readonly TimeSpan AnnouncedChargeDelay = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Builds the journal entry of a card charge, decided at once; with <paramref name="announce"/> its outcome is sent
    /// to the webhook too (a charge's caller normally learns it from the answer). Call inside <see cref="Once"/>.
    /// </summary>
    public Creation NewCharge(Payment payment, bool announce)
    {
        WebhookEvent[] events = announce && payment.WebhookUrl.Length > 0
            ? [PaymentEvent(payment, payment.Status == PaymentStatus.Succeeded ? "payment.succeeded" : "payment.failed", payment.CreatedAt, null)
                with { DueAt = payment.CreatedAt + AnnouncedChargeDelay }]
            : [];
        return new(StatusCodes.Status201Created, PaymentView.Of(payment), new JournalEntry(Payment: payment, Events: events), null);
    }

    public Creation NewShipment(Shipment shipment, DateTimeOffset now) =>
        new(StatusCodes.Status201Created, ShipmentView.Of(shipment, now), new JournalEntry(
            Shipment: shipment,
            Events:
            [
                TrackingEvent(shipment, "shipment.in_transit", shipment.InTransitAt),
                TrackingEvent(shipment, "shipment.delivered", shipment.DeliveredAt),
            ]), null);

    /// <summary>Refunds part or all of a succeeded payment; call inside <see cref="Once"/>.</summary>
    public Creation NewRefund(string paymentId, long amount, DateTimeOffset now)
    {
        if (!payments.TryGetValue(paymentId, out var payment))
        {
            return Creation.Refused(new Refusal(StatusCodes.Status404NotFound, "payment-not-found", "No such payment."));
        }

        if (payment.Status != PaymentStatus.Succeeded)
        {
            return Creation.Refused(new Refusal(StatusCodes.Status422UnprocessableEntity, "payment-not-captured",
                $"Only a succeeded payment can be refunded; this one is {payment.Status}."));
        }

        var refundable = payment.Amount - payment.RefundedAmount;
        if (amount > refundable)
        {
            return Creation.Refused(new Refusal(StatusCodes.Status422UnprocessableEntity, "refund-exceeds-capture",
                $"At most {refundable} can still be refunded of this payment."));
        }

        var refund = new Refund(NewId("re"), paymentId, amount, payment.Currency, now);
        var updated = payment with { RefundedAmount = payment.RefundedAmount + amount };
        // A charge made without a webhook URL learns of its refunds from this answer alone.
        WebhookEvent[] webhooks = payment.WebhookUrl.Length > 0 ? [PaymentEvent(updated, "refund.succeeded", now, refund)] : [];
        return new Creation(StatusCodes.Status201Created, RefundView.Of(refund),
            new JournalEntry(Payment: updated, Refund: refund, Events: webhooks), null);
    }

    /// <summary>Sets a payment's outcome once; the same outcome again is a no-op, another one a conflict.</summary>
    public OutcomeResult SetOutcome(string paymentId, bool succeeded)
    {
        lock (gate)
        {
            if (!payments.TryGetValue(paymentId, out var payment))
            {
                return new OutcomeResult(OutcomeKind.NotFound, null);
            }

            var status = succeeded ? PaymentStatus.Succeeded : PaymentStatus.Failed;
            if (payment.Status != PaymentStatus.Open)
            {
                return new OutcomeResult(payment.Status == status ? OutcomeKind.Unchanged : OutcomeKind.Conflict, payment);
            }

            var now = clock.GetUtcNow();
            var updated = payment with { Status = status, CompletedAt = now };
            var webhook = PaymentEvent(updated, succeeded ? "payment.succeeded" : "payment.failed", now, null);
            Commit(new JournalEntry(Payment: updated, Events: [webhook]));
            return new OutcomeResult(OutcomeKind.Changed, updated);
        }
    }

    public void MarkDelivered(string eventId) => Settle(eventId, new JournalEntry(Delivered: eventId));

    public void MarkAbandoned(string eventId) => Settle(eventId, new JournalEntry(Abandoned: eventId));

    public static string NewId(string prefix) => $"{prefix}_{Guid.NewGuid():N}";

    private void Settle(string eventId, JournalEntry entry)
    {
        lock (gate)
        {
            if (pending.ContainsKey(eventId))
            {
                Commit(entry);
            }
        }
    }

    private void Commit(JournalEntry entry)
    {
        journal.Append(entry);
        Apply(entry);
        foreach (var webhook in entry.Events ?? [])
        {
            scheduled.Writer.TryWrite(webhook);
        }
    }

    private void Apply(JournalEntry entry)
    {
        if (entry.Payment is { } payment)
        {
            payments[payment.PaymentId] = payment;
        }

        if (entry.Shipment is { } shipment)
        {
            shipments[shipment.ShipmentId] = shipment;
        }

        if (entry.Idempotency is { } answer)
        {
            answers[(answer.Scope, answer.Key)] = answer;
        }

        foreach (var webhook in entry.Events ?? [])
        {
            pending[webhook.Id] = webhook;
        }

        if (entry.Delivered is { } delivered)
        {
            pending.Remove(delivered);
        }

        if (entry.Abandoned is { } abandoned)
        {
            pending.Remove(abandoned);
        }
    }

    private static WebhookEvent PaymentEvent(Payment payment, string type, DateTimeOffset now, Refund? refund)
    {
        var id = NewId("evt");
        var body = new PaymentEventBody(id, type, payment.PaymentId, payment.OrderId, refund?.Amount ?? payment.Amount,
            payment.Currency, now, refund?.RefundId);
        return new WebhookEvent(id, WebhookChannel.Payments, payment.WebhookUrl,
            JsonSerializer.Serialize(body, SandboxJson.Options), now);
    }

    private static WebhookEvent TrackingEvent(Shipment shipment, string type, DateTimeOffset at)
    {
        var id = NewId("evt");
        var body = new ShipmentEventBody(id, type, shipment.ShipmentId, shipment.TrackingNumber, shipment.OrderId, at);
        return new WebhookEvent(id, WebhookChannel.Shipping, shipment.WebhookUrl,
            JsonSerializer.Serialize(body, SandboxJson.Options), at);
    }

    public static string NewTrackingNumber() =>
        $"SBX{RandomNumberGenerator.GetInt32(100_000, 1_000_000)}{RandomNumberGenerator.GetInt32(100_000, 1_000_000)}";

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Journal replayed: {Entries} entries, {Payments} payments, {Shipments} shipments, {Pending} webhooks to deliver")]
    private partial void LogLoaded(int entries, int payments, int shipments, int pending);

    private sealed record PaymentEventBody(
        string Id, string Type, string PaymentId, string OrderId, long Amount, string Currency, DateTimeOffset CreatedAt,
        string? RefundId);

    private sealed record ShipmentEventBody(
        string Id, string Type, string ShipmentId, string TrackingNumber, string OrderId, DateTimeOffset CreatedAt);
}

public static class PaymentStatus
{
    public const string Open = "open";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

/// <summary>What a create operation produced: an answer and the journal entry behind it, or a refusal.</summary>
public sealed record Creation(int Status, object? Response, JournalEntry? Entry, Refusal? Refusal)
{
    public static Creation Refused(Refusal refusal) => new(0, null, null, refusal);
}

public sealed record Refusal(int Status, string Code, string Detail);

public sealed record IdempotencyResult(IdempotentAnswer? Answer, bool Replayed, Refusal? Refusal, bool Mismatch);

public enum OutcomeKind
{
    NotFound,
    Changed,
    Unchanged,
    Conflict,
}

public sealed record OutcomeResult(OutcomeKind Kind, Payment? Payment);

public sealed record PaymentView(
    string PaymentId, string Status, string RedirectUrl, long Amount, string Currency, string OrderId,
    long RefundedAmount, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, string? Card)
{
    public static PaymentView Of(Payment p) =>
        new(p.PaymentId, p.Status, p.RedirectUrl, p.Amount, p.Currency, p.OrderId, p.RefundedAmount, p.CreatedAt, p.CompletedAt, p.Card);
}

public sealed record RefundView(string RefundId, string PaymentId, long Amount, string Currency, string Status, DateTimeOffset CreatedAt)
{
    public static RefundView Of(Refund r) => new(r.RefundId, r.PaymentId, r.Amount, r.Currency, "succeeded", r.CreatedAt);
}

public sealed record ShipmentView(
    string ShipmentId, string TrackingNumber, string LabelUrl, string Status, string OrderId, DateTimeOffset CreatedAt, string Kind)
{
    /// <summary>The status follows the schedule, whether or not the receiver has taken the webhook yet.</summary>
    public static ShipmentView Of(Shipment s, DateTimeOffset now) =>
        new(s.ShipmentId, s.TrackingNumber, s.LabelUrl,
            now >= s.DeliveredAt ? "delivered" : now >= s.InTransitAt ? "in_transit" : "label_created",
            s.OrderId, s.CreatedAt, s.Kind);
}
