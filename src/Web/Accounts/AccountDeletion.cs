using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;

namespace Marketplace.Web.Accounts;

/// <summary>
/// Something an area keeps about a person that must go when their account is deleted. Areas register theirs; the
/// accounts area runs them all before the account itself is removed, so a failure leaves the account to try again.
/// </summary>
public interface IAccountErasure
{
    Task EraseAsync(string userId, CancellationToken ct);
}

/// <summary>The password that confirms deleting one's own account.</summary>
public sealed record DeleteAccountRequest([property: Required, StringLength(256)] string? Password);

public enum AccountDeletionOutcome
{
    Deleted,
    NoAccount,
    WrongPassword,
    /// <summary>Store staff leave (or close) their store first: a store must not lose the account that runs it.</summary>
    StoreStaff,
    /// <summary>An admin is removed by another admin, never by themselves.</summary>
    Admin,
}

/// <summary>
/// Deleting one's own account: every session ends, what the areas keep about the person is erased (their page
/// events, for one), then the account and what hangs on it (claims, sessions, email preferences) go. Orders stay: they
/// are the stores' and the marketplace's records, under an id that no longer names anyone.
/// </summary>
public sealed class AccountDeletion(UserManager<MarketplaceUser> users, SessionStore sessions, IEnumerable<IAccountErasure> erasures)
{
    public async Task<AccountDeletionOutcome> DeleteAsync(string userId, string password, CancellationToken ct)
    {
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return AccountDeletionOutcome.NoAccount;
        }

        if (!await users.CheckPasswordAsync(user, password))
        {
            return AccountDeletionOutcome.WrongPassword;
        }

        if (user.SellerId is not null)
        {
            return AccountDeletionOutcome.StoreStaff;
        }

        if (await users.IsInRoleAsync(user, RoleNames.Admin))
        {
            return AccountDeletionOutcome.Admin;
        }

        await sessions.RevokeAllForUserAsync(userId, "account-deleted", ct);
        foreach (var erasure in erasures)
        {
            await erasure.EraseAsync(userId, ct);
        }

        var result = await users.DeleteAsync(user);
        return result.Succeeded ? AccountDeletionOutcome.Deleted
            : throw new InvalidOperationException("The account could not be deleted: " + string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}
