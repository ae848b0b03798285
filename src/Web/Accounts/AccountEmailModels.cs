using System.ComponentModel.DataAnnotations;
using Marketplace.Web.Infrastructure;

namespace Marketplace.Web.Accounts;

public sealed record ForgotPasswordRequest
{
    [Required, MailAddress, StringLength(254)]
    public string? Email { get; init; }
}

public sealed record ResetPasswordRequest
{
    [Required, StringLength(4096)]
    public string? Token { get; init; }

    [Required, StringLength(256)]
    public string? Password { get; init; }
}

public sealed record EmailTokenRequest
{
    [Required, StringLength(4096)]
    public string? Token { get; init; }
}

public sealed record ChangeEmailRequest
{
    [Required, MailAddress, StringLength(254)]
    public string? NewEmail { get; init; }

    [Required, StringLength(256)]
    public string? Password { get; init; }
}

public sealed record CultureRequest
{
    /// <summary>"en" or "es".</summary>
    [Required, RegularExpression("^(en|es)$", ErrorMessage = "The language is \"en\" or \"es\".")]
    public string? Culture { get; init; }
}

/// <summary>The one answer to "forgot password", whether or not the address has an account.</summary>
public sealed record EmailAcceptedResponse(string Message);
