using System.Security.Claims;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Marketplace.Web.Accounts;

/// <summary>An account's address and password by email: forgot and reset, verification, moving to a new address, language.</summary>
public static class AccountEmailApi
{
    /// <summary>What "forgot password" always answers, so the answer tells nobody which addresses have accounts.</summary>
    public const string ForgotAnswer = "If an account uses that address, an email with a link to choose a new password is on its way.";

    public static IEndpointRouteBuilder MapAccountEmailApi(this IEndpointRouteBuilder routes)
    {
        var auth = routes.MapGroup("/auth").WithTags("Accounts").AllowAnonymous();
        auth.MapPost("/password/forgot", Forgot).WithName("ForgotPassword").WithMetadata(RateLimits.EmailCategory)
            .WithSummary("Email a password-reset link to the address, if it has an account (the answer is the same either way)");
        auth.MapPost("/password/reset", Reset).WithName("ResetPassword").WithMetadata(RateLimits.AuthCategory)
            .WithSummary("Choose a new password with the token of a reset link; every session of the account ends");
        auth.MapPost("/email/verify", Verify).WithName("VerifyEmail").WithMetadata(RateLimits.AuthCategory)
            .WithSummary("Confirm an address with the token of a verification or email-change link");

        var me = routes.MapGroup("/me").WithTags("Accounts").RequireAuthorization(AuthorizationSetup.UserPolicy);
        me.MapPost("/email/verification", Resend).WithName("ResendVerification").WithMetadata(RateLimits.EmailCategory)
            .WithSummary("Send the verification email again");
        me.MapPost("/email", ChangeEmail).WithName("ChangeEmail").WithMetadata(RateLimits.EmailCategory)
            .WithSummary("Move the account to a new address: a confirmation link goes to it, and the old one is told once it is opened");
        me.MapPut("/culture", SetCulture).WithName("SetCulture").WithSummary("The language of the account's emails: en or es");
        return routes;
    }

    private static async Task<Accepted<EmailAcceptedResponse>> Forgot(ForgotPasswordRequest request, AccountEmails emails, CancellationToken ct)
    {
        await emails.ForgotPasswordAsync(request.Email!, ct);
        return TypedResults.Accepted((string?)null, new EmailAcceptedResponse(ForgotAnswer));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Reset(
        ResetPasswordRequest request, AccountEmails emails, CancellationToken ct)
    {
        var (outcome, refused) = await emails.ResetPasswordAsync(request.Token!, request.Password!, ct);
        return outcome switch
        {
            LinkOutcome.Done => TypedResults.NoContent(),
            LinkOutcome.PasswordRefused => TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["password"] = refused!.Errors.Select(e => e.Description).ToArray(),
            }),
            _ => InvalidLink(),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Verify(EmailTokenRequest request, AccountEmails emails, CancellationToken ct) =>
        await emails.ConfirmAsync(request.Token!, ct) switch
        {
            LinkOutcome.Done => TypedResults.NoContent(),
            LinkOutcome.AlreadyVerified => ApiProblems.Problem(StatusCodes.Status409Conflict, "already-verified",
                "This address is already verified; the link was used before."),
            LinkOutcome.EmailTaken => ApiProblems.Problem(StatusCodes.Status409Conflict, "email-taken",
                "Another account uses that address now; the account keeps its current one."),
            _ => InvalidLink(),
        };

    private static async Task<Results<Accepted, ProblemHttpResult>> Resend(
        ClaimsPrincipal principal, UserManager<MarketplaceUser> users, AccountEmails emails, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(principal.UserId());
        if (user is null)
        {
            return ApiProblems.NotFound("The account");
        }

        return await emails.ResendVerificationAsync(user, ct)
            ? TypedResults.Accepted((string?)null)
            : ApiProblems.Problem(StatusCodes.Status429TooManyRequests, "too-many-emails",
                "Several verification emails were sent this hour already; check the inbox (and the spam folder), or try again later.");
    }

    private static async Task<Results<Accepted, ProblemHttpResult>> ChangeEmail(
        ChangeEmailRequest request, ClaimsPrincipal principal, UserManager<MarketplaceUser> users, AccountEmails emails, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(principal.UserId());
        if (user is null)
        {
            return ApiProblems.NotFound("The account");
        }

        await emails.RequestEmailChangeAsync(user, request.NewEmail!, request.Password!, ct);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SetCulture(
        CultureRequest request, ClaimsPrincipal principal, UserManager<MarketplaceUser> users)
    {
        var user = await users.FindByIdAsync(principal.UserId());
        if (user is null)
        {
            return ApiProblems.NotFound("The account");
        }

        user.Culture = request.Culture!;
        var saved = await users.UpdateAsync(user);
        return saved.Succeeded
            ? TypedResults.NoContent()
            : ApiProblems.Problem(StatusCodes.Status409Conflict, "not-saved", "The account changed meanwhile; try again.");
    }

    private static ProblemHttpResult InvalidLink() => ApiProblems.Problem(StatusCodes.Status400BadRequest, "invalid-link",
        "The link is not valid: it expired, was already used, or was not sent by us. Ask for a new one.");
}
