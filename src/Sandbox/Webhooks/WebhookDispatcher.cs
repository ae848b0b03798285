using System.Net.Http.Headers;
using System.Text;
using Marketplace.Sandbox.Infrastructure;
using Microsoft.Extensions.Options;

namespace Marketplace.Sandbox.Webhooks;

/// <summary>
/// Delivers webhooks when they are due and retries each with exponential backoff until the receiver answers 2xx or
/// the attempts run out, like a real provider. Optional chaos (duplicates, hold-backs) tests the receiver's idempotency.
/// </summary>
public sealed partial class WebhookDispatcher(
    Ledger ledger,
    IOptions<SandboxOptions> options,
    TimeProvider clock,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private const int MaxConcurrentDeliveries = 32;

    private readonly SandboxOptions settings = options.Value;
    private readonly Lock gate = new();
    private readonly PriorityQueue<Delivery, DateTimeOffset> due = new();
    private readonly SemaphoreSlim wake = new(0);
    private readonly SemaphoreSlim concurrency = new(MaxConcurrentDeliveries);
    private readonly HttpClient http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
    })
    {
        Timeout = options.Value.DeliveryTimeout,
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var intake = TakeNewEventsAsync(stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var ready = new List<Delivery>();
                TimeSpan wait;
                lock (gate)
                {
                    var now = clock.GetUtcNow();
                    while (due.TryPeek(out var delivery, out var at) && at <= now)
                    {
                        due.Dequeue();
                        ready.Add(delivery);
                    }

                    wait = due.TryPeek(out _, out var next) ? next - now : TimeSpan.FromSeconds(1);
                }

                foreach (var delivery in ready)
                {
                    _ = DeliverAsync(delivery, stoppingToken);
                }

                if (ready.Count == 0)
                {
                    // Never sleep long: a clock step or a lost wake-up costs at most a second.
                    var sleep = TimeSpan.FromMilliseconds(Math.Clamp(wait.TotalMilliseconds, 1, 1000));
                    await wake.WaitAsync(sleep, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: undelivered events stay pending in the journal and go out after a restart.
        }

        await intake;
    }

    public override void Dispose()
    {
        http.Dispose();
        wake.Dispose();
        concurrency.Dispose();
        base.Dispose();
    }

    private async Task TakeNewEventsAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var webhook in ledger.Scheduled.ReadAllAsync(stoppingToken))
            {
                var at = webhook.DueAt;
                if (Random.Shared.NextDouble() < settings.ReorderRate)
                {
                    at += settings.ReorderDelay;
                }

                Schedule(new Delivery(webhook, Attempt: 1, Duplicate: false), at);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Schedule(Delivery delivery, DateTimeOffset at)
    {
        lock (gate)
        {
            due.Enqueue(delivery, at);
        }

        wake.Release();
    }

    private async Task DeliverAsync(Delivery delivery, CancellationToken stoppingToken)
    {
        var webhook = delivery.Event;
        int? status = null;
        try
        {
            await concurrency.WaitAsync(stoppingToken);
            try
            {
                var secret = webhook.Channel == WebhookChannel.Payments
                    ? settings.Payments.WebhookSecret!
                    : settings.Shipping.WebhookSecret!;
                using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url)
                {
                    Content = new StringContent(webhook.Body, Encoding.UTF8, "application/json"),
                };
                request.Headers.TryAddWithoutValidation(WebhookSigner.HeaderName,
                    WebhookSigner.Header(secret, clock.GetUtcNow(), webhook.Body));
                request.Headers.UserAgent.Add(new ProductInfoHeaderValue("MarketplaceSandbox", "1.0"));
                using var response = await http.SendAsync(request, stoppingToken);
                status = (int)response.StatusCode;
            }
            finally
            {
                concurrency.Release();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            LogDeliveryError(webhook.Id, webhook.Url, delivery.Attempt, e.Message);
        }

        try
        {
            AfterAttempt(delivery, status);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The journal could not record the outcome; the event stays pending and goes again.
            LogJournalError(webhook.Id, e.Message);
            Schedule(delivery with { Attempt = delivery.Attempt + 1 }, clock.GetUtcNow() + Backoff(delivery.Attempt));
        }
    }

    private void AfterAttempt(Delivery delivery, int? status)
    {
        var webhook = delivery.Event;
        if (status is >= 200 and < 300)
        {
            LogDelivered(webhook.Id, webhook.Url, delivery.Attempt, delivery.Duplicate);
            if (!delivery.Duplicate)
            {
                ledger.MarkDelivered(webhook.Id);
                if (Random.Shared.NextDouble() < settings.DuplicateRate)
                {
                    Schedule(new Delivery(webhook, Attempt: 1, Duplicate: true), clock.GetUtcNow());
                }
            }

            return;
        }

        if (status is not null)
        {
            LogRefused(webhook.Id, webhook.Url, delivery.Attempt, status.Value);
        }

        if (delivery.Attempt >= settings.MaxAttempts)
        {
            LogGivenUp(webhook.Id, webhook.Url, delivery.Attempt);
            if (!delivery.Duplicate)
            {
                ledger.MarkAbandoned(webhook.Id);
            }

            return;
        }

        Schedule(delivery with { Attempt = delivery.Attempt + 1 }, clock.GetUtcNow() + Backoff(delivery.Attempt));
    }

    /// <summary>base × 2^(attempt−1), capped, with ±20% jitter so receivers that failed together do not retry together.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var exponential = settings.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = Math.Min(exponential, settings.RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    private sealed record Delivery(WebhookEvent Event, int Attempt, bool Duplicate);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {EventId} delivered to {Url} (attempt {Attempt}, duplicate {Duplicate})")]
    private partial void LogDelivered(string eventId, string url, int attempt, bool duplicate);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {EventId} to {Url} answered {Status} (attempt {Attempt})")]
    private partial void LogRefused(string eventId, string url, int attempt, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {EventId} to {Url} failed (attempt {Attempt}): {Error}")]
    private partial void LogDeliveryError(string eventId, string url, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook {EventId} to {Url} given up after {Attempt} attempts")]
    private partial void LogGivenUp(string eventId, string url, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook {EventId}: the journal could not record the delivery: {Error}")]
    private partial void LogJournalError(string eventId, string error);
}
