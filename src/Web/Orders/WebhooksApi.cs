using System.Text.Json;
using Marketplace.Contracts.Orders;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Web.Orders;

/// <summary>A payment provider's event as it arrives: <c>type</c> is payment.succeeded, payment.failed or refund.succeeded.</summary>
public sealed record PaymentWebhook(string? Id, string? Type, string? PaymentId, string? OrderId, long Amount, string? Currency, string? RefundId);

/// <summary>A carrier's tracking event: <c>type</c> is shipment.in_transit or shipment.delivered.</summary>
public sealed record ShipmentWebhook(string? Id, string? Type, string? ShipmentId, string? TrackingNumber, string? OrderId);

/// <summary>What the receiver did with an event; anything 2xx tells the provider to stop delivering it.</summary>
public sealed record WebhookReceipt(string Status, string? Reason = null);

/// <summary>
/// Signed provider callbacks. An event is acted on only with a valid, fresh signature; it is answered 2xx only after the
/// order stored it (a redelivery is recognised by its event id and changes nothing), so a crash before the answer means
/// the provider delivers again. Events that name no order of ours are acknowledged and ignored, so they are not retried forever.
/// </summary>
public static partial class WebhooksApi
{
    private const int MaxBodyBytes = 64 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { StorableInput.Converter } };

    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder routes)
    {
        var hooks = routes.MapGroup("/webhooks").WithTags("Webhooks").AllowAnonymous();
        hooks.MapPost("/payments", Payments).WithName("PaymentWebhook").WithSummary("Payment provider events (signed)");
        hooks.MapPost("/shipping", Shipping).WithName("ShippingWebhook").WithSummary("Carrier tracking events (signed)");
        return routes;
    }

    private static async Task<Results<Ok<WebhookReceipt>, ProblemHttpResult>> Payments(
        HttpRequest http, IConfiguration configuration, IGrainFactory grains, TimeProvider clock, ILoggerFactory logs)
    {
        var (body, refused) = await ReadSignedAsync(http, configuration["Payments:WebhookSecret"], clock);
        if (refused is not null)
        {
            return refused;
        }

        if (Parse<PaymentWebhook>(body) is not { Id: { } id, PaymentId: { } paymentId, Currency: { } currency } hook)
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, "event-malformed", "The event is not a payment event.");
        }

        PaymentEventKind? kind = hook.Type switch
        {
            "payment.succeeded" => PaymentEventKind.Succeeded,
            "payment.failed" => PaymentEventKind.Failed,
            "refund.succeeded" when hook.RefundId is not null => PaymentEventKind.RefundSucceeded,
            _ => null,
        };
        if (kind is null)
        {
            return TypedResults.Ok(new WebhookReceipt("ignored", $"Event type '{hook.Type}' is not used."));
        }

        return await DeliverAsync(hook.OrderId, "payments", grains, logs,
            order => order.ApplyPaymentEvent(new PaymentEvent(id, kind.Value, paymentId, hook.Amount, currency, hook.RefundId)));
    }

    private static async Task<Results<Ok<WebhookReceipt>, ProblemHttpResult>> Shipping(
        HttpRequest http, IConfiguration configuration, IGrainFactory grains, TimeProvider clock, ILoggerFactory logs)
    {
        var (body, refused) = await ReadSignedAsync(http, configuration["Shipping:WebhookSecret"], clock);
        if (refused is not null)
        {
            return refused;
        }

        if (Parse<ShipmentWebhook>(body) is not { Id: { } id, ShipmentId: { } shipmentId } hook)
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, "event-malformed", "The event is not a tracking event.");
        }

        ShipmentEventKind? kind = hook.Type switch
        {
            "shipment.in_transit" => ShipmentEventKind.InTransit,
            "shipment.delivered" => ShipmentEventKind.Delivered,
            _ => null,
        };
        if (kind is null)
        {
            return TypedResults.Ok(new WebhookReceipt("ignored", $"Event type '{hook.Type}' is not used."));
        }

        return await DeliverAsync(hook.OrderId, "shipping", grains, logs,
            order => order.ApplyShipmentEvent(new ShipmentEvent(id, kind.Value, shipmentId)));
    }

    private static async Task<Results<Ok<WebhookReceipt>, ProblemHttpResult>> DeliverAsync(
        string? orderId, string provider, IGrainFactory grains, ILoggerFactory logs, Func<IOrderGrain, Task> apply)
    {
        if (!GrainKeys.IsOrderId(orderId))
        {
            LogUnknownOrder(logs.CreateLogger(typeof(WebhooksApi)), provider, orderId);
            return TypedResults.Ok(new WebhookReceipt("ignored", "No such order."));
        }

        CallerContext.Set(new Caller("provider:" + provider, CallerRoles.Provider, null));
        try
        {
            await apply(grains.GetGrain<IOrderGrain>(orderId!));
        }
        catch (DomainException e) when (e.Kind == DomainErrorKind.NotFound)
        {
            LogUnknownOrder(logs.CreateLogger(typeof(WebhooksApi)), provider, orderId);
            return TypedResults.Ok(new WebhookReceipt("ignored", "No such order."));
        }

        return TypedResults.Ok(new WebhookReceipt("applied"));
    }

    /// <summary>The raw body when its signature is valid and fresh; otherwise the refusal (401, or 503 when unconfigured).</summary>
    private static async Task<(byte[] Body, ProblemHttpResult? Refused)> ReadSignedAsync(HttpRequest http, string? secret, TimeProvider clock)
    {
        if (!http.Headers.ContainsKey(WebhookSignature.HeaderName))
        {
            return ([], Unauthorized("signature-missing", $"The {WebhookSignature.HeaderName} header is missing."));
        }

        if (string.IsNullOrEmpty(secret))
        {
            return ([], ApiProblems.Problem(StatusCodes.Status503ServiceUnavailable, "webhooks-not-configured",
                "This host has no webhook secret for the provider."));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await http.Body.ReadAsync(chunk, http.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return ([], ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, "event-too-large", "An event is at most 64 KiB."));
            }

            buffer.Write(chunk, 0, read);
        }

        var body = buffer.ToArray();
        var verdict = WebhookSignature.Verify(http.Headers[WebhookSignature.HeaderName].ToString(), body, secret, clock.GetUtcNow());
        return verdict switch
        {
            WebhookSignatureResult.Ok => (body, null),
            WebhookSignatureResult.Missing => (body, Unauthorized("signature-missing", $"The {WebhookSignature.HeaderName} header is missing.")),
            WebhookSignatureResult.Stale => (body, Unauthorized("signature-stale", "The signature is too old (more than 300 s); possibly a replay.")),
            WebhookSignatureResult.Malformed => (body, Unauthorized("signature-malformed", "The signature header does not read as t=…,v1=….")),
            _ => (body, Unauthorized("signature-invalid", "The signature does not match the body.")),
        };
    }

    private static ProblemHttpResult Unauthorized(string code, string detail) =>
        ApiProblems.Problem(StatusCodes.Status401Unauthorized, code, detail);

    private static T? Parse<T>(byte[] body)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A signed {Provider} event names no order of ours ({OrderId}); acknowledged and ignored")]
    private static partial void LogUnknownOrder(ILogger logger, string provider, string? orderId);
}
