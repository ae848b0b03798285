using Marketplace.Contracts.Notifications;
using Marketplace.Contracts.Realtime;

namespace Marketplace.Grains.Realtime;

/// <summary>How grains tell people things: a stored notification and a live event, to one user or to a store's staff.</summary>
public static class LiveEvents
{
    /// <summary>Pushes an event to the web hosts watching the topic; fire and forget (live events may be lost, inboxes not).</summary>
    public static void Publish(this IGrainFactory grains, string topic, FeedEvent feedEvent) =>
        _ = grains.GetGrain<IFeedGrain>(topic).Publish(feedEvent);

    /// <summary>Stores the notification in the user's inbox (which pushes it) and publishes the live event.</summary>
    public static async Task NotifyUser(this IGrainFactory grains, string userId, NotificationDraft? draft, FeedEvent? liveEvent)
    {
        if (liveEvent is not null)
        {
            grains.Publish(FeedTopics.User(userId), liveEvent);
        }

        if (draft is not null)
        {
            await grains.GetGrain<INotificationInboxGrain>(userId).Deliver(draft);
        }
    }

    /// <summary>
    /// Pushes a live event to every staff member of the store without waiting (the store grain knows the staff); a
    /// failure is only logged by the runtime, since live events are best effort.
    /// </summary>
    public static void PublishToStore(this IGrainFactory grains, string sellerId, FeedEvent liveEvent) =>
        _ = grains.NotifyStore(sellerId, null, liveEvent).ContinueWith(
            t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    /// <summary>Notifies every staff member of the store (see <see cref="ISellerGrain.NotifyStaff"/>).</summary>
    public static Task NotifyStore(this IGrainFactory grains, string sellerId, NotificationDraft? draft, FeedEvent? liveEvent) =>
        grains.GetGrain<ISellerGrain>(sellerId).NotifyStaff(draft, liveEvent);
}
