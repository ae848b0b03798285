using Marketplace.Web.Accounts;
using Marketplace.Web.Notifications;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Admin.Pages;

/// <summary>Announcements to many people: write one in both languages for a segment, and follow each one's progress.</summary>
public sealed class AnnouncementsModel(Announcements announcements) : MarketplacePage
{
    public IReadOnlyList<AnnouncementView> Items { get; private set; } = [];

    [BindProperty]
    public string Segment { get; set; } = AnnouncementSegments.Sellers;

    [BindProperty]
    public string? SellerId { get; set; }

    [BindProperty]
    public AnnouncementForm Form { get; set; } = new();

    public async Task OnGetAsync(CancellationToken ct)
    {
        ViewData["Title"] = T["Announcements"].Value;
        ViewData["Section"] = "announcements";
        Items = await announcements.ListAsync(null, null, 50, ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var request = new AnnouncementRequest
        {
            Segment = Segment,
            SellerId = SellerId,
            Subject = Form.Subject,
            Body = Form.Body,
        };
        foreach (var (field, messages) in AnnouncementRules.Validate(request, byStore: false))
        {
            var key = AnnouncementForm.FieldOf(field) is { } formField
                ? $"{nameof(Form)}.{formField}"
                : field == "sellerId" ? nameof(SellerId) : nameof(Segment);
            ModelState.AddModelError(key, messages[0]);
        }

        if (!ModelState.IsValid)
        {
            await OnGetAsync(ct);
            return Page();
        }

        var sellerId = Segment == AnnouncementSegments.StoreBuyers ? SellerId!.Trim() : null;
        await announcements.CreateAsync(User.UserId(), Segment, sellerId, request.Subject, request.Body, ct);
        Flash = T["Announcement queued: it is sent in the background; this page shows its progress."];
        return RedirectToPage();
    }
}
