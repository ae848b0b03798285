using MimeKit;

namespace Marketplace.Testing;

/// <summary>A message the mail server received: the SMTP envelope's sender and recipients, its subject and arrival.</summary>
/// <remarks>Its content: <see cref="MailInbox.LoadAsync"/>.</remarks>
public sealed record ReceivedMail(Guid Id, string From, IReadOnlyList<string> To, string Subject, DateTimeOffset ReceivedAt);

/// <summary>Reading a received message as its sender wrote it.</summary>
public static class ReceivedMessageHeaders
{
    /// <summary>
    /// A header of the message as sent, e.g. <c>List-Unsubscribe</c> or <c>Content-Language</c>: MimeKit's parser keeps
    /// the Content-* ones with the body, the others with the message.
    /// </summary>
    public static string? Header(this MimeMessage message, string field) => message.Headers[field] ?? message.Body?.Headers[field];
}
