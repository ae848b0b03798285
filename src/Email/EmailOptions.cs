namespace Marketplace.Email;

/// <summary>How the SMTP connection is secured (MailKit's choices, named for configuration).</summary>
public enum SmtpSecurity
{
    /// <summary>TLS when the server offers STARTTLS, plain otherwise (port 587 or 25 relays).</summary>
    Auto,

    /// <summary>Plain SMTP: only for a relay on loopback or inside the cluster's network.</summary>
    None,

    /// <summary>STARTTLS required.</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,
}

/// <summary>The relay emails are handed to (<c>Email:Smtp</c>).</summary>
public sealed class SmtpOptions
{
    /// <summary>Null: no relay. Development then keeps emails queued; Production refuses to start.</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Email settings (<c>Email</c> section).</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>The sender address of every email; its domain is the one SPF, DKIM and DMARC are set up for.</summary>
    public string FromAddress { get; set; } = "no-reply@marketplace.local";

    /// <summary>The marketplace's name as recipients see it (a store's emails say "Store via Marketplace").</summary>
    public string FromName { get; set; } = "Marketplace";

    /// <summary>Where recipients write when something looks wrong (told in security emails).</summary>
    public string SupportAddress { get; set; } = "support@marketplace.local";

    /// <summary>Whether this process sends queued emails (every web host does unless told otherwise).</summary>
    public bool SenderEnabled { get; set; } = true;

    /// <summary>At most this many emails a second from one sending process, so a large announcement does not flood the relay.</summary>
    public double MaxPerSecond { get; set; } = 100;

    /// <summary>Emails one sending process takes from the queue at a time.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>How often an idle sender looks at the queue (an email queued by the same process wakes it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a taken email is reserved for its sender; if that process dies, another takes it after this.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The wait after the first failed attempt; it doubles per attempt up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>After this many failed attempts an email is dead: listed at /admin/email for an operator to retry.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>
    /// How long a notification someone chose to receive as a digest waits: their digest is sent once the oldest
    /// gathered notification is this old, with everything gathered since (a day: one digest a day at most).
    /// </summary>
    public TimeSpan DigestAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>A folder whose templates replace the built-in ones of the same name (an operator's own wording).</summary>
    public string? TemplatesPath { get; set; }
}
