using Marketplace.Web.Accounts;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Notifications.Pages;

/// <summary>The inbox: every notification, newest first; opening one marks it read.</summary>
public sealed class NotificationsModel : MarketplacePage
{
    public const int PageSize = 30;

    public NotificationPage Inbox { get; private set; } = new([], 0, 0);

    public Pager Pager { get; private set; } = null!;

    public async Task OnGetAsync([FromQuery(Name = "page")] int? pageNumber)
    {
        ViewData["Title"] = T["Notifications"].Value;
        ViewData["NoIndex"] = true;
        var page = Math.Clamp(pageNumber ?? 1, 1, 1000);
        Inbox = await InboxOf(User).List(false, page, PageSize);
        Pager = new Pager("/notifications", Request.Query, page, PageSize, Inbox.Total);
    }

    /// <summary>Marks the notification read and follows its link (only links within this site).</summary>
    public async Task<IActionResult> OnPostOpenAsync(string id, string? link)
    {
        await InboxOf(User).MarkRead(id);
        return RedirectLocal(link ?? "/notifications");
    }

    public async Task<IActionResult> OnPostReadAllAsync()
    {
        await InboxOf(User).MarkAllRead();
        return RedirectToPage();
    }

    private INotificationInboxGrain InboxOf(System.Security.Claims.ClaimsPrincipal user) => Grains.GetGrain<INotificationInboxGrain>(user.UserId());
}
