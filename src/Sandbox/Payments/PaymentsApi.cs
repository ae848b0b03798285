using System.Text.RegularExpressions;
using Marketplace.Sandbox.Infrastructure;
using Microsoft.Extensions.Options;

namespace Marketplace.Sandbox.Payments;

/// <summary>The payment provider's API: hosted-checkout payments, refunds and a test hook to settle a payment.</summary>
public static partial class PaymentsApi
{
    public static IEndpointRouteBuilder MapPaymentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").RequireApiKey(o => o.Payments.ApiKey).WithTags("Payments");
        api.MapPost("/payments", CreatePaymentAsync).WithName("CreatePayment");
        api.MapGet("/payments/{paymentId}", GetPayment).WithName("GetPayment");
        api.MapPost("/payments/{paymentId}/outcome", SetOutcomeAsync).WithName("SetPaymentOutcome");
        api.MapPost("/charges", CreateChargeAsync).WithName("CreateCharge");
        api.MapPost("/refunds", CreateRefundAsync).WithName("CreateRefund");
        return app;
    }

    private static async Task<IResult> CreatePaymentAsync(
        HttpRequest request, Ledger ledger, IOptions<SandboxOptions> options, CancellationToken ct)
    {
        if (!Http.TryGetIdempotencyKey(request, out var key, out var keyError))
        {
            return keyError!;
        }

        var (body, error) = await Http.ReadJsonAsync<CreatePaymentRequest>(request, ct);
        if (error is not null)
        {
            return error;
        }

        var errors = ChargeErrors(body!.OrderId, body.Amount, body.Currency);

        if (!Http.IsHttpUrl(body.ReturnUrl))
        {
            errors["returnUrl"] = ["An absolute http(s) URL."];
        }

        if (!Http.IsHttpUrl(body.WebhookUrl))
        {
            errors["webhookUrl"] = ["An absolute http(s) URL."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var baseUrl = Http.PublicBase(request, options.Value);
        var result = ledger.Once("payment", key, Http.Fingerprint(body), now =>
        {
            var id = Ledger.NewId("pay");
            return ledger.NewPayment(new Payment(id, body.OrderId!, body.Amount!.Value, body.Currency!, body.ReturnUrl!,
                body.WebhookUrl!, $"{baseUrl}/checkout/{id}", PaymentStatus.Open, 0, now, null));
        });
        return Http.Answer(request.HttpContext.Response, result);
    }

    private static IResult GetPayment(string paymentId, Ledger ledger) =>
        ledger.FindPayment(paymentId) is { } payment
            ? TypedResults.Ok(PaymentView.Of(payment))
            : Http.Problem(StatusCodes.Status404NotFound, "payment-not-found", "No such payment.");

    private static async Task<IResult> SetOutcomeAsync(string paymentId, HttpRequest request, Ledger ledger, CancellationToken ct)
    {
        var (body, error) = await Http.ReadJsonAsync<OutcomeRequest>(request, ct);
        if (error is not null)
        {
            return error;
        }

        if (Outcome(body!.Outcome) is not { } succeeded)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["outcome"] = ["Either \"succeeded\" or \"declined\"."],
            });
        }

        var result = ledger.SetOutcome(paymentId, succeeded);
        return result.Kind switch
        {
            OutcomeKind.NotFound => Http.Problem(StatusCodes.Status404NotFound, "payment-not-found", "No such payment."),
            OutcomeKind.Conflict => Http.Problem(StatusCodes.Status409Conflict, "payment-already-completed",
                $"The payment already {result.Payment!.Status}."),
            _ => TypedResults.Ok(PaymentView.Of(result.Payment!)),
        };
    }

    /// <summary>
    /// A card-present (or stored-card) charge: approved or declined in the answer, no hosted page. The card number is
    /// looked at and forgotten; the ledger keeps its brand and last four digits only. The test card
    /// <see cref="DeclinedTestCard"/> is always declined; <see cref="LostAnswerTestCard"/> is charged, but the caller
    /// gets a 503 instead of the answer (every time it asks), and learns of the capture only from the webhook.
    /// </summary>
    private static async Task<IResult> CreateChargeAsync(HttpRequest request, Ledger ledger, CancellationToken ct)
    {
        if (!Http.TryGetIdempotencyKey(request, out var key, out var keyError))
        {
            return keyError!;
        }

        var (body, error) = await Http.ReadJsonAsync<CreateChargeRequest>(request, ct);
        if (error is not null)
        {
            return error;
        }

        var errors = ChargeErrors(body!.OrderId, body.Amount, body.Currency);

        var digits = new string((body.Card?.Number ?? "").Where(char.IsAsciiDigit).ToArray());
        if (digits.Length is < 8 or > 19)
        {
            errors["card.number"] = ["Between 8 and 19 digits."];
        }

        if (body.WebhookUrl is not null && !Http.IsHttpUrl(body.WebhookUrl))
        {
            errors["webhookUrl"] = ["An absolute http(s) URL."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // The fingerprint must not keep the card number either: a hash of the request without it.
        var fingerprint = Http.Fingerprint(body with { Card = body.Card! with { Number = digits[^4..] } });
        var approved = digits != DeclinedTestCard;
        var answerLost = digits == LostAnswerTestCard;
        var card = $"{body.Card!.Brand ?? "card"} {digits[^4..]}";
        var result = ledger.Once("charge", key, fingerprint, now => ledger.NewCharge(new Payment(
            Ledger.NewId("pay"), body.OrderId!, body.Amount!.Value, body.Currency!, "", body.WebhookUrl ?? "", "",
            approved ? PaymentStatus.Succeeded : PaymentStatus.Failed, 0, now, now, card), announce: answerLost));
        return answerLost && result.Answer is not null
            ? Http.Problem(StatusCodes.Status503ServiceUnavailable, "gateway-timeout",
                "The card network did not answer in time; the charge may have gone through (the webhook will tell).")
            : Http.Answer(request.HttpContext.Response, result);
    }

    /// <summary>What every way of taking money checks first: the order it is for, a positive amount, a currency code.</summary>
    private static Dictionary<string, string[]> ChargeErrors(string? orderId, long? amount, string? currency)
    {
        var errors = new Dictionary<string, string[]>();
        Http.RequireText(errors, "orderId", orderId);
        if (amount is not (> 0 and <= 1_000_000_000_000))
        {
            errors["amount"] = ["A positive integer amount in minor units (at most 10^12)."];
        }

        if (currency is null || !CurrencyCode().IsMatch(currency))
        {
            errors["currency"] = ["An ISO 4217 code: three capital letters."];
        }

        return errors;
    }

    /// <summary>The card number a charge always declines (for tests of the decline path).</summary>
    public const string DeclinedTestCard = "4000000000000002";

    /// <summary>
    /// The card number whose charge succeeds while its answer is lost on the way back: the caller sees a 503 and the
    /// <c>payment.succeeded</c> webhook is the only news of the capture (for tests of an unreachable gateway).
    /// </summary>
    public const string LostAnswerTestCard = "4000000000000119";

    private static async Task<IResult> CreateRefundAsync(HttpRequest request, Ledger ledger, CancellationToken ct)
    {
        if (!Http.TryGetIdempotencyKey(request, out var key, out var keyError))
        {
            return keyError!;
        }

        var (body, error) = await Http.ReadJsonAsync<CreateRefundRequest>(request, ct);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string[]>();
        Http.RequireText(errors, "paymentId", body!.PaymentId);
        if (body.Amount is not (> 0 and <= 1_000_000_000_000))
        {
            errors["amount"] = ["A positive integer amount in minor units."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var result = ledger.Once("refund", key, Http.Fingerprint(body),
            now => ledger.NewRefund(body.PaymentId!, body.Amount!.Value, now));
        return Http.Answer(request.HttpContext.Response, result);
    }

    /// <summary>"succeeded" → true, "declined" → false, anything else → null.</summary>
    public static bool? Outcome(string? value) => value switch
    {
        "succeeded" => true,
        "declined" => false,
        _ => null,
    };

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyCode();

    private sealed record CreatePaymentRequest(string? OrderId, long? Amount, string? Currency, string? ReturnUrl, string? WebhookUrl);

    private sealed record CreateChargeRequest(string? OrderId, long? Amount, string? Currency, ChargeCard? Card, string? WebhookUrl);

    private sealed record ChargeCard(string? Number, string? Brand, string? Holder, string? Expiry);

    private sealed record CreateRefundRequest(string? PaymentId, long? Amount);

    private sealed record OutcomeRequest(string? Outcome);
}
