using System.Globalization;
using Marketplace.Web.Accounts;
using Marketplace.Web.Notifications;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.SellerConsole.Pages;

/// <summary>The store writes to the people who bought from it (at most once a week) and follows each announcement's progress.</summary>
public sealed class AnnouncementsModel(Announcements announcements, TimeProvider clock) : SellerPage
{
    public override string Section => "announcements";

    public IReadOnlyList<AnnouncementView> Items { get; private set; } = [];

    /// <summary>When the store may announce again (null: now).</summary>
    public DateTimeOffset? NextFrom { get; private set; }

    [BindProperty]
    public AnnouncementForm Form { get; set; } = new();

    public async Task OnGetAsync(CancellationToken ct)
    {
        ViewData["Title"] = T["Announcements"].Value;
        Items = await announcements.ListAsync(null, SellerId, 50, ct);
        NextFrom = AnnouncementRules.StoreMayAnnounceFrom(await announcements.LastOfStoreAsync(SellerId, ct), clock.GetUtcNow());
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        foreach (var (field, messages) in AnnouncementRules.Validate(new AnnouncementRequest { Subject = Form.Subject, Body = Form.Body }, byStore: true))
        {
            ModelState.AddModelError($"{nameof(Form)}.{AnnouncementForm.FieldOf(field)}", messages[0]);
        }

        if (!ModelState.IsValid)
        {
            await OnGetAsync(ct);
            return Page();
        }

        var (created, from) = await announcements.CreateByStoreAsync(User.UserId(), SellerId, Form.Subject, Form.Body, ct);
        Flash = created is not null
            ? T["Announcement queued: it is sent in the background; this page shows its progress."]
            : string.Format(CultureInfo.CurrentCulture, T["A store writes to its buyers at most once a week: the next one can go out on {0}."].Value,
                from!.Value.ToLocalTime().ToString("g", CultureInfo.CurrentCulture));
        return RedirectToPage();
    }
}
