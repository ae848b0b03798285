using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Web.Accounts;

/// <summary>Why a sign-in was refused; the API maps each to a problem.</summary>
public enum SignInFailure
{
    None,
    InvalidCredentials,
    LockedOut,
    TwoFactorRequired,
    InvalidTwoFactorCode,
}

/// <summary>How a sign-in ended: API tokens, or (for the web pages) the claims of the cookie's principal.</summary>
public sealed record SignInResult(
    SignInFailure Failure, TokenResponse? Tokens, DateTimeOffset? LockedUntil, string? UserId = null, IReadOnlyList<System.Security.Claims.Claim>? WebClaims = null);

/// <summary>Registration, sign-in and sessions: Identity for users and passwords, our session store for tokens.</summary>
public sealed partial class AccountService(
    UserManager<MarketplaceUser> users,
    AccountsDbContext accounts,
    SessionStore sessions,
    TokenService tokens,
    AccountEmails emails,
    NpgsqlDataSource db,
    IGrainFactory grains,
    TimeProvider clock,
    ILogger<AccountService> logger)
{
    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    /// <summary>A new, not yet stored account whose user name is its normalized email.</summary>
    public static MarketplaceUser NewUser(string email, string displayName, string? sellerId, DateTimeOffset now)
    {
        var normalized = NormalizeEmail(email);
        return new MarketplaceUser
        {
            Id = GrainKeys.NewUserId(),
            UserName = normalized,
            Email = normalized,
            DisplayName = displayName.Trim(),
            SellerId = sellerId,
            CreatedAt = now,
            LockoutEnabled = true,
        };
    }

    /// <summary>Checks a code from the user's authenticator app (spaces ignored, as apps show "123 456").</summary>
    public Task<bool> VerifyAuthenticatorCodeAsync(MarketplaceUser user, string code) =>
        users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code.Replace(" ", "", StringComparison.Ordinal));

    /// <summary>
    /// Creates the user and, for a seller, its store (or takes over a store with a claim code). The user row and its
    /// role commit together; if the store step is refused, the user is removed again so the email stays free.
    /// </summary>
    public async Task<(MarketplaceUser User, IdentityResult Result)> RegisterAsync(RegisterRequest request, string fingerprint, CancellationToken ct)
    {
        var seller = request.Role == RegistrationRole.Seller;
        var user = NewUser(request.Email!, request.DisplayName!, sellerId: null, clock.GetUtcNow());
        user.Culture = AccountEmails.CultureOf(CultureInfo.CurrentUICulture);

        string? claimSecret = null;
        if (seller)
        {
            if (request.ClaimCode is { } code)
            {
                if (!GrainKeys.TryParseStoreCode(code.Trim(), out var claimedSellerId, out var secret))
                {
                    throw DomainException.Forbidden("invalid-claim-code", "The claim code is not valid.");
                }

                user.SellerId = claimedSellerId;
                claimSecret = secret;
            }
            else
            {
                user.SellerId = GrainKeys.NewSellerId();
            }
        }

        await using (var tx = await accounts.Database.BeginTransactionAsync(ct))
        {
            var created = await users.CreateAsync(user, request.Password!);
            if (!created.Succeeded)
            {
                return (user, created);
            }

            var role = await users.AddToRoleAsync(user, seller ? RoleNames.Seller : RoleNames.Shopper);
            if (!role.Succeeded)
            {
                throw new InvalidOperationException("Could not assign the role: " + string.Join("; ", role.Errors.Select(e => e.Description)));
            }

            // The verification email commits with the account, so every new account has one on its way.
            await emails.QueueVerificationAsync(user, ct);
            await tx.CommitAsync(ct);
            emails.Committed();
        }

        if (seller)
        {
            // The new account acts for its own store from here on, and the store grain checks exactly that.
            CallerContext.Set(new Caller(user.Id, CallerRoles.Seller | CallerRoles.Shopper, user.SellerId, user.Email));
            var store = grains.GetGrain<ISellerGrain>(user.SellerId!);
            try
            {
                if (claimSecret is not null)
                {
                    await store.Claim(claimSecret);
                }
                else
                {
                    await store.Create(request.Store!.ToDraft(), fingerprint);
                }
            }
            catch
            {
                await users.DeleteAsync(user);
                throw;
            }

            LogSellerRegistered(logger, user.Id, user.SellerId!, claimSecret is not null);
        }

        return (user, IdentityResult.Success);
    }

    /// <summary>
    /// A shopper account for someone who came from the outside provider with an email no account has: no password
    /// (they sign in through the provider, or set one with "forgot password"), linked to the provider's identity, the
    /// address confirmed only if the provider says it verified it (otherwise a verification email commits with it).
    /// </summary>
    public async Task<(MarketplaceUser User, IdentityResult Result)> RegisterExternalAsync(
        string email, string displayName, bool emailVerified, UserLoginInfo login, CancellationToken ct)
    {
        var user = NewUser(email, displayName, sellerId: null, clock.GetUtcNow());
        user.Culture = AccountEmails.CultureOf(CultureInfo.CurrentUICulture);
        user.EmailConfirmed = emailVerified;
        await using var tx = await accounts.Database.BeginTransactionAsync(ct);
        var created = await users.CreateAsync(user);
        if (!created.Succeeded)
        {
            return (user, created);
        }

        Check(await users.AddToRoleAsync(user, RoleNames.Shopper));
        Check(await users.AddLoginAsync(user, login));
        if (!emailVerified)
        {
            await emails.QueueVerificationAsync(user, ct);
        }

        await tx.CommitAsync(ct);
        emails.Committed();
        return (user, IdentityResult.Success);
    }

    public Task<SignInResult> SignInAsync(LoginRequest request, CancellationToken ct) => SignInAsync(request, forWeb: false, ct);

    /// <summary>Checks the credentials and starts a session: API tokens, or the claims of a web page cookie when <paramref name="forWeb"/>.</summary>
    public async Task<SignInResult> SignInAsync(LoginRequest request, bool forWeb, CancellationToken ct)
    {
        var user = await users.FindByEmailAsync(NormalizeEmail(request.Email!));
        if (user is null)
        {
            // Spend the same work as a real check, so response time does not reveal which emails have accounts.
            users.PasswordHasher.VerifyHashedPassword(new MarketplaceUser(), DummyHash.Value, request.Password!);
            return new SignInResult(SignInFailure.InvalidCredentials, null, null);
        }

        if (await users.IsLockedOutAsync(user))
        {
            return new SignInResult(SignInFailure.LockedOut, null, user.LockoutEnd);
        }

        if (!await users.CheckPasswordAsync(user, request.Password!))
        {
            return await FailAsync(user, SignInFailure.InvalidCredentials);
        }

        var methods = MarketplaceClaims.PasswordMethod;
        if (user.TwoFactorEnabled)
        {
            if (!string.IsNullOrWhiteSpace(request.TwoFactorCode))
            {
                if (!await VerifyAuthenticatorCodeAsync(user, request.TwoFactorCode))
                {
                    return await FailAsync(user, SignInFailure.InvalidTwoFactorCode);
                }
            }
            else if (!string.IsNullOrWhiteSpace(request.RecoveryCode))
            {
                if (!(await users.RedeemTwoFactorRecoveryCodeAsync(user, request.RecoveryCode.Trim())).Succeeded)
                {
                    return await FailAsync(user, SignInFailure.InvalidTwoFactorCode);
                }
            }
            else
            {
                return new SignInResult(SignInFailure.TwoFactorRequired, null, null);
            }

            methods += " " + MarketplaceClaims.MultiFactorMethod;
        }

        await users.ResetAccessFailedCountAsync(user);
        return forWeb
            ? new SignInResult(SignInFailure.None, null, null, user.Id, await StartWebSessionAsync(user, methods, ct))
            : new SignInResult(SignInFailure.None, await StartSessionAsync(user, methods, ct), null, user.Id);
    }

    /// <summary>
    /// A session for the web pages: the same session row (so signing out, revocation and "sign out everywhere" apply
    /// alike), its claims kept in the encrypted cookie instead of a token.
    /// </summary>
    public async Task<IReadOnlyList<System.Security.Claims.Claim>> StartWebSessionAsync(MarketplaceUser user, string methods, CancellationToken ct)
    {
        var (sessionId, _) = await sessions.CreateAsync(user.Id, methods, ct);
        return TokenService.UserClaims(user, await users.GetRolesAsync(user), sessionId, methods);
    }

    /// <summary>A web session's claims as the account is now (roles and store change while a cookie lives); null when the account is gone.</summary>
    public async Task<IReadOnlyList<System.Security.Claims.Claim>?> CurrentClaimsAsync(string userId, Guid sessionId, string methods)
    {
        var user = await users.FindByIdAsync(userId);
        return user is null ? null : TokenService.UserClaims(user, await users.GetRolesAsync(user), sessionId, methods);
    }

    public async Task<TokenResponse> StartSessionAsync(MarketplaceUser user, string methods, CancellationToken ct)
    {
        var (sessionId, refreshToken) = await sessions.CreateAsync(user.Id, methods, ct);
        var access = tokens.CreateUserToken(user, await users.GetRolesAsync(user), sessionId, methods);
        return new TokenResponse(access.Token, access.ExpiresAt, refreshToken);
    }

    /// <summary>Rotates a refresh token; the new access token reflects the user's current roles and store.</summary>
    public async Task<(RefreshOutcome Outcome, TokenResponse? Tokens)> RefreshAsync(string refreshToken, CancellationToken ct)
    {
        var result = await sessions.RotateAsync(refreshToken, ct);
        if (result.Outcome != RefreshOutcome.Rotated)
        {
            if (result.Outcome == RefreshOutcome.ReuseDetected)
            {
                LogRefreshReuse(logger, result.SessionId);
            }

            return (result.Outcome, null);
        }

        var user = await users.FindByIdAsync(result.UserId);
        if (user is null)
        {
            return (RefreshOutcome.Invalid, null);
        }

        var access = tokens.CreateUserToken(user, await users.GetRolesAsync(user), result.SessionId, result.AuthenticationMethods);
        return (RefreshOutcome.Rotated, new TokenResponse(access.Token, access.ExpiresAt, result.RefreshToken!));
    }

    /// <summary>Records that an account took over a guest identity, so the guest's cart can be merged into it.</summary>
    public async Task AdoptGuestAsync(string guestId, string userId, CancellationToken ct)
    {
        await using var insert = db.CreateCommand(
            "INSERT INTO guest_adoptions (guest_id, user_id, adopted_at) VALUES (@guest, @user, @now) ON CONFLICT (guest_id) DO NOTHING");
        insert.Parameters.AddWithValue("guest", guestId);
        insert.Parameters.AddWithValue("user", userId);
        insert.Parameters.AddWithValue("now", clock.GetUtcNow());
        await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Joins the store an invitation is for: the store checks the invitation against the account's email, then the
    /// account is bound to the store (its next token or page cookie refresh acts for it). Refusals are domain errors.
    /// </summary>
    public async Task<StoreProfile> AcceptInvitationAsync(string userId, string token)
    {
        if (!GrainKeys.TryParseStoreCode(token.Trim(), out var sellerId, out var secret))
        {
            throw DomainException.Forbidden("invalid-invitation", "The invitation is not valid.");
        }

        var user = await users.FindByIdAsync(userId) ?? throw DomainException.NotFound("The account");
        if (user.SellerId is { } current && current != sellerId)
        {
            throw DomainException.Conflict("staff-of-another-store", "An account acts for one store only.");
        }

        var store = await grains.GetGrain<ISellerGrain>(sellerId).AcceptInvitation(secret, user.Email!);
        await JoinStoreAsync(user, sellerId);
        return store;
    }

    /// <summary>Binds a user to a store as staff (after the store accepted them) and ends their sessions' old claims.</summary>
    public async Task JoinStoreAsync(MarketplaceUser user, string sellerId)
    {
        if (user.SellerId != sellerId)
        {
            user.SellerId = sellerId;
            Check(await users.UpdateAsync(user));
        }

        if (!await users.IsInRoleAsync(user, RoleNames.Seller))
        {
            Check(await users.AddToRoleAsync(user, RoleNames.Seller));
        }
    }

    /// <summary>Unbinds a user removed from a store's staff and signs them out everywhere.</summary>
    public async Task LeaveStoreAsync(string userId, string sellerId, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null || user.SellerId != sellerId)
        {
            return;
        }

        user.SellerId = null;
        Check(await users.UpdateAsync(user));
        if (await users.IsInRoleAsync(user, RoleNames.Seller))
        {
            Check(await users.RemoveFromRoleAsync(user, RoleNames.Seller));
        }

        if (!await users.IsInRoleAsync(user, RoleNames.Shopper))
        {
            Check(await users.AddToRoleAsync(user, RoleNames.Shopper));
        }

        await sessions.RevokeAllForUserAsync(userId, "removed-from-store", ct);
    }

    public static string FormatRetryAfter(DateTimeOffset until, DateTimeOffset now) =>
        Math.Max(1, (int)Math.Ceiling((until - now).TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private async Task<SignInResult> FailAsync(MarketplaceUser user, SignInFailure failure)
    {
        await users.AccessFailedAsync(user);
        if (await users.IsLockedOutAsync(user))
        {
            LogLockedOut(logger, user.Id);
            return new SignInResult(SignInFailure.LockedOut, null, user.LockoutEnd);
        }

        return new SignInResult(failure, null, null);
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }

    private static readonly Lazy<string> DummyHash = new(() =>
        new PasswordHasher<MarketplaceUser>().HashPassword(new MarketplaceUser(), Convert.ToHexString(RandomNumberGenerator.GetBytes(16))));

    [LoggerMessage(Level = LogLevel.Information, Message = "Seller {UserId} registered for store {SellerId} (claimed: {Claimed})")]
    private static partial void LogSellerRegistered(ILogger logger, string userId, string sellerId, bool claimed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {UserId} locked out after repeated failed sign-ins")]
    private static partial void LogLockedOut(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A used refresh token came back; session {SessionId} revoked")]
    private static partial void LogRefreshReuse(ILogger logger, Guid sessionId);
}
