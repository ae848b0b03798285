using System.Text.Json.Nodes;
using Marketplace.Email;
using Microsoft.Extensions.Options;

namespace Marketplace.Email.Tests;

/// <summary>The templates shipped with the product, rendered as the sender renders them.</summary>
public sealed class TemplateTests
{
    private static readonly EmailTemplates Templates = EmailTemplates.Load(EmailTemplates.BuiltInFolder);

    public static TheoryData<string, string> KindsAndCultures()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in EmailKind.All)
        {
            foreach (var culture in EmailTemplates.Cultures)
            {
                data.Add(kind.Name, culture);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KindsAndCultures))]
    public async Task Every_kind_has_a_subject_a_text_and_an_html_part_in_every_language(string kind, string culture)
    {
        var template = EmailKind.Find(kind)!.TemplateName;
        Assert.True(File.Exists(Path.Combine(EmailTemplates.BuiltInFolder, $"{template}.{culture}.liquid")), $"{template}.{culture}.liquid");
        var message = await ComposeAsync(EmailSamples.For(EmailKind.Find(kind)!, culture, "https://shop.example"));

        Assert.False(string.IsNullOrWhiteSpace(message.Subject));
        Assert.DoesNotContain("{{", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("https://shop.example", message.TextBody, StringComparison.Ordinal);
        Assert.StartsWith("<!DOCTYPE html>", message.HtmlBody, StringComparison.Ordinal);
        Assert.Equal(culture, message.Body?.Headers["Content-Language"]);
    }

    [Fact]
    public async Task The_recipients_language_is_used_and_an_unknown_one_falls_back_to_english()
    {
        var spanish = await ComposeAsync(EmailSamples.For(EmailKind.PasswordReset, "es-MX", "https://shop.example"));
        var english = await ComposeAsync(EmailSamples.For(EmailKind.PasswordReset, "fr", "https://shop.example"));

        Assert.Contains("contraseña", spanish.Subject, StringComparison.Ordinal);
        Assert.Contains("Hola", spanish.TextBody, StringComparison.Ordinal);
        Assert.Contains("password", english.Subject, StringComparison.Ordinal);
        Assert.Equal("en", english.Body?.Headers["Content-Language"]);
    }

    [Fact]
    public async Task Values_are_escaped_in_the_html_part_only_and_line_breaks_never_make_headers()
    {
        var email = EmailSamples.For(EmailKind.ConfirmNewEmail, "en", "https://shop.example") with
        {
            ToName = "Ana <script>x</script>\r\nBcc: victim@example.com",
        };
        var message = await ComposeAsync(email);

        Assert.Contains("Ana <script>x</script>", message.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", message.HtmlBody, StringComparison.Ordinal);
        Assert.Empty(message.Bcc);
        Assert.DoesNotContain("\n", message.To.Mailboxes.Single().Name ?? "", StringComparison.Ordinal);
        Assert.Equal("Subject with a Bcc: line", EmailTemplates.HeaderText("Subject with a\r\nBcc:\tline"));
    }

    [Fact]
    public async Task An_order_email_shows_what_people_wrote_escaped_once_in_html_and_as_written_in_text()
    {
        var email = EmailSamples.For(EmailKind.OrderUpdate, "en", "https://shop.example");
        email.Model["store_name"] = "Café & Té <b>";
        email.Model["order"]!["lines"]![0]!["title"] = "Tea \"Sur\" & co";
        var message = await ComposeAsync(email);

        Assert.Contains("Your order #1A2B3C4D at Café & Té <b>", message.Subject, StringComparison.Ordinal);
        Assert.Contains("2 × Tea \"Sur\" & co (CAFE-250) — 17,980 CLP", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Café &amp; Té &lt;b&gt;", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Tea &quot;Sur&quot; &amp; co", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("&amp;amp;", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operators_folder_replaces_a_template_and_a_broken_template_stops_the_start_naming_the_file()
    {
        var folder = Directory.CreateTempSubdirectory("email-templates-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "password-reset.en.liquid"),
                "{% capture subject %}Reset at {{ marketplace }}{% endcapture %}{% capture text %}Go: {{ link }}{% endcapture %}{% capture html %}<a href=\"{{ link }}\">go</a>{% endcapture %}");
            var replaced = EmailTemplates.Load(EmailTemplates.BuiltInFolder, folder);
            var message = await ComposeAsync(EmailSamples.For(EmailKind.PasswordReset, "en", "https://shop.example"), replaced);
            Assert.Equal("Reset at Marketplace", message.Subject);
            Assert.Contains("Go: https://shop.example/account/reset-password?token=sample", message.TextBody, StringComparison.Ordinal);

            File.WriteAllText(Path.Combine(folder, "verify-email.en.liquid"), "{% capture subject %}unclosed");
            var refusal = Assert.Throws<InvalidOperationException>(() => EmailTemplates.Load(EmailTemplates.BuiltInFolder, folder));
            Assert.Contains("verify-email.en.liquid", refusal.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_business_email_from_a_store_carries_one_click_unsubscribe_and_a_security_email_does_not()
    {
        var folder = Directory.CreateTempSubdirectory("email-templates-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "store-news.en.liquid"),
                "{% capture subject %}News from {{ store }}{% endcapture %}{% capture text %}{{ body }}{% endcapture %}{% capture html %}<p>{{ body }}</p>{% endcapture %}");
            var templates = EmailTemplates.Load(EmailTemplates.BuiltInFolder, folder);
            var news = new OutgoingEmail("bo@example.com", "Bo", "usr_1", "en", new EmailKind("store-news", IsSecurity: false), "news:1",
                new JsonObject { ["body"] = "Hello" }, StoreName: "Café Ana");
            var business = await ComposeAsync(news, templates);
            var security = await ComposeAsync(EmailSamples.For(EmailKind.PasswordReset, "en", "https://shop.example"), templates);

            Assert.Equal("<https://shop.example/unsubscribe?who=usr_1&kind=store-news>", business.Headers["List-Unsubscribe"]);
            Assert.Equal("List-Unsubscribe=One-Click", business.Headers["List-Unsubscribe-Post"]);
            Assert.Contains("https://shop.example/unsubscribe?who=usr_1&kind=store-news", business.TextBody, StringComparison.Ordinal);
            Assert.Equal("Café Ana via Marketplace", business.From.Mailboxes.Single().Name);
            Assert.Null(security.Headers["List-Unsubscribe"]);
            Assert.DoesNotContain("unsubscribe", security.TextBody, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Every_attempt_composes_the_same_message_id_and_date()
    {
        var email = EmailSamples.For(EmailKind.VerifyEmail, "en", "https://shop.example");
        var created = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
        var first = await ComposeAsync(email, attempt: 1, created: created);
        var again = await ComposeAsync(email, attempt: 3, created: created);

        Assert.Equal(first.MessageId, again.MessageId);
        Assert.Equal(email.Key + "@marketplace.test", first.MessageId);
        Assert.Equal(created, again.Date);
    }

    internal static Task<MimeKit.MimeMessage> ComposeAsync(OutgoingEmail email, EmailTemplates? templates = null, int attempt = 1, DateTimeOffset? created = null)
    {
        var composer = new MessageComposer(templates ?? Templates,
            Options.Create(new EmailOptions { FromAddress = "no-reply@marketplace.test", FromName = "Marketplace" }), new Links());
        return composer.ComposeAsync(new QueuedEmail(email, email.Key, attempt, created ?? DateTimeOffset.UnixEpoch));
    }

    private sealed class Links : IEmailLinks
    {
        public Uri PublicUrl { get; } = new("https://shop.example/");

        public Uri Unsubscribe(OutgoingEmail email) => new($"https://shop.example/unsubscribe?who={email.UserId}&kind={email.Kind.Name}");
    }
}
