using Marketplace.Email;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Admin.Pages;

/// <summary>
/// The email outbox as operators watch it: how many emails wait, went out, failed for good or were held back for a
/// bounced address; the newest of one status; a failed email queued again; and each template previewed with sample values.
/// </summary>
public sealed class EmailModel(MailQueue queue, EmailTemplates templates, MessageComposer composer) : MarketplacePage
{
    public static readonly string[] Statuses = ["queued", "sent", "dead", "suppressed"];

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Preview { get; set; }

    [BindProperty(SupportsGet = true, Name = "lang")]
    public string? PreviewCulture { get; set; }

    public EmailCounts Counts { get; private set; } = new(0, 0, 0, 0);

    public IReadOnlyList<EmailRecord> Emails { get; private set; } = [];

    public IReadOnlyList<string> Kinds { get; } = EmailKind.All.Select(k => k.Name).ToList();

    public RenderedEmail? Rendered { get; private set; }

    public string StatusTitle => Status switch
    {
        "queued" => "Queued",
        "sent" => "Sent",
        "suppressed" => "Not sent (address bounced)",
        _ => "Failed",
    };

    public async Task OnGetAsync(CancellationToken ct)
    {
        ViewData["Title"] = T["Email"].Value;
        ViewData["Section"] = "email";
        Status = Statuses.Contains(Status) ? Status : "dead";
        PreviewCulture = EmailTemplates.CultureOf(PreviewCulture);
        Counts = await queue.CountAsync(cancellationToken: ct);
        Emails = await queue.ListAsync(Status, 100, ct);
        if (Preview is not null && EmailKind.Find(Preview) is { } kind && templates.Has(kind))
        {
            Rendered = await RenderAsync(composer, kind, PreviewCulture);
        }
        else
        {
            Preview = null;
        }
    }

    public async Task<IActionResult> OnPostRetryAsync(string? key, CancellationToken ct)
    {
        if (key is { Length: > 0 and <= 100 } && await queue.RetryAsync(key, ct))
        {
            Flash = T["Queued again."];
        }
        else
        {
            FlashError = T["That email is not failed (any more)."];
        }

        return RedirectToPage(new { status = "dead" });
    }

    /// <summary>A kind's sample as its recipient would receive it (composed as the sender composes it).</summary>
    public static async Task<RenderedEmail> RenderAsync(MessageComposer composer, EmailKind kind, string culture)
    {
        var message = await composer.ComposeAsync(new QueuedEmail(EmailSamples.For(kind, culture, "http://127.0.0.1"), "preview", 1, DateTimeOffset.UnixEpoch));
        return new RenderedEmail(message.Subject ?? "", message.TextBody ?? "", message.HtmlBody ?? "");
    }
}
