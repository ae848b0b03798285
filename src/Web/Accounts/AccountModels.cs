using System.ComponentModel.DataAnnotations;
using Marketplace.Web.Catalog;
using Marketplace.Web.Infrastructure;

namespace Marketplace.Web.Accounts;

public enum RegistrationRole
{
    Shopper,
    Seller,
}

public sealed record RegisterRequest
{
    [Required, MailAddress, StringLength(254)]
    public string? Email { get; init; }

    /// <summary>At least 10 characters; common passwords are refused.</summary>
    [Required, StringLength(256)]
    public string? Password { get; init; }

    [Required, StringLength(100, MinimumLength = 1)]
    public string? DisplayName { get; init; }

    [Required]
    public RegistrationRole? Role { get; init; }

    /// <summary>For sellers: the store to create. Omit when taking over an existing store with <see cref="ClaimCode"/>.</summary>
    public StoreRequest? Store { get; init; }

    /// <summary>For sellers: a claim code for a store that was created for your business (e.g. by a directory).</summary>
    [StringLength(200)]
    public string? ClaimCode { get; init; }
}

public sealed record LoginRequest
{
    [Required, StringLength(254)]
    public string? Email { get; init; }

    [Required, StringLength(256)]
    public string? Password { get; init; }

    /// <summary>The 6-digit code from the authenticator app, when two-factor sign-in is on.</summary>
    [StringLength(10)]
    public string? TwoFactorCode { get; init; }

    /// <summary>A one-time recovery code, instead of <see cref="TwoFactorCode"/>.</summary>
    [StringLength(20)]
    public string? RecoveryCode { get; init; }
}

public sealed record RefreshRequest
{
    [Required, StringLength(200)]
    public string? RefreshToken { get; init; }
}

public sealed record LogoutRequest
{
    [StringLength(200)]
    public string? RefreshToken { get; init; }
}

public sealed record TwoFactorCodeRequest
{
    [Required, StringLength(20, MinimumLength = 6)]
    public string? Code { get; init; }
}

public sealed record InvitationRequest
{
    [Required, MailAddress, StringLength(254)]
    public string? Email { get; init; }
}

public sealed record AcceptInvitationRequest
{
    [Required, StringLength(200)]
    public string? Token { get; init; }
}

public sealed record RegisterResponse(string UserId, string? SellerId, string AccessToken, DateTimeOffset ExpiresAt, string RefreshToken);

public sealed record TokenResponse(string AccessToken, DateTimeOffset ExpiresAt, string RefreshToken);

public sealed record GuestTokenResponse(string AccessToken, DateTimeOffset ExpiresAt, string GuestId);

public sealed record MeResponse(
    string UserId,
    string Email,
    string DisplayName,
    IReadOnlyList<string> Roles,
    string? SellerId,
    bool TwoFactorEnabled,
    DateTimeOffset CreatedAt,
    int UnreadNotifications,
    bool EmailVerified,
    string Culture);

public sealed record TwoFactorSetupResponse(string SharedKey, string AuthenticatorUri);

public sealed record RecoveryCodesResponse(IReadOnlyList<string> RecoveryCodes);

public sealed record InvitationResponse(string Email, string Token, DateTimeOffset ExpiresAt);

public sealed record StaffResponse(string UserId, string? Email, StaffRole Role, DateTimeOffset AddedAt);

public sealed record AcceptInvitationResponse(string SellerId, string StoreName);
