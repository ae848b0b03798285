using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Accounts;

public enum TwoFactorOutcome
{
    Done,
    NoAccount,
    /// <summary>Set-up asked for while two-factor sign-in is on (turn it off first to change the key).</summary>
    AlreadyOn,
    /// <summary>Enabling asked for before a key was set up.</summary>
    NotSetUp,
    /// <summary>New recovery codes asked for while two-factor sign-in is off.</summary>
    NotOn,
    InvalidCode,
}

/// <summary>The authenticator key (shown grouped, "abcd efgh …") and the otpauth URI an authenticator app reads.</summary>
public sealed record TwoFactorSetup(string SharedKey, string AuthenticatorUri);

/// <summary>Two-factor sign-in with an authenticator app (TOTP): set-up, enabling with a first code, recovery codes, turning it off.</summary>
public sealed class TwoFactor(UserManager<MarketplaceUser> users, AccountService accounts, IOptions<AuthOptions> options)
{
    public const int RecoveryCodeCount = 10;

    public async Task<bool> IsEnabledAsync(string userId) => (await users.FindByIdAsync(userId))?.TwoFactorEnabled == true;

    /// <summary>A new key for the account (replacing one not yet confirmed), or with <paramref name="keepKey"/> the key being set up.</summary>
    public async Task<(TwoFactorOutcome Outcome, TwoFactorSetup? Setup)> SetUpAsync(string userId, bool keepKey = false)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return (TwoFactorOutcome.NoAccount, null);
        }

        if (user.TwoFactorEnabled)
        {
            return (TwoFactorOutcome.AlreadyOn, null);
        }

        if (!keepKey || await users.GetAuthenticatorKeyAsync(user) is null)
        {
            await users.ResetAuthenticatorKeyAsync(user);
        }

        var key = (await users.GetAuthenticatorKeyAsync(user))!;
        var issuer = Uri.EscapeDataString(options.Value.Issuer);
        var uri = $"otpauth://totp/{issuer}:{Uri.EscapeDataString(user.Email!)}?secret={key}&issuer={issuer}&digits=6";
        return (TwoFactorOutcome.Done, new TwoFactorSetup(Group(key), uri));
    }

    /// <summary>Turns two-factor sign-in on with a first code from the app; answers the recovery codes (shown once).</summary>
    public async Task<(TwoFactorOutcome Outcome, IReadOnlyList<string>? RecoveryCodes)> EnableAsync(string userId, string code)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return (TwoFactorOutcome.NoAccount, null);
        }

        if (await users.GetAuthenticatorKeyAsync(user) is null)
        {
            return (TwoFactorOutcome.NotSetUp, null);
        }

        if (!await accounts.VerifyAuthenticatorCodeAsync(user, code))
        {
            return (TwoFactorOutcome.InvalidCode, null);
        }

        await users.SetTwoFactorEnabledAsync(user, true);
        return (TwoFactorOutcome.Done, (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))!.ToList());
    }

    /// <summary>Turns it off with a current code or a recovery code, and forgets the key. Already off is done.</summary>
    public async Task<TwoFactorOutcome> DisableAsync(string userId, string code)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return TwoFactorOutcome.NoAccount;
        }

        if (!user.TwoFactorEnabled)
        {
            return TwoFactorOutcome.Done;
        }

        code = code.Trim();
        if (!await accounts.VerifyAuthenticatorCodeAsync(user, code) && !(await users.RedeemTwoFactorRecoveryCodeAsync(user, code)).Succeeded)
        {
            return TwoFactorOutcome.InvalidCode;
        }

        await users.SetTwoFactorEnabledAsync(user, false);
        await users.ResetAuthenticatorKeyAsync(user);
        return TwoFactorOutcome.Done;
    }

    public async Task<(TwoFactorOutcome Outcome, IReadOnlyList<string>? RecoveryCodes)> NewRecoveryCodesAsync(string userId, string code)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return (TwoFactorOutcome.NoAccount, null);
        }

        if (!user.TwoFactorEnabled)
        {
            return (TwoFactorOutcome.NotOn, null);
        }

        if (!await accounts.VerifyAuthenticatorCodeAsync(user, code))
        {
            return (TwoFactorOutcome.InvalidCode, null);
        }

        return (TwoFactorOutcome.Done, (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))!.ToList());
    }

    private static string Group(string key)
    {
        var grouped = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
        {
            grouped.Append(key.AsSpan(i, Math.Min(4, key.Length - i))).Append(' ');
        }

        return grouped.ToString().TrimEnd().ToLower(CultureInfo.InvariantCulture);
    }
}
