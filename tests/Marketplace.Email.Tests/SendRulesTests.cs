using MailKit.Net.Smtp;
using Marketplace.Email;

namespace Marketplace.Email.Tests;

public sealed class SendRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

    private static readonly EmailOptions Options = new()
    {
        RetryBaseDelay = TimeSpan.FromSeconds(30), RetryMaxDelay = TimeSpan.FromMinutes(5), MaxAttempts = 6,
    };

    [Theory]
    [InlineData(1, 30)]
    [InlineData(2, 60)]
    [InlineData(3, 120)]
    [InlineData(4, 240)]
    [InlineData(5, 300)]
    public void A_failed_attempt_waits_twice_as_long_as_the_one_before_up_to_the_maximum(int attempt, int seconds) =>
        Assert.Equal(Now.AddSeconds(seconds), SendRules.NextAttempt(attempt, Now, Options));

    [Fact]
    public void After_the_last_allowed_attempt_there_is_none()
    {
        Assert.NotNull(SendRules.NextAttempt(Options.MaxAttempts - 1, Now, Options));
        Assert.Null(SendRules.NextAttempt(Options.MaxAttempts, Now, Options));
    }

    [Fact]
    public void A_recipient_refused_for_good_is_a_hard_bounce_and_a_refusal_for_now_is_tried_again()
    {
        Assert.Equal(SendFailure.HardBounce, SendRules.Classify(
            new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, SmtpStatusCode.MailboxUnavailable, "550 no such user")));
        Assert.Equal(SendFailure.Transient, SendRules.Classify(
            new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, SmtpStatusCode.MailboxBusy, "450 try later")));
    }

    [Fact]
    public void A_message_refused_for_good_is_permanent_and_a_broken_connection_is_transient()
    {
        Assert.Equal(SendFailure.Permanent, SendRules.Classify(
            new SmtpCommandException(SmtpErrorCode.MessageNotAccepted, SmtpStatusCode.TransactionFailed, "554 rejected")));
        Assert.Equal(SendFailure.Permanent, SendRules.Classify(new MimeKit.ParseException("bad address", 0, 0)));
        Assert.Equal(SendFailure.Transient, SendRules.Classify(new IOException("connection reset")));
        Assert.Equal(SendFailure.Transient, SendRules.Classify(new System.Net.Sockets.SocketException()));
    }

    [Fact]
    public void Sending_is_paced_to_the_rate_and_unpaced_when_the_rate_is_zero()
    {
        Assert.Equal(Now, SendRules.Paced(Now, 0, 10));
        Assert.Equal(Now.AddSeconds(5), SendRules.Paced(Now, 50, 10));
        Assert.Equal(Now, SendRules.Paced(Now, 50, 0));
    }

    [Fact]
    public void One_recipient_and_source_event_always_make_the_same_key_and_message_id()
    {
        var key = EmailKeys.Of("Ana@Example.com", "order-placed:ord_1");
        Assert.Equal(key, EmailKeys.Of(" ana@example.com", "order-placed:ord_1"));
        Assert.NotEqual(key, EmailKeys.Of("ana@example.com", "order-placed:ord_2"));
        Assert.NotEqual(key, EmailKeys.Of("bo@example.com", "order-placed:ord_1"));
        Assert.Equal(key + "@shop.example", EmailKeys.MessageId(key, "no-reply@shop.example"));
    }
}
