using Marketplace.Contracts.Catalog;
using Marketplace.Contracts.Common;
using Marketplace.Grains.Catalog;

namespace Marketplace.Grains.Tests;

/// <summary>Who acts for a store and how people join it, without a cluster.</summary>
public sealed class StoreStaffTests
{
    private const string SellerId = "sel_0123456789abcdef0123456789";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Caller Owner = new("usr_owner", CallerRoles.Seller | CallerRoles.Shopper, SellerId, "ana@example.com");

    [Fact]
    public void Only_a_member_carrying_the_store_in_its_claims_is_staff_and_only_the_owner_owns()
    {
        var (staff, _) = Store();
        var member = Join(staff, "bo@example.com");
        var stranger = new Caller("usr_x", CallerRoles.Seller, SellerId);
        var sameUserOtherClaim = member with { SellerId = "sel_other" };

        staff.RequireStaff(Owner);
        staff.RequireStaff(member);
        Assert.Equal("not-store-staff", Refusal(() => staff.RequireStaff(stranger)));
        Assert.Equal("not-store-staff", Refusal(() => staff.RequireStaff(sameUserOtherClaim)));
        staff.RequireOwner(Owner);
        Assert.Equal("not-store-owner", Refusal(() => staff.RequireOwner(member)));
    }

    [Fact]
    public void An_invitation_keeps_only_the_hash_of_its_secret_and_is_accepted_once_by_its_address()
    {
        var (staff, state) = Store();
        var (email, secret, expiresAt) = staff.Invite("  Bo@Example.com ", Now);

        Assert.Equal(("bo@example.com", Now + StoreStaff.InvitationLifetime), (email, expiresAt));
        var stored = Assert.Single(state.Invitations);
        Assert.Equal(StoreStaff.Hash(secret), stored.SecretHash);
        Assert.DoesNotContain(secret, stored.SecretHash, StringComparison.Ordinal);

        var bo = new Caller("usr_bo", CallerRoles.Shopper, null);
        Assert.Equal("invitation-email-mismatch", Refusal(() => staff.Accept(bo, secret, "other@example.com", Now)));
        Assert.Equal("invalid-invitation", Refusal(() => staff.Accept(bo, "not-the-secret", email, Now)));
        Assert.True(staff.Accept(bo, secret, "BO@example.com", Now));
        Assert.False(staff.Accept(bo, secret, email, Now));
        Assert.Equal("invitation-used", Refusal(() => staff.Accept(new Caller("usr_cy", CallerRoles.Shopper, null), secret, email, Now)));
        Assert.Equal([("usr_owner", StaffRole.Owner), ("usr_bo", StaffRole.Staff)], staff.Members().Select(m => (m.UserId, m.Role)));
    }

    [Fact]
    public void An_invitation_runs_out_and_cannot_bring_in_staff_of_another_store()
    {
        var (staff, _) = Store();
        var (email, secret, expiresAt) = staff.Invite("bo@example.com", Now);
        var elsewhere = new Caller("usr_bo", CallerRoles.Seller | CallerRoles.Shopper, "sel_other");

        Assert.Equal("invitation-expired", Refusal(() => staff.Accept(new Caller("usr_bo", CallerRoles.Shopper, null), secret, email, expiresAt)));
        Assert.Equal("staff-of-another-store", Refusal(() => staff.Accept(elsewhere, secret, email, Now)));
        Assert.Equal("not-allowed", Refusal(() => StoreStaff.RequireAccount(new Caller("gst_1", CallerRoles.Guest, null))));
        Assert.Equal("not-allowed", Refusal(() => StoreStaff.RequireAccount(new Caller("int_1", CallerRoles.Integration, null))));
    }

    [Fact]
    public void Inviting_again_replaces_the_open_invitation_and_expired_ones_are_dropped()
    {
        var (staff, state) = Store();
        var (_, first, _) = staff.Invite("bo@example.com", Now);
        staff.Invite("cy@example.com", Now);
        var (email, second, _) = staff.Invite("bo@example.com", Now.AddHours(1));

        Assert.Equal(["cy@example.com", "bo@example.com"], state.Invitations.Select(i => i.Email));
        Assert.Equal("invalid-invitation", Refusal(() => staff.Accept(new Caller("usr_bo", CallerRoles.Shopper, null), first, email, Now)));

        staff.Invite("dee@example.com", Now + StoreStaff.InvitationLifetime + TimeSpan.FromHours(1));
        Assert.Equal(["dee@example.com"], state.Invitations.Select(i => i.Email));
        Assert.NotEqual(first, second);
        Assert.Equal("already-staff", Refusal(() => staff.Invite("ana@example.com", Now)));
        Assert.Equal("email", Assert.Single(Assert.Throws<DomainException>(() => staff.Invite("no-at-sign", Now)).Errors!).Key);
    }

    [Fact]
    public void A_store_takes_at_most_its_limit_of_open_invitations()
    {
        var (staff, _) = Store();
        for (var i = 0; i < StoreStaff.MaxOpenInvitations; i++)
        {
            staff.Invite($"p{i}@example.com", Now);
        }

        Assert.Equal("too-many-invitations", Refusal(() => staff.Invite("one-more@example.com", Now)));
    }

    [Fact]
    public void The_owner_cannot_be_removed_and_a_removed_member_is_staff_no_more()
    {
        var (staff, _) = Store();
        var member = Join(staff, "bo@example.com");

        Assert.Equal("cannot-remove-owner", Refusal(() => staff.Remove(Owner.UserId)));
        staff.Remove(member.UserId);
        Assert.Equal("not-store-staff", Refusal(() => staff.RequireStaff(member)));
        Assert.Equal(DomainErrorKind.NotFound, Assert.Throws<DomainException>(() => staff.Remove(member.UserId)).Kind);
    }

    [Fact]
    public void A_claim_code_makes_its_holder_the_owner_once_and_is_then_spent()
    {
        var state = new SellerState { Created = true };
        var staff = new StoreStaff(SellerId, state);
        var stale = staff.IssueClaimSecret();
        var secret = staff.IssueClaimSecret();

        Assert.Equal(StoreStaff.Hash(secret), state.ClaimSecretHash);
        Assert.Equal("invalid-claim-code", Refusal(() => staff.Claim(Owner, stale, Now)));
        Assert.True(staff.Claim(Owner, secret, Now));
        Assert.Null(state.ClaimSecretHash);
        Assert.Equal(Owner.UserId, staff.Owner?.UserId);
        Assert.False(staff.Claim(Owner, secret, Now));
        Assert.Equal("store-claimed", Refusal(() => staff.Claim(Owner with { UserId = "usr_late" }, secret, Now)));
        Assert.Equal("store-claimed", Refusal(() => staff.IssueClaimSecret()));
    }

    [Fact]
    public void Hashes_match_only_their_own_secret()
    {
        var hash = StoreStaff.Hash("s3cret");

        Assert.True(StoreStaff.HashMatches("s3cret", hash));
        Assert.False(StoreStaff.HashMatches("s3creT", hash));
        Assert.False(StoreStaff.HashMatches(null!, hash));
    }

    private static (StoreStaff Staff, SellerState State) Store()
    {
        var state = new SellerState { Created = true };
        var staff = new StoreStaff(SellerId, state);
        staff.AddOwner(Owner, Now);
        return (staff, state);
    }

    private static Caller Join(StoreStaff staff, string email)
    {
        var (normalized, secret, _) = staff.Invite(email, Now);
        var member = new Caller("usr_" + normalized[..normalized.IndexOf('@', StringComparison.Ordinal)], CallerRoles.Seller | CallerRoles.Shopper, SellerId);
        Assert.True(staff.Accept(member, secret, normalized, Now));
        return member;
    }

    private static string Refusal(Action action) => Assert.Throws<DomainException>(action).Code;
}
