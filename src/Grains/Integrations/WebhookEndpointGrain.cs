using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Marketplace.Contracts.Integrations;
using Marketplace.Contracts.Notifications;
using Marketplace.Grains.Realtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Integrations;

/// <summary>
/// One webhook endpoint (docs/architecture.md, "Webhooks"). Its state is its row in <c>webhook_endpoints</c>; its work
/// is in <c>webhook_deliveries</c>. While enabled it runs a round every poll interval on a timer that keeps it active,
/// and a reminder brings it back after a silo is lost: fan out new events into deliveries, then send of each resource
/// the oldest pending delivery that is due, several resources at once. A delivery is recorded only after its attempt
/// ended, so a crash mid-round sends it again (receivers de-duplicate by event id).
/// </summary>
public sealed partial class WebhookEndpointGrain(
    WebhookStore store,
    WebhookSender sender,
    IOptions<WebhookOptions> options,
    TimeProvider clock,
    ILogger<WebhookEndpointGrain> logger) : Grain, IWebhookEndpointGrain, IRemindable
{
    private const string ReminderName = "webhooks";
    private const int FanOutPage = 500;

    private WebhookEndpointRow? endpoint;
    private IGrainTimer? timer;

    /// <summary>Nothing pending is due before this; the round skips the delivery query until then (or until new events).</summary>
    private DateTimeOffset? nextDue;

    private string EndpointId => this.GetPrimaryKeyString();

    private WebhookOptions Settings => options.Value;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        endpoint = await store.LoadAsync(EndpointId, cancellationToken);
        if (endpoint is { Enabled: true })
        {
            StartRounds();
        }
    }

    public async Task<WebhookSecret> Create(string? storeId, WebhookEndpointDraft draft)
    {
        var caller = CallerContext.Require();
        if (storeId is null ? !caller.IsAdmin : !(caller.IsAdmin || caller.ActsFor(storeId)))
        {
            throw DomainException.Forbidden("not-store-staff", "Only the store's staff (or an admin) may add its webhook endpoints.");
        }

        if (endpoint is not null)
        {
            throw DomainException.Conflict("endpoint-exists", "The endpoint already exists.");
        }

        draft = await CheckAsync(draft);
        var now = clock.GetUtcNow();
        var row = new WebhookEndpointRow(EndpointId, storeId, draft.Url, draft.Events, draft.Description, WebhookRules.NewSecret(), null, null,
            true, null, null, caller.UserId, now, now);
        if (!await store.CreateAsync(row, Settings.MaxEndpointsPerOwner))
        {
            throw DomainException.Conflict("too-many-endpoints", $"At most {Settings.MaxEndpointsPerOwner} webhook endpoints.");
        }

        endpoint = row;
        await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        StartRounds();
        LogCreated(logger, EndpointId, storeId ?? "(marketplace)", row.Url);
        return new WebhookSecret(row.ToView(), row.Secret);
    }

    public Task<WebhookEndpointView> Get() => Task.FromResult(Authorized().ToView());

    public async Task<WebhookEndpointView> Update(WebhookEndpointDraft draft, bool enabled)
    {
        var current = Authorized();
        draft = await CheckAsync(draft);
        var reenabled = enabled && !current.Enabled;
        endpoint = current with
        {
            Url = draft.Url,
            Events = draft.Events,
            Description = draft.Description,
            Enabled = enabled,
            DisabledReason = enabled ? null : current.DisabledReason ?? "Disabled by its owner.",
            FailingSince = reenabled ? null : current.FailingSince,
            UpdatedAt = clock.GetUtcNow(),
        };
        await store.SaveAsync(endpoint);
        await ApplyEnabledAsync();
        return endpoint.ToView();
    }

    public async Task<WebhookSecret> RotateSecret()
    {
        var current = Authorized();
        var now = clock.GetUtcNow();
        endpoint = current with
        {
            Secret = WebhookRules.NewSecret(),
            PreviousSecret = current.Secret,
            PreviousSecretUntil = now + Settings.SecretGrace,
            UpdatedAt = now,
        };
        await store.SaveAsync(endpoint);
        LogRotated(logger, EndpointId);
        return new WebhookSecret(endpoint.ToView(), endpoint.Secret);
    }

    public async Task Delete()
    {
        Authorized();
        await store.DeleteAsync(EndpointId);
        endpoint = null;
        await ApplyEnabledAsync();
        DeactivateOnIdle();
    }

    public async Task Redeliver(long deliveryId)
    {
        Authorized();
        if (!await store.RedeliverAsync(EndpointId, deliveryId, clock.GetUtcNow()))
        {
            throw DomainException.NotFound("The delivery");
        }

        nextDue = null;
    }

    public Task Pump() => endpoint is { Enabled: true } ? RoundAsync(CancellationToken.None) : Task.CompletedTask;

    public Task ReceiveReminder(string reminderName, TickStatus status) => ApplyEnabledAsync();

    /// <summary>The endpoint, when the caller is its store's staff or an admin.</summary>
    private WebhookEndpointRow Authorized()
    {
        var caller = CallerContext.Require();
        if (endpoint is null)
        {
            throw DomainException.NotFound("The webhook endpoint");
        }

        if (!(caller.IsAdmin || (endpoint.StoreId is { } storeId && caller.ActsFor(storeId))))
        {
            // Another store's endpoint does not exist as far as this caller can tell.
            throw DomainException.NotFound("The webhook endpoint");
        }

        return endpoint;
    }

    /// <summary>The draft normalized, or a validation error: its shape, then (outside development) where its host points.</summary>
    private async Task<WebhookEndpointDraft> CheckAsync(WebhookEndpointDraft draft)
    {
        var errors = WebhookRules.Validate(draft, Settings.AllowPrivateNetworks);
        if (errors.Count == 0 && !Settings.AllowPrivateNetworks)
        {
            var host = new Uri(draft.Url).IdnHost;
            IPAddress[] addresses;
            try
            {
                addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host);
            }
            catch (SocketException)
            {
                addresses = [];
            }

            if (addresses.Length == 0)
            {
                errors["url"] = ["The address's host name does not resolve."];
            }
            else if (!addresses.All(WebhookRules.IsPublic))
            {
                errors["url"] = ["The address is on a private, loopback or link-local network."];
            }
        }

        return errors.Count > 0 ? throw DomainException.Invalid(errors) : WebhookRules.Normalize(draft);
    }

    private async Task ApplyEnabledAsync()
    {
        if (endpoint is { Enabled: true })
        {
            await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            StartRounds();
            return;
        }

        timer?.Dispose();
        timer = null;
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private void StartRounds() => timer ??= this.RegisterGrainTimer(RoundAsync, new GrainTimerCreationOptions
    {
        DueTime = TimeSpan.Zero,
        Period = Settings.PollInterval,
        KeepAlive = true,
    });

    private async Task RoundAsync(CancellationToken ct)
    {
        if (endpoint is not { Enabled: true } current)
        {
            return;
        }

        try
        {
            var now = clock.GetUtcNow();
            if (await store.FanOutAsync(current, now, FanOutPage, ct) > 0)
            {
                nextDue = null;
            }

            if (nextDue > now)
            {
                await DisableIfFailingTooLongAsync(ct);
                return;
            }

            var (due, next) = await store.DueAsync(EndpointId, now, Settings.Concurrency * 4, ct);
            nextDue = next;
            if (due.Count > 0)
            {
                await SendAsync(current, due, ct);
                nextDue = null;
            }

            await DisableIfFailingTooLongAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRoundFailed(logger, e, EndpointId);
        }
    }

    private async Task SendAsync(WebhookEndpointRow current, IReadOnlyList<DueDelivery> due, CancellationToken ct)
    {
        var secrets = current.SigningSecrets(clock.GetUtcNow()).ToList();
        var results = new DeliveryAttempt[due.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, due.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Settings.Concurrency), CancellationToken = ct },
            async (i, token) =>
            {
                var delivery = due[i];
                var result = await sender.SendAsync(current.Url, secrets, delivery, token);
                var at = clock.GetUtcNow();
                var next = result.Delivered ? null : WebhookRules.NextAttempt(delivery.CreatedAt, delivery.Attempts + 1, at, Settings);
                results[i] = new DeliveryAttempt(delivery.Id, result.Delivered, next, at, result.StatusCode, result.Error, result.DurationMs);
            });
        await store.RecordAsync(results, ct);

        DateTimeOffset? failingSince = results.Any(r => r.Delivered) ? null : current.FailingSince ?? clock.GetUtcNow();
        if (failingSince != current.FailingSince)
        {
            endpoint = current with { FailingSince = failingSince };
            await store.SaveAsync(endpoint, ct);
        }
    }

    /// <summary>
    /// Disables the endpoint when nothing it was sent succeeded for the allowed time, whether or not anything is still
    /// being retried, and tells its owner.
    /// </summary>
    private async Task DisableIfFailingTooLongAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (endpoint is not { Enabled: true } current || !WebhookRules.ShouldDisable(current.FailingSince, now, Settings.DisableAfter))
        {
            return;
        }

        endpoint = current with
        {
            Enabled = false,
            DisabledReason = string.Format(CultureInfo.InvariantCulture, "Every delivery failed since {0:u}.", current.FailingSince),
            UpdatedAt = now,
        };
        await store.SaveAsync(endpoint, ct);
        LogDisabled(logger, EndpointId, current.Url);
        await TellOwnerAsync(endpoint);
        await ApplyEnabledAsync();
    }

    /// <summary>The store's staff (or, for an operator's endpoint, the admin who added it) hear that it was disabled.</summary>
    private Task TellOwnerAsync(WebhookEndpointRow disabled)
    {
        var draft = new NotificationDraft($"webhook-disabled:{disabled.Id}:{disabled.UpdatedAt.ToUnixTimeSeconds()}", NotificationKind.WebhookDisabled,
            "Webhook endpoint disabled", $"{disabled.Url} failed for a day and no longer receives events. Fix it, then enable it again.",
            disabled.StoreId is null ? "/admin/webhooks" : "/seller/webhooks",
            new Dictionary<string, string> { [NotificationFacts.Url] = disabled.Url });
        return disabled.StoreId is { } storeId
            ? GrainFactory.NotifyStore(storeId, draft, null)
            : GrainFactory.GetGrain<INotificationInboxGrain>(disabled.CreatedBy).Deliver(draft);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook endpoint {EndpointId} created for {Owner}: {Url}")]
    private static partial void LogCreated(ILogger logger, string endpointId, string owner, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook endpoint {EndpointId}: secret rotated")]
    private static partial void LogRotated(ILogger logger, string endpointId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook endpoint {EndpointId} disabled: every delivery to {Url} failed for too long")]
    private static partial void LogDisabled(ILogger logger, string endpointId, string url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook endpoint {EndpointId}: a delivery round failed; the next one tries again")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception, string endpointId);
}
