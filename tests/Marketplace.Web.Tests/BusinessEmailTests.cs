using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Testing;
using MimeKit;

namespace Marketplace.Web.Tests;

/// <summary>Business emails from what happens in the marketplace: an order's emails, preferences, unsubscribing, digests.</summary>
[Collection(EmailCollection.Name)]
public sealed class BusinessEmailTests(EmailFixture fixture)
{
    [Fact]
    public async Task A_purchase_sends_the_receipt_the_stores_new_order_and_the_payment_each_once_in_each_recipients_language()
    {
        var (store, owner, productId) = await fixture.SellsAtOnceAsync("Tostaduría Sur");
        var (shopper, buyer) = await fixture.VerifiedAsync(culture: "es");

        var orderId = await EmailFixture.BuyAndPayAsync(shopper, productId, "receipt-1");
        var reference = "#" + orderId[^8..].ToUpperInvariant();

        var receipt = await fixture.ReceiveAsync(buyer.Email, $"Tu pedido {reference} en Tostaduría Sur");
        Assert.Contains("1 × Café de Colombia", receipt.TextBody, StringComparison.Ordinal);
        Assert.Contains("8.990 CLP", receipt.TextBody, StringComparison.Ordinal);
        Assert.Contains("Av. Providencia 1234", receipt.TextBody, StringComparison.Ordinal);
        Assert.Contains($"{fixture.PublicUrl}/orders/{orderId}", receipt.HtmlBody, StringComparison.Ordinal);
        Assert.Equal("es", receipt.Body!.Headers[HeaderId.ContentLanguage]);
        Assert.Equal("Tostaduría Sur via Marketplace", receipt.From.Mailboxes.Single().Name);
        Assert.NotNull(receipt.Headers[HeaderId.ListUnsubscribe]);
        var paid = await fixture.ReceiveAsync(buyer.Email, $"Recibimos el pago del pedido {reference}");
        Assert.Contains("Recibimos tu pago de 8.990 CLP", paid.TextBody, StringComparison.Ordinal);
        var newOrder = await fixture.ReceiveAsync(owner.Email, $"New paid order {reference}: ready to ship");
        Assert.Contains("Ship to: Ana Pérez, Av. Providencia 1234, Santiago, CL", newOrder.TextBody, StringComparison.Ordinal);
        Assert.Contains("8,990 CLP", newOrder.TextBody, StringComparison.Ordinal);

        // Each once: nothing else about the order reached either side, and every message has its own id.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var toBuyer = (await fixture.MailToAsync(buyer.Email)).Where(m => m.Subject.Contains(reference, StringComparison.Ordinal)).ToList();
        var toStore = (await fixture.MailToAsync(owner.Email)).Where(m => m.Subject.Contains(reference, StringComparison.Ordinal)).ToList();
        Assert.Equal(2, toBuyer.Count);
        Assert.Single(toStore);
        Assert.Equal(3, new[] { receipt.MessageId, paid.MessageId, newOrder.MessageId }.Distinct().Count());
        store.Dispose();
        shopper.Dispose();
    }

    [Fact]
    public async Task A_question_reaches_a_spanish_speaking_store_in_spanish_by_email_and_in_its_inbox()
    {
        var (store, owner, productId) = await fixture.SellsAtOnceAsync("Almacén Andino", culture: "es");
        var (shopper, _) = await fixture.VerifiedAsync();
        var title = (await shopper.GetFromJsonAsync<JsonElement>($"/api/products/{productId}")).GetProperty("title").GetString();

        using var asked = await shopper.PostAsJsonAsync($"/api/products/{productId}/questions", new { text = "Is it whole bean?" });
        Assert.Equal(HttpStatusCode.Created, asked.StatusCode);

        var email = await fixture.ReceiveAsync(owner.Email, "Un comprador le hizo una pregunta a tu tienda");
        Assert.Contains($"Nueva pregunta sobre {title}", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("Is it whole bean?", email.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("New question", email.TextBody, StringComparison.Ordinal);

        // The inbox answers in the reader's language: the seller's pages are in Spanish, an English request reads English.
        var inSpanish = (await store.GetFromJsonAsync<JsonElement>("/api/notifications")).GetProperty("items")[0];
        Assert.Equal($"Nueva pregunta sobre {title}", inSpanish.GetProperty("title").GetString());
        Assert.Equal(title, inSpanish.GetProperty("facts").GetProperty("product").GetString());
        using var english = new HttpRequestMessage(HttpMethod.Get, "/api/notifications");
        english.Headers.AcceptLanguage.ParseAdd("en");
        using var answer = await store.SendAsync(english);
        Assert.Equal($"New question about {title}", (await answer.ReadJsonAsync()).GetProperty("items")[0].GetProperty("title").GetString());
        store.Dispose();
        shopper.Dispose();
    }

    [Fact]
    public async Task The_one_click_unsubscribe_of_an_order_email_stops_that_kind_for_the_buyer_and_the_store_still_hears()
    {
        var (store, owner, productId) = await fixture.SellsAtOnceAsync("Café Norte");
        var (shopper, buyer) = await fixture.VerifiedAsync();
        var first = await EmailFixture.BuyAndPayAsync(shopper, productId, "unsubscribe-1");
        var receipt = await fixture.ReceiveAsync(buyer.Email, $"Your order #{first[^8..].ToUpperInvariant()} at Café Norte");

        // What a mail client does with the List-Unsubscribe header: a POST, without a session or a form token.
        var target = receipt.Headers[HeaderId.ListUnsubscribe]!.Trim('<', '>');
        using (var anonymous = new HttpClient())
        using (var unsubscribed = await anonymous.PostAsync(target, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")])))
        {
            Assert.Equal(HttpStatusCode.OK, unsubscribed.StatusCode);
        }

        Assert.Equal("inApp", (await shopper.GetFromJsonAsync<JsonElement>("/api/me/notification-preferences")).GetProperty("kinds").GetProperty("orders").GetString());
        var second = await EmailFixture.BuyAndPayAsync(shopper, productId, "unsubscribe-2");
        var reference = "#" + second[^8..].ToUpperInvariant();
        await fixture.ReceiveAsync(owner.Email, $"New paid order {reference}");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(await fixture.MailToAsync(buyer.Email), m => m.Subject.Contains(reference, StringComparison.Ordinal));
        // The inbox still has them.
        var inbox = await shopper.GetFromJsonAsync<JsonElement>("/api/notifications?pageSize=50");
        Assert.Contains(inbox.GetProperty("items").EnumerateArray(), n => n.GetProperty("link").GetString() == $"/orders/{second}");
        store.Dispose();
        shopper.Dispose();
    }

    [Fact]
    public async Task Kinds_chosen_as_a_digest_arrive_together_in_one_email_once_the_oldest_has_waited()
    {
        var (store, owner, productId) = await fixture.SellsAtOnceAsync("Café Digest");
        (await store.PutAsJsonAsync("/api/me/notification-preferences", new { kinds = new { storeOrders = "digest" } })).EnsureSuccessStatusCode();
        using var shopperClient = (await fixture.VerifiedAsync()).Http;
        var first = await EmailFixture.BuyAndPayAsync(shopperClient, productId, "digest-1");
        var second = await EmailFixture.BuyAndPayAsync(shopperClient, productId, "digest-2");

        var digest = await fixture.ReceiveAsync(owner.Email, "Your Marketplace digest: 2 updates");
        Assert.Contains($"/orders/{first}", digest.TextBody, StringComparison.Ordinal);
        Assert.Contains($"/orders/{second}", digest.TextBody, StringComparison.Ordinal);
        Assert.NotNull(digest.Headers[HeaderId.ListUnsubscribe]);
        await Task.Delay(EmailFixture.DigestAfter + TimeSpan.FromSeconds(1));
        var toStore = await fixture.MailToAsync(owner.Email);
        Assert.DoesNotContain(toStore, m => m.Subject.StartsWith("New paid order", StringComparison.Ordinal));
        Assert.Single(toStore, m => m.Subject.Contains("digest", StringComparison.Ordinal));
        store.Dispose();
    }

    [Fact]
    public async Task An_invitee_is_emailed_the_link_in_the_inviters_language_and_an_address_that_unsubscribed_is_not()
    {
        var (owner, account) = await fixture.VerifiedAsync("seller", "Café Invita", culture: "es");
        var sellerId = account.SellerId!;
        var invitee = ApiClient.NewEmail("invitee");

        using var invited = await owner.PostAsJsonAsync($"/api/sellers/{sellerId}/invitations", new { email = invitee });
        Assert.Equal(HttpStatusCode.Created, invited.StatusCode);
        var token = (await invited.ReadJsonAsync()).GetProperty("token").GetString()!;
        var message = await fixture.ReceiveAsync(invitee, "te invita a administrar Café Invita");
        var link = System.Text.RegularExpressions.Regex.Match(message.TextBody ?? "", "(http://[^ \\s]+/account/invitation\\?token=[^\\s]+)");
        Assert.Equal($"{fixture.PublicUrl}/account/invitation?token={Uri.EscapeDataString(token)}", link.Value);
        Assert.Contains(link.Value, message.HtmlBody, StringComparison.Ordinal);
        Assert.NotNull(message.Headers[HeaderId.ListUnsubscribe]);

        // The invitee follows the one-click link: a second invitation is made, but not emailed.
        var target = message.Headers[HeaderId.ListUnsubscribe]!.Trim('<', '>');
        using (var anonymous = new HttpClient())
        {
            (await anonymous.PostAsync(target, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]))).EnsureSuccessStatusCode();
        }

        using var again = await owner.PostAsJsonAsync($"/api/sellers/{sellerId}/invitations", new { email = invitee });
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Single(await fixture.MailToAsync(invitee));
        owner.Dispose();
    }
}
