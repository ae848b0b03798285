namespace Marketplace.Web.OpenId;

/// <summary>
/// The OpenID Connect provider's settings (section <c>Oidc</c>). The issuer is <c>Marketplace:PublicUrl</c>.
/// </summary>
public sealed class OidcOptions
{
    public const string Section = "Oidc";

    /// <summary>
    /// Whether clients may be registered with http:// redirect URIs and the issuer may be an http:// address. Unset: only
    /// in Development. TLS usually ends at the ingress, so the provider trusts its configured issuer rather than the
    /// scheme a request arrives with.
    /// </summary>
    public bool? AllowHttp { get; set; }

    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan IdentityTokenLifetime { get; set; } = TimeSpan.FromMinutes(20);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// How long a used refresh token may be used again (a client whose answer was lost in the network). Zero: a used
    /// refresh token is refused at once, and its whole family of tokens is revoked.
    /// </summary>
    public TimeSpan RefreshTokenReuseLeeway { get; set; } = TimeSpan.Zero;

    /// <summary>How long one key signs (or encrypts) new tokens before the next takes over.</summary>
    public TimeSpan KeyLifetime { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// How long a new key is published before it starts signing, so clients that cache the key set already have it.
    /// </summary>
    public TimeSpan KeyPublishedAhead { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How often each web host reads the keys again (and creates the next one when it is due).</summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long after its last use a signing key stays published: at least the longest-lived token it signs. An
    /// encryption key is kept as long as the refresh tokens it encrypted live.
    /// </summary>
    public TimeSpan SigningKeyRetention => Max(AccessTokenLifetime, IdentityTokenLifetime) + TimeSpan.FromHours(1);

    public TimeSpan EncryptionKeyRetention => Max(RefreshTokenLifetime, AuthorizationCodeLifetime) + TimeSpan.FromHours(1);

    public bool HttpAllowed(IHostEnvironment environment) => AllowHttp ?? environment.IsDevelopment();

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>
/// Sign-in with another site's OpenID Connect provider (section <c>Authentication:External</c>): off until an issuer is
/// configured. The business directory is the expected one.
/// </summary>
public sealed class ExternalSignInOptions
{
    public const string Section = "Authentication:External";

    /// <summary>The provider's issuer, e.g. https://directory.example; its discovery document is read from there.</summary>
    public string? Issuer { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>What the sign-in button says: "Sign in with {DisplayName}".</summary>
    public string DisplayName { get; set; } = "the business directory";

    public bool Enabled => !string.IsNullOrWhiteSpace(Issuer) && !string.IsNullOrWhiteSpace(ClientId);
}
