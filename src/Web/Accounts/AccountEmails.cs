using System.Globalization;
using System.Text.Json.Nodes;
using Marketplace.Email;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Web.Accounts;

/// <summary>How opening an emailed link ended.</summary>
public enum LinkOutcome
{
    Done,

    /// <summary>Not a link we sent, expired, or already used.</summary>
    Invalid,

    /// <summary>The address is already verified (a verification link opened twice).</summary>
    AlreadyVerified,

    /// <summary>The new address was taken by another account meanwhile.</summary>
    EmailTaken,

    /// <summary>The link is good but the password rules refuse the new password (the link still works).</summary>
    PasswordRefused,
}

/// <summary>
/// An account's address and password by email: the verification email (queued in the registration's own
/// transaction), resending it, "forgot password" and the reset, and moving the account to a new address. Each email is
/// queued in the email outbox and sent in the background; links carry an <see cref="EmailLinkToken"/>.
/// </summary>
public sealed partial class AccountEmails(
    UserManager<MarketplaceUser> users,
    AccountsDbContext accounts,
    SessionStore sessions,
    MailQueue mail,
    IOptions<AuthOptions> auth,
    IEmailLinks links,
    TimeProvider clock,
    ILogger<AccountEmails> logger)
{
    public const string VerifyPath = "/account/verify-email";
    public const string ResetPath = "/account/reset-password";

    /// <summary>The page's language as an account's email language ("en" or "es").</summary>
    public static string CultureOf(CultureInfo culture) => EmailTemplates.CultureOf(culture.Name);

    /// <summary>Queues the verification email of a new account, inside the registration's transaction when one is open.</summary>
    public async Task QueueVerificationAsync(MarketplaceUser user, CancellationToken ct)
    {
        var proof = await users.GenerateEmailConfirmationTokenAsync(user);
        var link = Link(VerifyPath, new EmailLinkToken(EmailLinkPurpose.Verify, user.Id, null, proof));
        await QueueAsync(Email(user, user.Email!, EmailKind.VerifyEmail, $"verify:{user.Id}:{clock.GetUtcNow().ToUnixTimeMilliseconds()}", new JsonObject
        {
            ["link"] = link,
            ["email"] = user.Email,
            ["valid_hours"] = (int)auth.Value.EmailLinkLifetime.TotalHours,
        }), ct);
    }

    /// <summary>Lets this host's sender know that a transaction which queued emails has committed.</summary>
    public void Committed() => mail.Wake();

    /// <summary>Sends the verification email again; false when the account asked too often this hour.</summary>
    public async Task<bool> ResendVerificationAsync(MarketplaceUser user, CancellationToken ct)
    {
        if (user.EmailConfirmed)
        {
            throw DomainException.Conflict("already-verified", "The email address is already verified.");
        }

        if (await mail.CountRecentAsync(user.Email!, EmailKind.VerifyEmail, clock.GetUtcNow().AddHours(-1), ct) >= auth.Value.VerificationEmailsPerHour)
        {
            return false;
        }

        await QueueVerificationAsync(user, ct);
        return true;
    }

    /// <summary>
    /// Sends a reset link if the address has an account and was not sent too many this hour. Says nothing either way:
    /// the caller answers alike, so the answer does not tell which addresses have accounts.
    /// </summary>
    public async Task ForgotPasswordAsync(string email, CancellationToken ct)
    {
        var address = AccountService.NormalizeEmail(email);
        var recent = await mail.CountRecentAsync(address, EmailKind.PasswordReset, clock.GetUtcNow().AddHours(-1), ct);
        var user = await users.FindByEmailAsync(address);
        if (user is null || recent >= auth.Value.PasswordResetsPerHour)
        {
            LogResetNotSent(logger, user is null ? "no account" : "too many this hour");
            return;
        }

        var proof = await users.GeneratePasswordResetTokenAsync(user);
        var link = Link(ResetPath, new EmailLinkToken(EmailLinkPurpose.ResetPassword, user.Id, null, proof));
        await QueueAsync(Email(user, user.Email!, EmailKind.PasswordReset, $"reset:{user.Id}:{clock.GetUtcNow().ToUnixTimeMilliseconds()}", new JsonObject
        {
            ["link"] = link,
            ["valid_minutes"] = (int)auth.Value.PasswordResetLifetime.TotalMinutes,
        }), ct);
    }

    /// <summary>
    /// Sets a new password with a reset link. The link then stops working (the security stamp changes), every session of
    /// the account ends, a lockout is lifted, the address counts as verified (the link reached it) and the account is
    /// told by email. Password rules that refuse it come back as Identity errors.
    /// </summary>
    public async Task<(LinkOutcome Outcome, IdentityResult? Refused)> ResetPasswordAsync(string token, string password, CancellationToken ct)
    {
        if (EmailLinkToken.Decode(token) is not { Purpose: EmailLinkPurpose.ResetPassword } link
            || await users.FindByIdAsync(link.UserId) is not { } user)
        {
            return (LinkOutcome.Invalid, null);
        }

        if (!await users.VerifyUserTokenAsync(user, users.Options.Tokens.PasswordResetTokenProvider, UserManager<MarketplaceUser>.ResetPasswordTokenPurpose, link.Proof))
        {
            return (LinkOutcome.Invalid, null);
        }

        await using var tx = await accounts.Database.BeginTransactionAsync(ct);
        var reset = await users.ResetPasswordAsync(user, link.Proof, password);
        if (!reset.Succeeded)
        {
            return reset.Errors.Any(e => e.Code == "InvalidToken") ? (LinkOutcome.Invalid, null) : (LinkOutcome.PasswordRefused, reset);
        }

        user.EmailConfirmed = true;
        user.LockoutEnd = null;
        user.AccessFailedCount = 0;
        Check(await users.UpdateAsync(user));
        await QueueAsync(Email(user, user.Email!, EmailKind.PasswordChanged, $"password-changed:{user.Id}:{user.SecurityStamp}", new JsonObject
        {
            ["changed_at"] = clock.GetUtcNow().ToString("f", CultureInfo.GetCultureInfo(user.Culture)) + " UTC",
        }), ct);
        await tx.CommitAsync(ct);
        mail.Wake();
        await sessions.RevokeAllForUserAsync(user.Id, "password-reset", ct);
        LogPasswordReset(logger, user.Id);
        return (LinkOutcome.Done, null);
    }

    /// <summary>Opens a verification or email-change link.</summary>
    public async Task<LinkOutcome> ConfirmAsync(string token, CancellationToken ct)
    {
        if (EmailLinkToken.Decode(token) is not { } link || link.Purpose == EmailLinkPurpose.ResetPassword
            || await users.FindByIdAsync(link.UserId) is not { } user)
        {
            return LinkOutcome.Invalid;
        }

        if (link.Purpose == EmailLinkPurpose.Verify)
        {
            if (user.EmailConfirmed)
            {
                return LinkOutcome.AlreadyVerified;
            }

            return (await users.ConfirmEmailAsync(user, link.Proof)).Succeeded ? LinkOutcome.Done : LinkOutcome.Invalid;
        }

        return await ChangeEmailAsync(user, link, ct);
    }

    /// <summary>
    /// Asks to move the account to a new address: the password proves it is the account's owner, and a link sent to
    /// the new address proves that address is theirs. Until it is opened nothing changes.
    /// </summary>
    public async Task RequestEmailChangeAsync(MarketplaceUser user, string newEmail, string password, CancellationToken ct)
    {
        var address = AccountService.NormalizeEmail(newEmail);
        if (!await users.CheckPasswordAsync(user, password))
        {
            throw DomainException.Forbidden("wrong-password", "The password is not right.");
        }

        if (string.Equals(address, user.Email, StringComparison.Ordinal))
        {
            throw DomainException.Conflict("same-email", "That is already the account's address.");
        }

        if (await users.FindByEmailAsync(address) is not null)
        {
            throw DomainException.Conflict("email-taken", "Another account uses that address.");
        }

        var proof = await users.GenerateChangeEmailTokenAsync(user, address);
        var link = Link(VerifyPath, new EmailLinkToken(EmailLinkPurpose.ChangeEmail, user.Id, address, proof));
        await QueueAsync(Email(user, address, EmailKind.ConfirmNewEmail, $"change-email:{user.Id}:{address}:{clock.GetUtcNow().ToUnixTimeMilliseconds()}", new JsonObject
        {
            ["link"] = link,
            ["new_email"] = address,
            ["valid_hours"] = (int)auth.Value.EmailLinkLifetime.TotalHours,
        }), ct);
    }

    private async Task<LinkOutcome> ChangeEmailAsync(MarketplaceUser user, EmailLinkToken link, CancellationToken ct)
    {
        var newEmail = link.NewEmail!;
        var oldEmail = user.Email!;
        if (!await users.VerifyUserTokenAsync(user, users.Options.Tokens.ChangeEmailTokenProvider,
                UserManager<MarketplaceUser>.GetChangeEmailTokenPurpose(newEmail), link.Proof))
        {
            return LinkOutcome.Invalid;
        }

        if (await users.FindByEmailAsync(newEmail) is not null)
        {
            return LinkOutcome.EmailTaken;
        }

        await using var tx = await accounts.Database.BeginTransactionAsync(ct);
        var changed = await users.ChangeEmailAsync(user, newEmail, link.Proof);
        if (!changed.Succeeded)
        {
            return changed.Errors.Any(e => e.Code is "DuplicateEmail" or "DuplicateUserName") ? LinkOutcome.EmailTaken : LinkOutcome.Invalid;
        }

        // The user name is the address: sign-in looks the account up by it.
        Check(await users.SetUserNameAsync(user, newEmail));
        await QueueAsync(Email(user, oldEmail, EmailKind.EmailChanged, $"email-changed:{user.Id}:{newEmail}", new JsonObject
        {
            ["new_email"] = newEmail,
        }), ct);
        await tx.CommitAsync(ct);
        mail.Wake();
        LogEmailChanged(logger, user.Id);
        return LinkOutcome.Done;
    }

    private static OutgoingEmail Email(MarketplaceUser user, string to, EmailKind kind, string sourceKey, JsonObject model) =>
        new(to, user.DisplayName, user.Id, user.Culture, kind, sourceKey, model);

    private string Link(string path, EmailLinkToken token) =>
        $"{links.PublicUrl.ToString().TrimEnd('/')}{path}?token={token.Encode()}";

    /// <summary>Queues in the accounts context's open transaction, if any, so the email commits with the change.</summary>
    private async Task QueueAsync(OutgoingEmail email, CancellationToken ct)
    {
        if (accounts.Database.CurrentTransaction is { } tx)
        {
            await mail.EnqueueAsync([email], (NpgsqlConnection)accounts.Database.GetDbConnection(), (NpgsqlTransaction)tx.GetDbTransaction(), ct);
        }
        else
        {
            await mail.EnqueueAsync([email], cancellationToken: ct);
        }
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No password reset email sent: {Reason}")]
    private static partial void LogResetNotSent(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {UserId} reset its password; its sessions were ended")]
    private static partial void LogPasswordReset(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {UserId} moved to a new email address")]
    private static partial void LogEmailChanged(ILogger logger, string userId);
}
