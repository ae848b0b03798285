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
}
