using System.Globalization;
using System.Net;
using Marketplace.Sandbox.Infrastructure;

namespace Marketplace.Sandbox.Payments;

/// <summary>
/// The hosted payment page a shopper is redirected to. No API key: like a real provider's page it is reached by its
/// unguessable payment id. A script can POST the form field just as a browser does.
/// </summary>
public static class CheckoutPage
{
    public static IEndpointRouteBuilder MapCheckoutPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/checkout/{paymentId}", Show).WithName("CheckoutPage").WithTags("Hosted pages");
        app.MapPost("/checkout/{paymentId}", CompleteAsync).WithName("CheckoutSubmit").WithTags("Hosted pages")
            .DisableAntiforgery();
        return app;
    }

    private static IResult Show(string paymentId, Ledger ledger)
    {
        if (ledger.FindPayment(paymentId) is not { } payment)
        {
            return Page(StatusCodes.Status404NotFound, "Payment not found", "<p>This payment link is not valid.</p>");
        }

        var amount = Encode(FormatAmount(payment.Amount, payment.Currency));
        var order = Encode(payment.OrderId);
        if (payment.Status != PaymentStatus.Open)
        {
            return Page(StatusCodes.Status200OK, "Payment " + payment.Status,
                $"""
                <p class="amount">{amount}</p>
                <p>Order <code>{order}</code>: this payment has already {Encode(payment.Status)}.</p>
                <p><a class="button" href="{Encode(payment.ReturnUrl)}">Back to the shop</a></p>
                """);
        }

        return Page(StatusCodes.Status200OK, "Pay " + FormatAmount(payment.Amount, payment.Currency),
            $"""
            <p class="label">Amount due</p>
            <p class="amount">{amount}</p>
            <p>Order <code>{order}</code></p>
            <form method="post" action="/checkout/{Encode(payment.PaymentId)}">
              <button class="pay" type="submit" name="outcome" value="succeeded">Pay {amount}</button>
              <button class="decline" type="submit" name="outcome" value="declined">Decline</button>
            </form>
            <p class="note">Sandbox: no money moves. Pay succeeds the payment, Decline fails it.</p>
            """);
    }

    private static async Task<IResult> CompleteAsync(string paymentId, HttpRequest request, Ledger ledger, CancellationToken ct)
    {
        string? outcome = null;
        if (request.HasFormContentType)
        {
            try
            {
                outcome = (await request.ReadFormAsync(ct))["outcome"].ToString();
            }
            catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
            {
                outcome = null;
            }
        }

        if (PaymentsApi.Outcome(outcome) is not { } succeeded)
        {
            return Page(StatusCodes.Status400BadRequest, "Unknown choice",
                "<p>Send the form field <code>outcome</code> as <code>succeeded</code> or <code>declined</code>.</p>");
        }

        var result = ledger.SetOutcome(paymentId, succeeded);
        return result.Kind switch
        {
            OutcomeKind.NotFound => Page(StatusCodes.Status404NotFound, "Payment not found",
                "<p>This payment link is not valid.</p>"),
            OutcomeKind.Conflict => Page(StatusCodes.Status409Conflict, "Payment already completed",
                $"""
                <p>This payment has already {Encode(result.Payment!.Status)}; it cannot change.</p>
                <p><a class="button" href="{Encode(result.Payment.ReturnUrl)}">Back to the shop</a></p>
                """),
            _ => new SeeOther(result.Payment!.ReturnUrl),
        };
    }

    /// <summary>Minor units shown in the currency's own exponent: CLP 8.990 has none, USD 45.99 has two.</summary>
    public static string FormatAmount(long amount, string currency)
    {
        var exponent = currency switch
        {
            "CLP" or "JPY" or "KRW" or "PYG" or "VND" or "ISK" or "UGX" or "XAF" or "XOF" => 0,
            "BHD" or "KWD" or "OMR" or "JOD" or "TND" => 3,
            _ => 2,
        };
        var major = amount / (decimal)Math.Pow(10, exponent);
        return $"{currency} {major.ToString("N" + exponent, CultureInfo.InvariantCulture)}";
    }

    private static string Encode(string value) => WebUtility.HtmlEncode(value);

    private static IResult Page(int status, string title, string body) => TypedResults.Content(
        $$"""
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>{{Encode(title)}} · Sandbox Pay</title>
          <style>
            body { font-family: system-ui, sans-serif; background: #f4f5f7; color: #1d2330; margin: 0; }
            main { max-width: 26rem; margin: 4rem auto; background: #fff; border-radius: 12px; padding: 2rem;
                   box-shadow: 0 2px 12px rgba(0,0,0,.08); }
            h1 { font-size: 1rem; letter-spacing: .04em; text-transform: uppercase; color: #5b6475; margin: 0 0 1.5rem; }
            .label { margin: 0; color: #5b6475; }
            .amount { font-size: 2.2rem; font-weight: 600; margin: .2rem 0 1rem; }
            form { display: flex; gap: .75rem; margin: 1.5rem 0 1rem; }
            button, .button { flex: 1; font: inherit; padding: .8rem 1rem; border-radius: 8px; border: 0; cursor: pointer;
                              text-decoration: none; text-align: center; display: inline-block; }
            .pay, .button { background: #2f6fed; color: #fff; }
            .decline { background: #eceef2; color: #1d2330; }
            .note { font-size: .85rem; color: #7a8294; }
            code { background: #eceef2; padding: .1rem .35rem; border-radius: 4px; }
          </style>
        </head>
        <body>
          <main>
            <h1>Sandbox Pay</h1>
            {{body}}
          </main>
        </body>
        </html>
        """,
        "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);
}
