using MailKit.Net.Smtp;

namespace Marketplace.Email;

/// <summary>What a failed attempt means for the email.</summary>
public enum SendFailure
{
    /// <summary>The relay or the network failed: the email is tried again later.</summary>
    Transient,

    /// <summary>The relay refused the recipient for good (a 5xx answer to RCPT TO): the address gets no further email.</summary>
    HardBounce,

    /// <summary>The message itself was refused for good: tried no more, listed as dead for an operator.</summary>
    Permanent,
}

/// <summary>The sender's rules, apart from any connection: how a failure is read and when an email is tried again.</summary>
public static class SendRules
{
    public static SendFailure Classify(Exception failure) => failure switch
    {
        SmtpCommandException { ErrorCode: SmtpErrorCode.RecipientNotAccepted } e when (int)e.StatusCode >= 500 => SendFailure.HardBounce,
        SmtpCommandException { ErrorCode: SmtpErrorCode.MessageNotAccepted or SmtpErrorCode.SenderNotAccepted } e when (int)e.StatusCode >= 500 =>
            SendFailure.Permanent,
        MimeKit.ParseException or ArgumentException => SendFailure.Permanent,

        // Everything else (the relay busy or gone, a timeout, a 4xx answer) may pass.
        _ => SendFailure.Transient,
    };

    /// <summary>
    /// When attempt number <paramref name="attempt"/> (1 for the first) failed transiently, the next is due after a wait
    /// that doubles from the base delay up to the maximum; after the last allowed attempt there is none (null: dead).
    /// </summary>
    public static DateTimeOffset? NextAttempt(int attempt, DateTimeOffset now, EmailOptions options)
    {
        if (attempt >= options.MaxAttempts)
        {
            return null;
        }

        var factor = Math.Pow(2, Math.Min(attempt - 1, 30));
        var wait = TimeSpan.FromTicks((long)Math.Min(options.RetryBaseDelay.Ticks * factor, options.RetryMaxDelay.Ticks));
        return now + wait;
    }

    /// <summary>The earliest moment the email after <paramref name="sent"/> emails since <paramref name="start"/> may go, at most <paramref name="perSecond"/> a second.</summary>
    public static DateTimeOffset Paced(DateTimeOffset start, long sent, double perSecond) =>
        perSecond <= 0 ? start : start + TimeSpan.FromSeconds(sent / perSecond);
}
