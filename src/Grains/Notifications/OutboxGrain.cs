using Marketplace.Contracts.Notifications;
using Marketplace.Grains.Common;
using Marketplace.Grains.Realtime;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Notifications;

/// <summary>A notification a grain decided to send: to one user, or to every staff member of a store.</summary>
public sealed class PendingNotice
{
    public string? UserId { get; set; }

    public string? SellerId { get; set; }

    public NotificationDraft? Draft { get; set; }
}

/// <summary>State that carries notifications not yet delivered.</summary>
public interface IHasOutbox
{
    List<PendingNotice> Outbox { get; }
}

/// <summary>
/// A grain whose decisions notify people. A notice is stored in the same write as the decision that causes it, then
/// delivered; what could not be delivered is retried on a timer, and on the next activation after a crash. Delivery is
/// idempotent (notification ids derive from the draft's source key), so delivering twice stores and pushes once.
/// </summary>
public abstract partial class OutboxGrain<TState>(IPersistentState<TState> state, ILogger logger) : Grain
    where TState : IHasOutbox
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);
    private IGrainTimer? retry;

    /// <summary>The grain's persisted state.</summary>
    protected TState Data => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Outbox.Count > 0)
        {
            ScheduleDelivery(TimeSpan.Zero);
        }

        return base.OnActivateAsync(cancellationToken);
    }

    protected void Notify(string? userId, string? sellerId, NotificationDraft draft) =>
        state.State.Outbox.Add(new PendingNotice { UserId = userId, SellerId = sellerId, Draft = draft });

    /// <summary>Stores the state, retiring the activation if the write fails.</summary>
    protected Task SaveAsync() => state.WriteOrReloadAsync(this);

    /// <summary>Stores the state (decision and notices together), then delivers the notices.</summary>
    protected async Task SaveAndNotifyAsync()
    {
        await state.WriteOrReloadAsync(this);
        await DeliverAsync();
    }

    private async Task DeliverAsync()
    {
        var delivered = 0;
        foreach (var notice in state.State.Outbox.ToList())
        {
            try
            {
                await (notice.SellerId is { } sellerId
                    ? GrainFactory.NotifyStore(sellerId, notice.Draft, null)
                    : GrainFactory.NotifyUser(notice.UserId!, notice.Draft, null));
                state.State.Outbox.Remove(notice);
                delivered++;
            }
            catch (Exception e)
            {
                LogDeliveryFailed(logger, e, this.GetGrainId());
            }
        }

        if (delivered > 0)
        {
            try
            {
                await state.WriteOrReloadAsync(this);
            }
            catch (Exception e)
            {
                // The notices stay in storage and are delivered (again, harmlessly) by the next activation.
                LogDeliveryFailed(logger, e, this.GetGrainId());
            }
        }

        if (state.State.Outbox.Count > 0)
        {
            ScheduleDelivery(RetryDelay);
        }
    }

    private void ScheduleDelivery(TimeSpan due)
    {
        retry?.Dispose();
        retry = this.RegisterGrainTimer(async _ =>
        {
            retry?.Dispose();
            retry = null;
            await DeliverAsync();
        }, new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering notifications of {Grain} failed; retrying")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, GrainId grain);
}
