using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Marketplace.Testing;
using MimeKit;

namespace Marketplace.Web.Tests;

/// <summary>
/// The web host on a real port (the payment sandbox calls its webhooks) sending through a real SMTP server
/// (smtp4dev), sellers held to confirming their address, digests due after a few seconds.
/// </summary>
public sealed partial class EmailFixture : WebHostFixture
{
    /// <summary>How long a notification waits for its recipient's digest here.</summary>
    public static readonly TimeSpan DigestAfter = TimeSpan.FromSeconds(5);

    private MailServer? mail;

    public MailServer Mail => mail ?? throw new InvalidOperationException("Not started.");

    /// <summary>Where the web host listens; the links in its emails start with it.</summary>
    public string PublicUrl { get; private set; } = "";

    protected override async Task<WebHostFactory> StartHostAsync()
    {
        mail = await MailServer.StartAsync();
        await StartAsync("email");
        var port = ProcessHost.FreePort();
        PublicUrl = $"http://127.0.0.1:{port}";
        var factory = new WebHostFactory(this, new Dictionary<string, string>
        {
            ["Email:Smtp:Host"] = mail.SmtpHost,
            ["Email:Smtp:Port"] = mail.SmtpPort.ToString(CultureInfo.InvariantCulture),
            ["Email:Smtp:Security"] = "None",
            ["Email:PollInterval"] = "00:00:00.200",
            ["Email:DigestAfter"] = DigestAfter.ToString("c", CultureInfo.InvariantCulture),
            ["Email:FromAddress"] = "no-reply@shop.test",
            ["Marketplace:PublicUrl"] = PublicUrl,
            ["Auth:SellersMustVerifyEmail"] = "true",
            ["Payments:WebhookSecret"] = TestSecrets.SandboxPaymentsWebhookSecret,
            ["Shipping:WebhookSecret"] = TestSecrets.SandboxShippingWebhookSecret,
        });
        factory.UseKestrel(port);
        factory.StartServer();
        return factory;
    }

    protected override async ValueTask DisposeOthersAsync()
    {
        if (mail is not null)
        {
            await mail.DisposeAsync();
        }
    }

    /// <summary>The one email of this subject (a substring) to the address, as delivered.</summary>
    public async Task<MimeMessage> ReceiveAsync(string to, string subject)
    {
        var received = await Mail.Inbox.WaitForAsync(
            m => m.To.Contains(to, StringComparer.OrdinalIgnoreCase) && m.Subject.Contains(subject, StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        return await Mail.Inbox.LoadAsync(received);
    }

    /// <summary>Every delivered email to the address.</summary>
    public async Task<IReadOnlyList<ReceivedMail>> MailToAsync(string to) =>
        [.. (await Mail.Inbox.MessagesAsync()).Where(m => m.To.Contains(to, StringComparer.OrdinalIgnoreCase))];

    /// <summary>The token of the link to <paramref name="path"/> in the email's text part (and the same in its HTML part).</summary>
    public string TokenOf(MimeMessage message, string path)
    {
        var pattern = new Regex(Regex.Escape(PublicUrl + path) + @"\?token=([A-Za-z0-9_-]+)");
        var text = pattern.Match(message.TextBody ?? "");
        Assert.True(text.Success, $"No link to {path} in:\n{message.TextBody}");
        Assert.Contains(text.Value, message.HtmlBody ?? "", StringComparison.Ordinal);
        return text.Groups[1].Value;
    }

    /// <summary>A new account that confirmed its address through the verification email, and a client acting as it.</summary>
    public async Task<(HttpClient Http, TestAccount Account)> VerifiedAsync(string role = "shopper", string? storeName = null, string? culture = null)
    {
        var http = CreateClient();
        if (culture is not null)
        {
            http.DefaultRequestHeaders.AcceptLanguage.ParseAdd(culture);
        }

        var account = await http.RegisterAsync(role, storeName);
        var verification = await ReceiveAsync(account.Email, culture == "es" ? "Confirma" : "Confirm");
        (await http.PostAsJsonAsync("/api/auth/email/verify", new { token = TokenOf(verification, "/account/verify-email") })).EnsureSuccessStatusCode();
        http.UseToken(account.AccessToken);
        return (http, account);
    }

    /// <summary>A verified seller whose store sells without confirming orders, with one published product.</summary>
    public async Task<(HttpClient Http, TestAccount Account, string ProductId)> SellsAtOnceAsync(string storeName, string? culture = null)
    {
        var (http, account) = await VerifiedAsync("seller", storeName, culture);
        (await http.PutAsJsonAsync($"/api/sellers/{account.SellerId}", new { name = storeName, requiresConfirmation = false })).EnsureSuccessStatusCode();
        return (http, account, await http.CreateProductAsync(account.SellerId!));
    }

    /// <summary>Puts one unit in the shopper's cart, checks out and pays on the sandbox's page; answers the order id once Paid.</summary>
    public static async Task<string> BuyAndPayAsync(HttpClient shopper, string productId, string key)
    {
        await ShopSteps.AddAsync(shopper, productId, "CAFE-250", 1);
        using var placed = await ShopSteps.CheckoutAsync(shopper, key);
        placed.EnsureSuccessStatusCode();
        var orderId = (await placed.ReadJsonAsync()).GetProperty("orders")[0].GetProperty("orderId").GetString()!;
        await ShopSteps.PayAsync(shopper, orderId);
        return orderId;
    }
}

[CollectionDefinition(Name)]
public sealed class EmailCollection : ICollectionFixture<EmailFixture>
{
    public const string Name = "email";
}
