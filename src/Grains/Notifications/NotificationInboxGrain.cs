using System.Security.Cryptography;
using System.Text;
using Marketplace.Contracts.Notifications;
using Marketplace.Contracts.Realtime;
using Marketplace.Grains.Common;
using Marketplace.Grains.Realtime;

namespace Marketplace.Grains.Notifications;

/// <summary>
/// A user's inbox, keyed by user id, over its rows in <c>notifications</c>. A notification's id derives from the user
/// and the event that caused it, so a redelivered event is stored and pushed once. The row is written before the
/// push: a user who was offline finds it on the next visit, and a live push always names a stored notification.
/// </summary>
public sealed class NotificationInboxGrain(INotificationStore store, TimeProvider clock) : Grain, INotificationInboxGrain
{
    public const int MaxTitleLength = 200;
    public const int MaxBodyLength = 1_000;

    private int? unread;

    private string UserId => this.GetPrimaryKeyString();

    public async Task Deliver(NotificationDraft draft)
    {
        var id = NotificationId(UserId, draft.SourceKey);
        var notification = new NotificationView(id, draft.Kind, UserText.Clip(draft.Title, MaxTitleLength), UserText.Clip(draft.Body, MaxBodyLength),
            draft.Link, clock.GetUtcNow(), Read: false, draft.Facts);
        if (!await store.InsertAsync(UserId, notification, draft.SourceKey))
        {
            return;
        }

        GrainMetrics.NotificationStored();
        if (unread is { } count)
        {
            unread = count + 1;
        }

        GrainFactory.Publish(FeedTopics.User(UserId), new NotificationPushed(notification));
    }

    public Task<NotificationPage> List(bool unreadOnly, int page, int pageSize)
    {
        RequireOwner();
        return store.ListAsync(UserId, unreadOnly, (Math.Max(page, 1) - 1) * pageSize, pageSize);
    }

    public async Task<int> GetUnreadCount()
    {
        RequireOwner();
        unread ??= await store.CountUnreadAsync(UserId);
        return unread.Value;
    }

    public async Task<bool> MarkRead(string notificationId)
    {
        RequireOwner();
        switch (await store.MarkReadAsync(UserId, notificationId, clock.GetUtcNow()))
        {
            case null:
                return false;
            case true when unread is { } count:
                unread = Math.Max(0, count - 1);
                break;
        }

        return true;
    }

    public async Task<int> MarkAllRead()
    {
        RequireOwner();
        var changed = await store.MarkAllReadAsync(UserId, clock.GetUtcNow());
        unread = 0;
        return changed;
    }

    /// <summary>The id of the notification an event causes for a user: the same event always gives the same id.</summary>
    public static string NotificationId(string userId, string sourceKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(userId + "\n" + sourceKey));
        return "ntf_" + Convert.ToHexStringLower(hash)[..26];
    }

    private void RequireOwner()
    {
        if (!string.Equals(CallerContext.Require().UserId, UserId, StringComparison.Ordinal))
        {
            throw DomainException.Forbidden("not-your-inbox", "Notifications are read only by their recipient.");
        }
    }
}
