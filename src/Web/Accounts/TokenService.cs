using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Marketplace.Web.Accounts;

/// <summary>Claim names in our tokens (JWT registered names where one exists).</summary>
public static class MarketplaceClaims
{
    public const string Subject = "sub";
    public const string Email = "email";

    /// <summary>"true" once the account confirmed its address (OpenID Connect's claim name).</summary>
    public const string EmailVerified = "email_verified";
    public const string Name = "name";
    public const string Role = "role";
    public const string SellerId = "seller_id";
    public const string Session = "sid";
    public const string AuthenticationMethods = "amr";
    public const string Scope = "scope";

    public const string PasswordMethod = "pwd";
    public const string MultiFactorMethod = "mfa";

    /// <summary>Signed in through another site's OpenID Connect provider.</summary>
    public const string ExternalMethod = "ext";
}

public sealed record IssuedToken(string Token, DateTimeOffset ExpiresAt);

/// <summary>Issues HMAC-signed JWT access tokens and describes how to validate them.</summary>
public sealed class TokenService
{
    public const int MinimumKeyBytes = 32;
    public const string GuestPrefix = "gst_";

    private readonly AuthOptions options;
    private readonly TimeProvider clock;
    private readonly JsonWebTokenHandler handler = new();

    public TokenService(IOptions<AuthOptions> options, TimeProvider clock)
    {
        this.options = options.Value;
        this.clock = clock;
        SigningKey = new SymmetricSecurityKey(DecodeKey(this.options.SigningKey));
    }

    public SymmetricSecurityKey SigningKey { get; }

    public static byte[] DecodeKey(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64))
        {
            throw new InvalidOperationException("Auth:SigningKey is not set: give a base64 key of at least 32 random bytes (Auth__SigningKey).");
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException("Auth:SigningKey is not valid base64.", e);
        }

        return key.Length >= MinimumKeyBytes
            ? key
            : throw new InvalidOperationException($"Auth:SigningKey must be at least {MinimumKeyBytes} bytes.");
    }

    public IssuedToken CreateUserToken(MarketplaceUser user, IEnumerable<string> roles, Guid sessionId, string authenticationMethods) =>
        Create(UserClaims(user, roles, sessionId, authenticationMethods), options.AccessTokenLifetime);

    /// <summary>The claims of a signed-in user, the same in an access token and in the web pages' sign-in cookie.</summary>
    public static List<Claim> UserClaims(MarketplaceUser user, IEnumerable<string> roles, Guid sessionId, string authenticationMethods)
    {
        var claims = new List<Claim>
        {
            new(MarketplaceClaims.Subject, user.Id),
            new(MarketplaceClaims.Email, user.Email ?? ""),
            new(MarketplaceClaims.EmailVerified, user.EmailConfirmed ? "true" : "false"),
            new(MarketplaceClaims.Name, user.DisplayName),
            new(MarketplaceClaims.Session, sessionId.ToString("N")),
        };
        claims.AddRange(roles.Select(r => new Claim(MarketplaceClaims.Role, r)));
        claims.AddRange(authenticationMethods.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(m => new Claim(MarketplaceClaims.AuthenticationMethods, m)));
        if (user.SellerId is { } sellerId)
        {
            claims.Add(new Claim(MarketplaceClaims.SellerId, sellerId));
        }

        return claims;
    }

    /// <summary>
    /// A short-lived access token for the identity a web page's cookie proves (its live connection needs a bearer
    /// token): the same claims, never the server-added ones.
    /// </summary>
    public IssuedToken CreateAccessToken(ClaimsPrincipal principal)
    {
        var claims = principal.Claims.Where(c => c.Type is MarketplaceClaims.Subject or MarketplaceClaims.Email or MarketplaceClaims.Name
                or MarketplaceClaims.Session or MarketplaceClaims.Role or MarketplaceClaims.AuthenticationMethods or MarketplaceClaims.SellerId)
            .Select(c => new Claim(c.Type, c.Value))
            .ToList();
        return Create(claims, options.AccessTokenLifetime);
    }

    /// <summary>A token for an anonymous visitor: a stable guest id for a cart and stock watching, no account.</summary>
    public IssuedToken CreateGuestToken(out string guestId)
    {
        guestId = NewGuestId();
        return Create(GuestClaims(guestId), options.GuestTokenLifetime);
    }

    public static string NewGuestId() => GuestPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static List<Claim> GuestClaims(string guestId) => [new(MarketplaceClaims.Subject, guestId), new(MarketplaceClaims.Role, RoleNames.Guest)];

    /// <summary>The guest id of a valid, unexpired guest token; null for anything else.</summary>
    public async Task<string?> ReadGuestIdAsync(string? token)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return null;
        }

        var result = await handler.ValidateTokenAsync(token, ValidationParameters());
        return result.IsValid
               && result.ClaimsIdentity.HasClaim(MarketplaceClaims.Role, RoleNames.Guest)
               && result.ClaimsIdentity.FindFirst(MarketplaceClaims.Subject)?.Value is { } id
               && id.StartsWith(GuestPrefix, StringComparison.Ordinal)
            ? id
            : null;
    }

    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = options.Issuer,
        ValidAudience = options.Audience,
        IssuerSigningKey = SigningKey,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        NameClaimType = MarketplaceClaims.Subject,
        RoleClaimType = MarketplaceClaims.Role,
        ClockSkew = TimeSpan.FromSeconds(30),
    };

    private IssuedToken Create(IEnumerable<Claim> claims, TimeSpan lifetime)
    {
        var now = clock.GetUtcNow();
        var expires = now + lifetime;
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.HmacSha256),
        });
        return new IssuedToken(token, expires);
    }
}
