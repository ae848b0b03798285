using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Marketplace.Web.Infrastructure;

namespace Marketplace.Sandbox.Tests;

[Collection(SandboxCollection.Name)]
public sealed class PaymentsTests(SandboxFixture fixture)
{
    [Fact]
    public async Task Creating_a_payment_is_idempotent_and_needs_the_api_key()
    {
        using var http = fixture.Payments();
        var (_, hook) = fixture.Receiver.NewInbox();
        var key = Guid.NewGuid().ToString();
        var body = SandboxCalls.PaymentBody(hook, 12990);

        using var first = await http.CreatePaymentAsync(key, body);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var payment = await first.JsonAsync();
        Assert.Equal("open", payment.Id("status"));
        Assert.Equal(12990, payment.GetProperty("amount").GetInt64());
        Assert.Equal("CLP", payment.Id("currency"));
        Assert.StartsWith($"{fixture.Sandbox.BaseAddress}checkout/", payment.Id("redirectUrl"), StringComparison.Ordinal);

        using var retry = await http.CreatePaymentAsync(key, body);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(payment.Id("paymentId"), (await retry.JsonAsync()).Id("paymentId"));
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());

        using var reused = await http.CreatePaymentAsync(key, SandboxCalls.PaymentBody(hook, 12991));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal("idempotency-key-reused", (await reused.JsonAsync()).Id("code"));

        using var anonymous = SandboxFixture.Client(fixture.Sandbox, apiKey: null);
        using var noKey = await anonymous.CreatePaymentAsync(Guid.NewGuid().ToString(), body);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal("application/problem+json", noKey.Content.Headers.ContentType?.MediaType);

        using var wrong = SandboxFixture.Client(fixture.Sandbox, "pk_test_not_the_right_key_at_all");
        using var wrongKey = await wrong.CreatePaymentAsync(Guid.NewGuid().ToString(), body);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);

        // The carrier's key opens the carrier only.
        using var carrierKey = await fixture.Shipping().CreatePaymentAsync(Guid.NewGuid().ToString(), body);
        Assert.Equal(HttpStatusCode.Unauthorized, carrierKey.StatusCode);
        using var unknown = await anonymous.GetAsync($"/v1/payments/{payment.Id("paymentId")}");
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);

        using var fetched = await http.GetAsync($"/v1/payments/{payment.Id("paymentId")}");
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal(payment.Id("orderId"), (await fetched.JsonAsync()).Id("orderId"));
    }

    [Fact]
    public async Task The_hosted_page_offers_pay_and_decline_and_paying_redirects_to_the_shop()
    {
        using var http = fixture.Payments();
        var (inbox, hook) = fixture.Receiver.NewInbox();
        var orderId = "ord_" + Guid.NewGuid().ToString("N");
        using var created = await http.CreatePaymentAsync(Guid.NewGuid().ToString(), SandboxCalls.PaymentBody(hook, 1234567, orderId));
        var payment = await created.JsonAsync();
        var page = new Uri(payment.Id("redirectUrl"));

        using var browser = SandboxFixture.Client(fixture.Sandbox, apiKey: null);
        using var shown = await browser.GetAsync(page.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Equal("text/html", shown.Content.Headers.ContentType?.MediaType);
        var html = await shown.Content.ReadAsStringAsync();
        Assert.Contains($"<form method=\"post\" action=\"{page.AbsolutePath}\">", html, StringComparison.Ordinal);
        Assert.Contains("name=\"outcome\" value=\"succeeded\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"outcome\" value=\"declined\"", html, StringComparison.Ordinal);
        Assert.Contains("CLP 1,234,567", html, StringComparison.Ordinal);
        Assert.Contains(orderId, html, StringComparison.Ordinal);

        using var pay = await browser.PostAsync(page.PathAndQuery,
            new FormUrlEncodedContent([new("outcome", "succeeded")]));
        Assert.Equal(HttpStatusCode.SeeOther, pay.StatusCode);
        Assert.Equal("http://shop.example/orders/return", pay.Headers.Location?.ToString());

        // A repeated click is harmless; changing the outcome afterwards is not allowed.
        using var again = await browser.PostAsync(page.PathAndQuery, new FormUrlEncodedContent([new("outcome", "succeeded")]));
        Assert.Equal(HttpStatusCode.SeeOther, again.StatusCode);
        using var decline = await browser.PostAsync(page.PathAndQuery, new FormUrlEncodedContent([new("outcome", "declined")]));
        Assert.Equal(HttpStatusCode.Conflict, decline.StatusCode);
        Assert.Equal("text/html", decline.Content.Headers.ContentType?.MediaType);
        using var nonsense = await browser.PostAsync(page.PathAndQuery, new FormUrlEncodedContent([new("outcome", "maybe")]));
        Assert.Equal(HttpStatusCode.BadRequest, nonsense.StatusCode);

        using var fetched = await http.GetAsync($"/v1/payments/{payment.Id("paymentId")}");
        Assert.Equal("succeeded", (await fetched.JsonAsync()).Id("status"));

        // One effect, one event: the repeated click sent nothing more.
        var delivered = await fixture.Receiver.WaitForAsync(inbox, 1);
        await Task.Delay(500);
        Assert.Single(fixture.Receiver.Deliveries(inbox));
        Assert.Equal("payment.succeeded", delivered[0].Type);
    }

    [Fact]
    public async Task A_declined_payment_sends_payment_failed()
    {
        using var http = fixture.Payments();
        var (inbox, hook) = fixture.Receiver.NewInbox();
        using var created = await http.CreatePaymentAsync(Guid.NewGuid().ToString(), SandboxCalls.PaymentBody(hook));
        var page = new Uri((await created.JsonAsync()).Id("redirectUrl"));
        using var browser = SandboxFixture.Client(fixture.Sandbox, apiKey: null);
        using var decline = await browser.PostAsync(page.PathAndQuery, new FormUrlEncodedContent([new("outcome", "declined")]));
        Assert.Equal(HttpStatusCode.SeeOther, decline.StatusCode);

        var delivery = (await fixture.Receiver.WaitForAsync(inbox, 1)).Single();
        Assert.Equal("payment.failed", delivery.Type);
    }

    [Fact]
    public async Task The_payment_succeeded_webhook_is_signed_and_the_verifier_rejects_anything_else()
    {
        using var http = fixture.Payments();
        var (inbox, hook) = fixture.Receiver.NewInbox();
        var payment = await http.CreatePaidPaymentAsync(hook, 4599);

        var delivery = (await fixture.Receiver.WaitForAsync(inbox, 1)).Single();
        var json = delivery.Json;
        Assert.Equal("payment.succeeded", delivery.Type);
        Assert.StartsWith("evt_", delivery.EventId, StringComparison.Ordinal);
        Assert.Equal(payment.Id("paymentId"), json.Id("paymentId"));
        Assert.Equal(payment.Id("orderId"), json.Id("orderId"));
        Assert.Equal(4599, json.GetProperty("amount").GetInt64());
        Assert.Equal("CLP", json.Id("currency"));
        Assert.True(json.TryGetProperty("createdAt", out _));
        Assert.Matches("^t=[0-9]+,v1=[0-9a-f]{64}$", delivery.Signature);

        var secret = TestSecrets.SandboxPaymentsWebhookSecret;
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(WebhookSignatureResult.Ok, WebhookSignature.Verify(delivery.Signature, delivery.RawBody, secret, now));
        Assert.Equal(WebhookSignatureResult.Missing, WebhookSignature.Verify(null, delivery.RawBody, secret, now));
        Assert.Equal(WebhookSignatureResult.BadSignature,
            WebhookSignature.Verify(delivery.Signature, delivery.RawBody, TestSecrets.SandboxShippingWebhookSecret, now));
        var tampered = Encoding.UTF8.GetBytes(delivery.Body.Replace("4599", "4598", StringComparison.Ordinal));
        Assert.Equal(WebhookSignatureResult.BadSignature, WebhookSignature.Verify(delivery.Signature, tampered, secret, now));
        Assert.Equal(WebhookSignatureResult.Stale,
            WebhookSignature.Verify(delivery.Signature, delivery.RawBody, secret, now.AddSeconds(301)));
        Assert.Equal(WebhookSignatureResult.Malformed,
            WebhookSignature.Verify("v1=" + new string('0', 64), delivery.RawBody, secret, now));
    }

    [Fact]
    public async Task A_receiver_that_fails_twice_gets_the_same_event_until_it_accepts()
    {
        using var http = fixture.Payments();
        var (inbox, hook) = fixture.Receiver.NewInbox();
        fixture.Receiver.FailNext(inbox, 2);
        await http.CreatePaidPaymentAsync(hook);

        var deliveries = await fixture.Receiver.WaitForAsync(inbox, 3);
        Assert.Equal([500, 500, 200], deliveries.Select(d => d.AnsweredStatus));
        Assert.Single(deliveries.Select(d => d.EventId).Distinct());
        Assert.All(deliveries, d => Assert.Equal(deliveries[0].Body, d.Body));
        Assert.All(deliveries, d => Assert.Equal(WebhookSignatureResult.Ok,
            WebhookSignature.Verify(d.Signature, d.RawBody, TestSecrets.SandboxPaymentsWebhookSecret, DateTimeOffset.UtcNow)));
        // Backoff: retries wait at least base × 2^(n−1) less the 20% jitter (base 100 ms); a busy machine only adds.
        Assert.True(deliveries[1].At - deliveries[0].At >= TimeSpan.FromMilliseconds(75));
        Assert.True(deliveries[2].At - deliveries[1].At >= TimeSpan.FromMilliseconds(155));

        // Accepted once: no more deliveries.
        await Task.Delay(1000);
        Assert.Equal(3, fixture.Receiver.Deliveries(inbox).Count);
    }

    [Fact]
    public async Task Refunds_never_exceed_the_capture_and_send_refund_succeeded()
    {
        using var http = fixture.Payments();
        var (inbox, hook) = fixture.Receiver.NewInbox();

        using var open = await http.CreatePaymentAsync(Guid.NewGuid().ToString(), SandboxCalls.PaymentBody(hook, 10000));
        var openId = (await open.JsonAsync()).Id("paymentId");
        using var notCaptured = await http.PostWithKeyAsync("/v1/refunds", Guid.NewGuid().ToString(), new { paymentId = openId, amount = 100 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notCaptured.StatusCode);
        Assert.Equal("payment-not-captured", (await notCaptured.JsonAsync()).Id("code"));

        var payment = await http.CreatePaidPaymentAsync(hook, 10000);
        var paymentId = payment.Id("paymentId");
        using var above = await http.PostWithKeyAsync("/v1/refunds", Guid.NewGuid().ToString(), new { paymentId, amount = 10001 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, above.StatusCode);
        Assert.Equal("refund-exceeds-capture", (await above.JsonAsync()).Id("code"));

        var key = Guid.NewGuid().ToString();
        using var refunded = await http.PostWithKeyAsync("/v1/refunds", key, new { paymentId, amount = 6000 });
        Assert.Equal(HttpStatusCode.Created, refunded.StatusCode);
        var refund = await refunded.JsonAsync();
        Assert.Equal(6000, refund.GetProperty("amount").GetInt64());
        Assert.Equal("succeeded", refund.Id("status"));

        using var replay = await http.PostWithKeyAsync("/v1/refunds", key, new { paymentId, amount = 6000 });
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(refund.Id("refundId"), (await replay.JsonAsync()).Id("refundId"));

        // 4,000 remain: 4,001 more is refused, exactly 4,000 is not.
        using var rest = await http.PostWithKeyAsync("/v1/refunds", Guid.NewGuid().ToString(), new { paymentId, amount = 4001 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, rest.StatusCode);
        using var last = await http.PostWithKeyAsync("/v1/refunds", Guid.NewGuid().ToString(), new { paymentId, amount = 4000 });
        Assert.Equal(HttpStatusCode.Created, last.StatusCode);
        using var fetched = await http.GetAsync($"/v1/payments/{paymentId}");
        Assert.Equal(10000, (await fetched.JsonAsync()).GetProperty("refundedAmount").GetInt64());

        var refundEvents = await fixture.Receiver.WaitForAsync(inbox, 2, d => d.Type == "refund.succeeded");
        Assert.Equal([4000L, 6000L], refundEvents.Select(d => d.Json.GetProperty("amount").GetInt64()).Order());
        Assert.Contains(refundEvents, d => d.Json.Id("refundId") == refund.Id("refundId"));
        Assert.All(refundEvents, d => Assert.Equal(paymentId, d.Json.Id("paymentId")));
    }

    [Fact]
    public async Task Bad_input_gets_problem_details_never_a_500()
    {
        using var http = fixture.Payments();
        var (_, hook) = fixture.Receiver.NewInbox();

        async Task Expect(HttpStatusCode status, HttpRequestMessage request)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", Guid.NewGuid().ToString());
            using var response = await http.SendAsync(request);
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        HttpRequestMessage Raw(string path, string json, string mediaType = "application/json") =>
            new(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, mediaType) };

        await Expect(HttpStatusCode.BadRequest, Raw("/v1/payments", "{\"orderId\":"));
        await Expect(HttpStatusCode.BadRequest, Raw("/v1/payments", "[]"));
        await Expect(HttpStatusCode.BadRequest, Raw("/v1/payments", "null"));
        await Expect(HttpStatusCode.BadRequest, Raw("/v1/payments",
            $"{{\"orderId\":\"o\",\"amount\":\"100\",\"currency\":\"CLP\",\"returnUrl\":\"http://a/\",\"webhookUrl\":\"{hook}\"}}"));
        await Expect(HttpStatusCode.BadRequest, Raw("/v1/payments",
            $"{{\"orderId\":\"o\",\"amount\":1e40,\"currency\":\"CLP\",\"returnUrl\":\"http://a/\",\"webhookUrl\":\"{hook}\"}}"));
        await Expect(HttpStatusCode.BadRequest, Raw("/v1/payments",
            $"{{\"orderId\":\"o\",\"amount\":-5,\"currency\":\"clp\",\"returnUrl\":\"javascript:x\",\"webhookUrl\":\"{hook}\"}}"));
        await Expect(HttpStatusCode.UnsupportedMediaType, Raw("/v1/payments", "orderId=o", "application/x-www-form-urlencoded"));
        await Expect(HttpStatusCode.RequestEntityTooLarge, Raw("/v1/payments",
            $"{{\"orderId\":\"{new string('x', 100_000)}\"}}"));
        await Expect(HttpStatusCode.BadRequest, Raw("/v1/refunds", "{\"paymentId\":\"pay_x\",\"amount\":0}"));
        await Expect(HttpStatusCode.NotFound, Raw("/v1/refunds", "{\"paymentId\":\"pay_unknown\",\"amount\":5}"));
        await Expect(HttpStatusCode.NotFound, Raw("/v1/payments/pay_unknown/outcome", "{\"outcome\":\"succeeded\"}"));
        await Expect(HttpStatusCode.BadRequest, Raw("/v1/payments/pay_unknown/outcome", "{\"outcome\":\"win\"}"));
        await Expect(HttpStatusCode.NotFound, new HttpRequestMessage(HttpMethod.Get, "/v1/payments/pay_unknown"));

        // The Idempotency-Key is required on creates.
        using var noKey = await http.PostAsJsonAsync("/v1/payments", SandboxCalls.PaymentBody(hook));
        Assert.Equal(HttpStatusCode.BadRequest, noKey.StatusCode);
        Assert.Equal("idempotency-key-required", (await noKey.JsonAsync()).Id("code"));

        using var browser = SandboxFixture.Client(fixture.Sandbox, apiKey: null);
        using var missingPage = await browser.GetAsync("/checkout/pay_unknown");
        Assert.Equal(HttpStatusCode.NotFound, missingPage.StatusCode);
        using var jsonToForm = await browser.PostAsync("/checkout/pay_unknown",
            new StringContent("{}", Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.Equal(HttpStatusCode.BadRequest, jsonToForm.StatusCode);
    }
}
