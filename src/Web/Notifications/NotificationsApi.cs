using System.Security.Claims;
using Marketplace.Web.Accounts;
using Marketplace.Web.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Notifications;

/// <summary>A notification worded in the request's language; <c>facts</c> are what it says, for integrators to word their own way.</summary>
public sealed record NotificationResponse(
    string Id, NotificationKind Kind, string Title, string Body, string? Link, DateTimeOffset CreatedAt, bool Read, IReadOnlyDictionary<string, string>? Facts)
{
    public static NotificationResponse From(NotificationView n, IStringLocalizer t)
    {
        var (title, body) = NotificationWords.For(n.Kind, n.Facts, n.Title, n.Body, t);
        return new(n.Id, n.Kind, title, body, n.Link, n.CreatedAt, n.Read, n.Facts);
    }
}

public sealed record NotificationPageResponse(IReadOnlyList<NotificationResponse> Items, int Total, int Unread, int Page, int PageSize);

public sealed record MarkedReadResponse(int Marked, int Unread);

/// <summary>The caller's inbox. Each account sees only its own; a store's staff each get their own copy of store news.</summary>
public static class NotificationsApi
{
    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder routes)
    {
        var inbox = routes.MapGroup("/notifications").WithTags("Notifications");
        inbox.MapGet("/", List).WithName("ListNotifications").WithSummary("The caller's notifications, newest first; unread=true for unread only");
        inbox.MapPost("/{notificationId}/read", MarkRead).WithName("MarkNotificationRead").WithSummary("Mark one notification read");
        inbox.MapPost("/read-all", MarkAllRead).WithName("MarkAllNotificationsRead").WithSummary("Mark every notification read");
        return routes;
    }

    private static async Task<Ok<NotificationPageResponse>> List(
        ClaimsPrincipal user, IGrainFactory grains, IStringLocalizer<Shared.Text> t, bool? unread, int? page, int? pageSize)
    {
        var paging = Paging.From(page, pageSize);
        var result = await Inbox(grains, user).List(unread ?? false, paging.Page, paging.PageSize);
        return TypedResults.Ok(new NotificationPageResponse(
            result.Items.Select(n => NotificationResponse.From(n, t)).ToList(), result.Total, result.Unread, paging.Page, paging.PageSize));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> MarkRead(string notificationId, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (notificationId.Length > 64 || !await Inbox(grains, user).MarkRead(notificationId))
        {
            return Infrastructure.ApiProblems.NotFound("The notification");
        }

        return TypedResults.NoContent();
    }

    private static async Task<Ok<MarkedReadResponse>> MarkAllRead(ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(new MarkedReadResponse(await Inbox(grains, user).MarkAllRead(), 0));

    private static INotificationInboxGrain Inbox(IGrainFactory grains, ClaimsPrincipal user) =>
        grains.GetGrain<INotificationInboxGrain>(user.UserId());
}
