using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Marketplace.Email;

/// <summary>The absolute links an email carries, made by the host that knows its public address and signing keys.</summary>
public interface IEmailLinks
{
    /// <summary>The marketplace's public address (<c>Marketplace:PublicUrl</c>).</summary>
    Uri PublicUrl { get; }

    /// <summary>The one-click unsubscribe link of a business email: it stops emails of that kind to that recipient.</summary>
    Uri Unsubscribe(OutgoingEmail email);
}

/// <summary>
/// Turns a queued email into the message handed to the relay: multipart text and HTML in the recipient's language,
/// the marketplace (or "store via marketplace") as sender, a Message-ID and Date that are the same on every attempt,
/// and the RFC 8058 one-click unsubscribe headers on everything that is not a security email.
/// </summary>
public sealed class MessageComposer(EmailTemplates templates, IOptions<EmailOptions> options, IEmailLinks links)
{
    public async Task<MimeMessage> ComposeAsync(QueuedEmail queued)
    {
        var email = queued.Email;
        var settings = options.Value;
        var culture = EmailTemplates.CultureOf(email.Culture);
        var model = (JsonObject)email.Model.DeepClone();
        model["marketplace"] = settings.FromName;
        model["public_url"] = links.PublicUrl.ToString().TrimEnd('/');
        model["recipient"] = email.ToName;
        model["store"] = email.StoreName;
        model["support"] = settings.SupportAddress;
        Uri? unsubscribe = email.Kind.IsSecurity ? null : links.Unsubscribe(email);
        model["unsubscribe_url"] = unsubscribe?.ToString();

        var rendered = await templates.RenderAsync(email.Kind.TemplateName, culture, model);
        var message = new MimeMessage
        {
            Subject = rendered.Subject,
            MessageId = EmailKeys.MessageId(queued.Key, settings.FromAddress),
            Date = queued.CreatedAt,
        };
        var sender = email.StoreName is { Length: > 0 } store ? $"{store} via {settings.FromName}" : settings.FromName;
        message.From.Add(new MailboxAddress(EmailTemplates.HeaderText(sender), settings.FromAddress));
        message.To.Add(new MailboxAddress(EmailTemplates.HeaderText(email.ToName ?? ""), email.To));
        message.Headers.Add("Auto-Submitted", "auto-generated");
        if (unsubscribe is not null)
        {
            message.Headers.Add(HeaderId.ListUnsubscribe, $"<{unsubscribe}>");
            message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }

        message.Body = new BodyBuilder { TextBody = rendered.Text, HtmlBody = rendered.Html }.ToMessageBody();
        // A content header: it belongs to the body entity (a mail client reads it from the message's top either way).
        message.Body.Headers.Add(HeaderId.ContentLanguage, culture);
        return message;
    }
}
