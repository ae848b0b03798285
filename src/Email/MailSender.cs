using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Marketplace.Email;

/// <summary>
/// Sends what the email outbox holds, in the background: takes a batch (leased, so several processes share the queue),
/// sends each over one SMTP connection at no more than <see cref="EmailOptions.MaxPerSecond"/>, then records the batch
/// as sent. A crash after the relay accepted an email and before that was recorded sends it again when the lease ends —
/// the same message, with the same Message-ID and Date. Failures wait and are tried again; hard bounces suppress the
/// address. Nothing here runs in a request.
/// </summary>
public sealed partial class MailSender(
    MailQueue queue, MessageComposer composer, IOptions<EmailOptions> options, TimeProvider clock, ILogger<MailSender> logger) : BackgroundService
{
    private DateTimeOffset paceStart;
    private long pacedCount;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.SenderEnabled || string.IsNullOrWhiteSpace(settings.Smtp.Host))
        {
            Log.NotSending(logger, settings.SenderEnabled ? "no SMTP relay is configured (Email:Smtp:Host)" : "Email:SenderEnabled is false");
            return;
        }

        using var smtp = new SmtpClient { Timeout = (int)settings.Smtp.Timeout.TotalMilliseconds };
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<QueuedEmail> batch;
            try
            {
                batch = await queue.TakeAsync(settings.BatchSize, settings.Lease, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                Log.QueueFailed(logger, e);
                await queue.WaitForWorkAsync(settings.PollInterval, stoppingToken);
                continue;
            }
            catch (OperationCanceledException)
            {
                break;
            }

            if (batch.Count == 0)
            {
                if (smtp.IsConnected)
                {
                    await DisconnectQuietlyAsync(smtp);
                }

                await queue.WaitForWorkAsync(settings.PollInterval, stoppingToken);
                continue;
            }

            await SendBatchAsync(smtp, batch, stoppingToken);
        }

        await DisconnectQuietlyAsync(smtp);
    }

    private async Task SendBatchAsync(SmtpClient smtp, IReadOnlyList<QueuedEmail> batch, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var sent = new List<string>(batch.Count);
        try
        {
            var suppressed = await queue.SuppressedAmongAsync(batch.Select(b => b.Email.To), stoppingToken);
            for (var i = 0; i < batch.Count; i++)
            {
                var queued = batch[i];
                if (suppressed.Contains(queued.Email.To.ToLowerInvariant()))
                {
                    await queue.MarkSuppressedAsync(queued.Key, "The address bounced earlier.", stoppingToken);
                    continue;
                }

                MimeMessage message;
                try
                {
                    message = await composer.ComposeAsync(queued);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.ComposeFailed(logger, e, queued.Key, queued.Email.Kind.Name);
                    await queue.MarkFailedAsync(queued.Key, null, "Could not be composed: " + e.Message, stoppingToken);
                    continue;
                }

                await PaceAsync(settings.MaxPerSecond, stoppingToken);
                try
                {
                    await ConnectAsync(smtp, stoppingToken);
                    await smtp.SendAsync(message, stoppingToken);
                    sent.Add(queued.Key);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    await FailedAsync(queued, e, stoppingToken);
                    if (!smtp.IsConnected)
                    {
                        // The relay is gone: the rest of the batch waits for the next attempt instead of failing one by one.
                        foreach (var rest in batch.Skip(i + 1))
                        {
                            await queue.MarkFailedAsync(rest.Key, SendRules.NextAttempt(rest.Attempt, clock.GetUtcNow(), settings) ?? clock.GetUtcNow(),
                                "Not tried: the relay was unreachable.", stoppingToken);
                        }

                        await queue.WaitForWorkAsync(settings.PollInterval, stoppingToken);
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what was sent is recorded below; the rest is taken again when its lease ends.
        }
        finally
        {
            try
            {
                await queue.MarkSentAsync(sent, CancellationToken.None);
                Log.Sent(logger, sent.Count);
            }
            catch (Exception e)
            {
                // Sent but not recorded: taken again after the lease and sent as the same message.
                Log.RecordFailed(logger, e, sent.Count);
            }
        }
    }

    private async Task FailedAsync(QueuedEmail queued, Exception failure, CancellationToken stoppingToken)
    {
        var kind = SendRules.Classify(failure);
        Log.SendFailed(logger, failure, queued.Key, queued.Attempt, kind);
        switch (kind)
        {
            case SendFailure.HardBounce:
                await queue.SuppressAsync(queued.Email.To, "Hard bounce: " + failure.Message, stoppingToken);
                await queue.MarkFailedAsync(queued.Key, null, "Hard bounce: " + failure.Message, stoppingToken);
                break;
            case SendFailure.Permanent:
                await queue.MarkFailedAsync(queued.Key, null, failure.Message, stoppingToken);
                break;
            default:
                await queue.MarkFailedAsync(queued.Key, SendRules.NextAttempt(queued.Attempt, clock.GetUtcNow(), options.Value), failure.Message, stoppingToken);
                break;
        }
    }

    private async Task ConnectAsync(SmtpClient smtp, CancellationToken cancellationToken)
    {
        if (smtp.IsConnected)
        {
            return;
        }

        var relay = options.Value.Smtp;
        var security = relay.Security switch
        {
            SmtpSecurity.None => SecureSocketOptions.None,
            SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.Auto,
        };
        await smtp.ConnectAsync(relay.Host!, relay.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(relay.UserName))
        {
            await smtp.AuthenticateAsync(relay.UserName, relay.Password ?? "", cancellationToken);
        }
    }

    private async Task PaceAsync(double perSecond, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (pacedCount == 0 || now - paceStart > TimeSpan.FromSeconds(10))
        {
            // A fresh window after a pause, so idle time is not saved up for a burst.
            paceStart = now;
            pacedCount = 0;
        }

        var due = SendRules.Paced(paceStart, pacedCount, perSecond);
        pacedCount++;
        if (due > now)
        {
            await Task.Delay(due - now, clock, cancellationToken);
        }
    }

    private static async Task DisconnectQuietlyAsync(SmtpClient smtp)
    {
        try
        {
            if (smtp.IsConnected)
            {
                await smtp.DisconnectAsync(quit: true);
            }
        }
        catch (Exception)
        {
            // The connection is dropped either way.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Emails are queued but not sent: {Reason}.")]
        public static partial void NotSending(ILogger logger, string reason);

        [LoggerMessage(2, LogLevel.Warning, "Could not take emails from the queue; trying again shortly.")]
        public static partial void QueueFailed(ILogger logger, Exception e);

        [LoggerMessage(3, LogLevel.Error, "Email {Key} ({Kind}) could not be composed; it is dead until an operator retries it.")]
        public static partial void ComposeFailed(ILogger logger, Exception e, string key, string kind);

        [LoggerMessage(4, LogLevel.Warning, "Email {Key} failed on attempt {Attempt} ({Failure}).")]
        public static partial void SendFailed(ILogger logger, Exception e, string key, int attempt, SendFailure failure);

        [LoggerMessage(5, LogLevel.Debug, "{Count} emails sent.")]
        public static partial void Sent(ILogger logger, int count);

        [LoggerMessage(6, LogLevel.Warning, "{Count} emails were sent but not recorded as sent; they will be sent again as the same messages.")]
        public static partial void RecordFailed(ILogger logger, Exception e, int count);
    }
}
