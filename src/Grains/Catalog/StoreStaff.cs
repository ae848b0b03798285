using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Grains.Catalog;

/// <summary>
/// Who acts for a store and how people join it: the staff list with its one owner, invitations sent to an email
/// address, and the claim code that gives a store created from the directory its owner. Secrets are kept as SHA-256
/// hashes only. Pure: it checks and changes the staff part of the state it is given (<see cref="SellerState.Staff"/>,
/// <see cref="SellerState.Invitations"/>, <see cref="SellerState.ClaimSecretHash"/>); the grain stores the result.
/// </summary>
public sealed class StoreStaff(string sellerId, SellerState state)
{
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(7);
    public const int MaxOpenInvitations = 50;
    public const int MaxStaff = 100;

    public StaffEntry? Owner => state.Staff.Find(m => m.Role == StaffRole.Owner);

    public IEnumerable<string> UserIds => state.Staff.Select(m => m.UserId);

    public IReadOnlyList<StaffMember> Members() =>
        state.Staff.Select(m => new StaffMember(m.UserId, m.Email, m.Role, m.AddedAt)).ToList();

    /// <summary>
    /// The caller must carry this store in its claims and be on the staff list now (removal is immediate), or be one of
    /// the store's API keys (revoking a key is immediate too: it no longer authenticates).
    /// </summary>
    public void RequireStaff(Caller caller)
    {
        if (!caller.ActsFor(sellerId) || !(caller.Roles.HasFlag(CallerRoles.StoreKey) || state.Staff.Exists(m => m.UserId == caller.UserId)))
        {
            throw DomainException.Forbidden("not-store-staff", "Only the store's staff may do this.");
        }
    }

    public void RequireOwner(Caller caller)
    {
        if (!caller.ActsFor(sellerId) || Owner?.UserId != caller.UserId)
        {
            throw DomainException.Forbidden("not-store-owner", "Only the store's owner may do this.");
        }
    }

    /// <summary>Makes the caller the owner: the seller a store is created for, or the one who claims it.</summary>
    public void AddOwner(Caller caller, DateTimeOffset now) =>
        state.Staff.Add(new StaffEntry { UserId = caller.UserId, Email = caller.Email, Role = StaffRole.Owner, AddedAt = now });

    /// <summary>A new claim code's secret for a store without an owner; only its hash is kept, and a newer code replaces it.</summary>
    public string IssueClaimSecret()
    {
        if (Owner is not null)
        {
            throw DomainException.Conflict("store-claimed", "The store already has an owner.");
        }

        var secret = NewSecret();
        state.ClaimSecretHash = Hash(secret);
        return secret;
    }

    /// <summary>
    /// Makes the caller the owner if the secret is the open claim code's. False when the caller already owns the store
    /// (a repeated claim: nothing to store).
    /// </summary>
    public bool Claim(Caller caller, string secret, DateTimeOffset now)
    {
        if (Owner is { } owner)
        {
            if (owner.UserId != caller.UserId)
            {
                throw DomainException.Conflict("store-claimed", "The store already has an owner.");
            }

            return false;
        }

        if (state.ClaimSecretHash is not { } expected || !HashMatches(secret, expected))
        {
            throw DomainException.Forbidden("invalid-claim-code", "The claim code is not valid for this store.");
        }

        state.ClaimSecretHash = null;
        AddOwner(caller, now);
        return true;
    }

    /// <summary>
    /// Opens an invitation for an address that is not on the staff yet; an open one for the same address and every
    /// expired one are dropped first. Answers the normalized address, the secret to send and when it runs out.
    /// </summary>
    public (string Email, string Secret, DateTimeOffset ExpiresAt) Invite(string email, DateTimeOffset now)
    {
        var normalized = NormalizeEmail(email);
        if (state.Staff.Exists(m => string.Equals(m.Email, normalized, StringComparison.Ordinal)))
        {
            throw DomainException.Conflict("already-staff", "That person is already on the store's staff.");
        }

        state.Invitations.RemoveAll(i => i.ExpiresAt <= now || (i.AcceptedBy is null && i.Email == normalized));
        if (state.Invitations.Count(i => i.AcceptedBy is null) >= MaxOpenInvitations || state.Staff.Count >= MaxStaff)
        {
            throw DomainException.Conflict("too-many-invitations", "The store has too many open invitations or staff members.");
        }

        var secret = NewSecret();
        var expiresAt = now + InvitationLifetime;
        state.Invitations.Add(new InvitationEntry { SecretHash = Hash(secret), Email = normalized, ExpiresAt = expiresAt });
        return (normalized, secret, expiresAt);
    }

    /// <summary>Guests and integrations cannot join a store: an invitation is accepted with a person's own account.</summary>
    public static void RequireAccount(Caller caller)
    {
        if (caller.Roles.HasFlag(CallerRoles.Guest) || caller.IsIntegration)
        {
            throw DomainException.Forbidden("not-allowed", "Sign in with your own account to accept an invitation.");
        }
    }

    /// <summary>
    /// Puts the caller on the staff through the invitation the secret opens, if it was sent to the caller's address, is
    /// still open and the caller acts for no other store. False when the caller had already accepted it (nothing to store).
    /// </summary>
    public bool Accept(Caller caller, string secret, string email, DateTimeOffset now)
    {
        var invitation = state.Invitations.Find(i => HashMatches(secret, i.SecretHash))
            ?? throw DomainException.Forbidden("invalid-invitation", "The invitation is not valid for this store.");
        if (invitation.AcceptedBy is { } acceptedBy)
        {
            if (acceptedBy != caller.UserId)
            {
                throw DomainException.Conflict("invitation-used", "The invitation was already accepted.");
            }

            return false;
        }

        if (invitation.ExpiresAt <= now)
        {
            throw DomainException.Conflict("invitation-expired", "The invitation has expired; ask the store owner for a new one.");
        }

        if (!string.Equals(invitation.Email, NormalizeEmail(email), StringComparison.Ordinal))
        {
            throw DomainException.Forbidden("invitation-email-mismatch", "The invitation was sent to another email address.");
        }

        if (caller.SellerId is { } other && other != sellerId)
        {
            throw DomainException.Conflict("staff-of-another-store", "An account acts for one store only.");
        }

        invitation.AcceptedBy = caller.UserId;
        if (!state.Staff.Exists(m => m.UserId == caller.UserId))
        {
            state.Staff.Add(new StaffEntry { UserId = caller.UserId, Email = invitation.Email, Role = StaffRole.Staff, AddedAt = now });
        }

        return true;
    }

    /// <summary>Takes a member off the staff at once; the owner stays.</summary>
    public void Remove(string userId)
    {
        var member = state.Staff.Find(m => m.UserId == userId) ?? throw DomainException.NotFound("The staff member");
        if (member.Role == StaffRole.Owner)
        {
            throw DomainException.Conflict("cannot-remove-owner", "The owner cannot be removed from the store.");
        }

        state.Staff.Remove(member);
    }

    public static string NormalizeEmail(string email)
    {
        var normalized = email?.Trim().ToLowerInvariant() ?? "";
        if (normalized.Length is 0 or > 254 || !normalized.Contains('@', StringComparison.Ordinal))
        {
            throw DomainException.Invalid(new Dictionary<string, string[]> { ["email"] = ["Not an email address."] });
        }

        return normalized;
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Compares in constant time, so how long a refusal takes says nothing about the hash.</summary>
    public static bool HashMatches(string secret, string expectedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret ?? "")), Encoding.ASCII.GetBytes(expectedHash));

    private static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
}
