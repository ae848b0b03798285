using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Accounts;

/// <summary>Reset links live shorter than verification links (<see cref="AuthOptions.PasswordResetLifetime"/>).</summary>
public sealed class PasswordResetTokenProviderOptions : DataProtectionTokenProviderOptions
{
    public const string ProviderName = "PasswordReset";

    public PasswordResetTokenProviderOptions()
    {
        Name = ProviderName;
        TokenLifespan = TimeSpan.FromHours(1);
    }
}

/// <summary>Identity's signed, expiring token for password resets, with its own lifetime.</summary>
public sealed class PasswordResetTokenProvider(
    IDataProtectionProvider protection,
    IOptions<PasswordResetTokenProviderOptions> options,
    ILogger<DataProtectorTokenProvider<MarketplaceUser>> logger)
    : DataProtectorTokenProvider<MarketplaceUser>(protection, options, logger);
