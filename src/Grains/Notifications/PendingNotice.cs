using Marketplace.Contracts.Notifications;
using Marketplace.Grains.Realtime;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Notifications;

/// <summary>A notification a grain decided to send: to one user, or to every staff member of a store.</summary>
public sealed class PendingNotice
{
    public string? UserId { get; set; }

    public string? SellerId { get; set; }

    public NotificationDraft? Draft { get; set; }

    /// <summary>Stores it in the inbox of its recipient(s); idempotent, since the notification's id derives from the draft.</summary>
    public Task DeliverAsync(IGrainFactory grains) => SellerId is { } sellerId
        ? grains.NotifyStore(sellerId, Draft, null)
        : grains.NotifyUser(UserId!, Draft, null);
}

/// <summary>The outbox of a grain whose pending notifications are <see cref="PendingNotice"/>s (questions, reviews).</summary>
public static class PendingNotices
{
    /// <summary>Retried every 5 s while the grain is active; that a notice was delivered is written at once.</summary>
    public static readonly OutboxTiming Timing = new(RetryDelay: TimeSpan.FromSeconds(5));

    /// <summary>The outbox of the notices listed in <paramref name="pending"/>: each is taken off the list once delivered.</summary>
    public static Outbox<PendingNotice> Outbox(
        IGrainBase grain, IGrainFactory grains, Func<List<PendingNotice>> pending, Func<Task> write, TimeProvider clock, ILogger logger) =>
        new(pending, notice => notice.DeliverAsync(grains).Then(() => pending().Remove(notice)), write, Timing,
            Outboxes.TimersOf(grain), clock, logger, grain.GrainContext.GrainId.ToString());
}
