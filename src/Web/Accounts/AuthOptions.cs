namespace Marketplace.Web.Accounts;

/// <summary>Sign-in, token and lockout settings (configuration section "Auth").</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public string Issuer { get; set; } = "marketplace";

    public string Audience { get; set; } = "marketplace-api";

    /// <summary>Base64 HMAC-SHA256 key of at least 32 bytes, shared by every web host. Required.</summary>
    public string? SigningKey { get; set; }

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    public TimeSpan GuestTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long a web host trusts its cached answer that a session is not revoked; a logout on another web host takes
    /// effect here within this time (at once on the web host that handled it).
    /// </summary>
    public TimeSpan SessionCheckCacheDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Admin endpoints need a token from a login with a second factor. On unless configured off.</summary>
    public bool RequireTwoFactorForAdmins { get; set; } = true;

    public int MaxFailedLogins { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A seller's account must have confirmed its email address before its store publishes products.</summary>
    public bool SellersMustVerifyEmail { get; set; } = true;

    /// <summary>How long the link of a verification or email-change email works.</summary>
    public TimeSpan EmailLinkLifetime { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How long a password-reset link works.</summary>
    public TimeSpan PasswordResetLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Password-reset emails one address may be sent per hour (more requests are answered alike, and send nothing).</summary>
    public int PasswordResetsPerHour { get; set; } = 3;

    /// <summary>Verification emails one account may ask for per hour.</summary>
    public int VerificationEmailsPerHour { get; set; } = 3;
}
