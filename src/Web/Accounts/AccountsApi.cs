using System.Security.Claims;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Accounts;

/// <summary>Registration, sign-in, tokens, guests, the current user, two-factor sign-in and staff invitations.</summary>
public static class AccountsApi
{
    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder routes)
    {
        var auth = routes.MapGroup("/auth").WithTags("Accounts").AllowAnonymous().WithMetadata(RateLimits.AuthCategory);
        auth.MapPost("/register", Register).WithName("Register")
            .WithSummary("Create an account (shopper or seller; a seller gets a store or claims one)")
            .WithDescription("Send a guest token as the bearer token to carry the guest's cart over to the new account.");
        auth.MapPost("/login", Login).WithName("Login")
            .WithSummary("Sign in with email and password (and a two-factor code when enabled)");
        auth.MapPost("/refresh", Refresh).WithName("RefreshToken")
            .WithSummary("Exchange a refresh token for new tokens; each refresh token works once");
        auth.MapPost("/logout", Logout).WithName("Logout").WithSummary("End the session of the refresh token or of the bearer token");
        auth.MapPost("/guest", Guest).WithName("GuestToken").WithSummary("A guest identity for a cart and watching stock");

        var me = routes.MapGroup("/me").WithTags("Accounts").RequireAuthorization(AuthorizationSetup.UserPolicy);
        me.MapGet("/", GetMe).WithName("GetMe").WithSummary("The signed-in user");
        me.MapPost("/two-factor/setup", SetUpTwoFactor).WithName("SetUpTwoFactor")
            .WithSummary("Start two-factor enrolment: a new authenticator key and otpauth URI");
        me.MapPost("/two-factor/enable", EnableTwoFactor).WithName("EnableTwoFactor")
            .WithSummary("Confirm enrolment with a code from the app; answers the recovery codes (shown once)");
        me.MapPost("/two-factor/disable", DisableTwoFactor).WithName("DisableTwoFactor")
            .WithSummary("Turn two-factor sign-in off (needs a current code or a recovery code)");
        me.MapPost("/two-factor/recovery-codes", NewRecoveryCodes).WithName("NewRecoveryCodes")
            .WithSummary("Replace the recovery codes (needs a current code)");
        me.MapPost("/delete", DeleteAccount).WithName("DeleteAccount")
            .WithSummary("Delete the caller's account for good (needs the password): sessions end, page events are erased; orders stay as records")
            .WithMetadata(RateLimits.AuthCategory);

        routes.MapPost("/invitations/accept", AcceptInvitation).WithTags("Stores").WithName("AcceptInvitation")
            .WithSummary("Join a store's staff with an invitation token; refresh your token afterwards to act for the store")
            .RequireAuthorization(AuthorizationSetup.UserPolicy);
        return routes;
    }

    private static async Task<Results<Created<RegisterResponse>, ValidationProblem, ProblemHttpResult>> Register(
        RegisterRequest request, HttpContext http, AccountService accounts, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var seller = request.Role == RegistrationRole.Seller;
        if (seller && (request.Store is null) == (request.ClaimCode is null))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["store"] = ["A seller gives either the store to create or a claim code for an existing store."],
            });
        }

        if (!seller && (request.Store is not null || request.ClaimCode is not null))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["role"] = ["Only sellers register with a store."] });
        }

        var (user, result) = await accounts.RegisterAsync(request, Idempotency.Fingerprint(request.Store, json), ct);
        if (!result.Succeeded)
        {
            if (result.Errors.Any(e => e.Code is "DuplicateEmail" or "DuplicateUserName"))
            {
                return Problem(StatusCodes.Status409Conflict, "email-taken", "An account with this email already exists.");
            }

            return TypedResults.ValidationProblem(result.Errors
                .GroupBy(e => e.Code.StartsWith("Password", StringComparison.Ordinal) ? "password" : "email")
                .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray()));
        }

        await AdoptGuestAsync(http.User, user.Id, accounts, ct);
        var tokens = await accounts.StartSessionAsync(user, MarketplaceClaims.PasswordMethod, ct);
        return TypedResults.Created("/api/me", new RegisterResponse(user.Id, user.SellerId, tokens.AccessToken, tokens.ExpiresAt, tokens.RefreshToken));
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Login(
        LoginRequest request, HttpContext http, AccountService accounts, TimeProvider clock, CancellationToken ct)
    {
        var result = await accounts.SignInAsync(request, ct);
        switch (result.Failure)
        {
            case SignInFailure.None:
                await AdoptGuestAsync(http.User, result.UserId!, accounts, ct);
                return TypedResults.Ok(result.Tokens!);
            case SignInFailure.LockedOut:
                http.Response.Headers.RetryAfter = AccountService.FormatRetryAfter(result.LockedUntil ?? clock.GetUtcNow(), clock.GetUtcNow());
                return Problem(StatusCodes.Status423Locked, "account-locked",
                    "Too many failed sign-ins. The account is locked for a few minutes; try again after the time in Retry-After.");
            case SignInFailure.TwoFactorRequired:
                return Problem(StatusCodes.Status401Unauthorized, "two-factor-required",
                    "This account uses two-factor sign-in: send the code from your authenticator app as twoFactorCode.");
            case SignInFailure.InvalidTwoFactorCode:
                return Problem(StatusCodes.Status401Unauthorized, "invalid-two-factor-code", "The two-factor code is not valid.");
            default:
                return Problem(StatusCodes.Status401Unauthorized, "invalid-credentials", "The email or password is not correct.");
        }
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Refresh(
        RefreshRequest request, AccountService accounts, CancellationToken ct)
    {
        var (outcome, tokens) = await accounts.RefreshAsync(request.RefreshToken!, ct);
        return outcome switch
        {
            RefreshOutcome.Rotated => TypedResults.Ok(tokens!),
            RefreshOutcome.ReuseDetected => Problem(StatusCodes.Status401Unauthorized, "refresh-token-reused",
                "This refresh token was already used. The session has been ended everywhere; sign in again."),
            _ => Problem(StatusCodes.Status401Unauthorized, "invalid-refresh-token", "The refresh token is not valid; sign in again."),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Logout(
        LogoutRequest? request, ClaimsPrincipal user, SessionStore sessions, CancellationToken ct)
    {
        var ended = false;
        if (request?.RefreshToken is { Length: > 0 } refreshToken)
        {
            ended = await sessions.RevokeByRefreshTokenAsync(refreshToken, "logout", ct);
        }

        if (Guid.TryParseExact(user.FindFirstValue(MarketplaceClaims.Session), "N", out var sessionId))
        {
            await sessions.RevokeSessionAsync(sessionId, "logout", ct);
            ended = true;
        }

        return ended
            ? TypedResults.NoContent()
            : Problem(StatusCodes.Status401Unauthorized, "no-session", "Send the refresh token or a bearer token of the session to end.");
    }

    private static Ok<GuestTokenResponse> Guest(TokenService tokens)
    {
        var token = tokens.CreateGuestToken(out var guestId);
        return TypedResults.Ok(new GuestTokenResponse(token.Token, token.ExpiresAt, guestId));
    }

    private static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> GetMe(
        ClaimsPrincipal principal, UserManager<MarketplaceUser> users, IGrainFactory grains)
    {
        var user = await users.FindByIdAsync(principal.UserId());
        if (user is null)
        {
            return ApiProblems.NotFound("The account");
        }

        var roles = await users.GetRolesAsync(user);
        var unread = await grains.GetGrain<INotificationInboxGrain>(user.Id).GetUnreadCount();
        return TypedResults.Ok(new MeResponse(user.Id, user.Email!, user.DisplayName, roles.Order(StringComparer.Ordinal).ToList(),
            user.SellerId, user.TwoFactorEnabled, user.CreatedAt, unread, user.EmailConfirmed, user.Culture));
    }

    private static async Task<Results<Ok<TwoFactorSetupResponse>, ProblemHttpResult>> SetUpTwoFactor(ClaimsPrincipal principal, TwoFactor twoFactor)
    {
        var (outcome, setup) = await twoFactor.SetUpAsync(principal.UserId());
        return outcome == TwoFactorOutcome.Done ? TypedResults.Ok(new TwoFactorSetupResponse(setup!.SharedKey, setup.AuthenticatorUri)) : Refusal(outcome);
    }

    private static async Task<Results<Ok<RecoveryCodesResponse>, ProblemHttpResult>> EnableTwoFactor(
        TwoFactorCodeRequest request, ClaimsPrincipal principal, TwoFactor twoFactor)
    {
        var (outcome, codes) = await twoFactor.EnableAsync(principal.UserId(), request.Code!);
        return outcome == TwoFactorOutcome.Done ? TypedResults.Ok(new RecoveryCodesResponse(codes!)) : Refusal(outcome);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DisableTwoFactor(
        TwoFactorCodeRequest request, ClaimsPrincipal principal, TwoFactor twoFactor)
    {
        var outcome = await twoFactor.DisableAsync(principal.UserId(), request.Code!);
        return outcome == TwoFactorOutcome.Done ? TypedResults.NoContent() : Refusal(outcome);
    }

    private static async Task<Results<Ok<RecoveryCodesResponse>, ProblemHttpResult>> NewRecoveryCodes(
        TwoFactorCodeRequest request, ClaimsPrincipal principal, TwoFactor twoFactor)
    {
        var (outcome, codes) = await twoFactor.NewRecoveryCodesAsync(principal.UserId(), request.Code!);
        return outcome == TwoFactorOutcome.Done ? TypedResults.Ok(new RecoveryCodesResponse(codes!)) : Refusal(outcome);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAccount(
        DeleteAccountRequest request, ClaimsPrincipal principal, AccountDeletion deletion, CancellationToken ct) =>
        await deletion.DeleteAsync(principal.UserId(), request.Password!, ct) switch
        {
            AccountDeletionOutcome.Deleted => TypedResults.NoContent(),
            AccountDeletionOutcome.NoAccount => ApiProblems.NotFound("The account"),
            AccountDeletionOutcome.WrongPassword => Problem(StatusCodes.Status403Forbidden, "wrong-password", "The password is not the account's."),
            AccountDeletionOutcome.StoreStaff => Problem(StatusCodes.Status409Conflict, "store-staff",
                "Store staff leave the store (or hand it over) before deleting their account."),
            _ => Problem(StatusCodes.Status409Conflict, "admin", "An admin account is removed by another admin."),
        };

    private static ProblemHttpResult Refusal(TwoFactorOutcome outcome) => outcome switch
    {
        TwoFactorOutcome.NoAccount => ApiProblems.NotFound("The account"),
        TwoFactorOutcome.AlreadyOn => Problem(StatusCodes.Status409Conflict, "two-factor-enabled",
            "Two-factor sign-in is already on; disable it first to change the key."),
        TwoFactorOutcome.NotSetUp => Problem(StatusCodes.Status409Conflict, "two-factor-not-set-up", "Call /api/me/two-factor/setup first."),
        TwoFactorOutcome.NotOn => Problem(StatusCodes.Status409Conflict, "two-factor-not-enabled", "Two-factor sign-in is off."),
        _ => Problem(StatusCodes.Status400BadRequest, "invalid-two-factor-code", "The code is not valid; use the current code from your authenticator app."),
    };

    private static async Task<Ok<AcceptInvitationResponse>> AcceptInvitation(
        AcceptInvitationRequest request, ClaimsPrincipal principal, AccountService accounts)
    {
        var store = await accounts.AcceptInvitationAsync(principal.UserId(), request.Token!);
        return TypedResults.Ok(new AcceptInvitationResponse(store.SellerId, store.Name));
    }

    private static async Task AdoptGuestAsync(ClaimsPrincipal principal, string userId, AccountService accounts, CancellationToken ct)
    {
        if (userId.Length > 0 && principal.IsInRole(RoleNames.Guest) && principal.FindFirstValue(MarketplaceClaims.Subject) is { } guestId)
        {
            await accounts.AdoptGuestAsync(guestId, userId, ct);
        }
    }

    private static ProblemHttpResult Problem(int status, string code, string detail) => ApiProblems.Problem(status, code, detail);
}
