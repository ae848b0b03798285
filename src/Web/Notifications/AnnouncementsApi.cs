using System.Globalization;
using System.Security.Claims;
using Marketplace.Web.Accounts;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Web.Notifications;

/// <summary>What a store asks to tell its past buyers (the segment is always theirs).</summary>
public sealed record StoreAnnouncementRequest
{
    public LocalizedText? Subject { get; init; }

    public LocalizedText? Body { get; init; }
}

/// <summary>Announcements: an admin's to a segment of the marketplace, a store's to its own past buyers (once a week).</summary>
public static class AnnouncementsApi
{
    public static IEndpointRouteBuilder MapAnnouncementsApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin/announcements").WithTags("Admin").RequireAuthorization(AuthorizationSetup.AdminPolicy);
        admin.MapPost("/", CreateAsAdmin).WithName("CreateAnnouncement")
            .WithSummary("Announce to all sellers, all shoppers or one store's buyers; sent in the background");
        admin.MapGet("/", ListAsAdmin).WithName("ListAnnouncements").WithSummary("The newest announcements with their progress");
        admin.MapGet("/{announcementId}", GetAsAdmin).WithName("GetAnnouncement").WithSummary("One announcement with its progress");

        var store = routes.MapGroup("/sellers/{sellerId}/announcements").WithTags("Stores").RequireAuthorization(AuthorizationSetup.UserPolicy);
        store.MapPost("/", CreateAsStore).WithName("CreateStoreAnnouncement")
            .WithSummary("Tell the store's past buyers something (at most once a week); sent in the background");
        store.MapGet("/", ListOfStore).WithName("ListStoreAnnouncements").WithSummary("The store's announcements with their progress");
        return routes;
    }

    private static async Task<Results<Accepted<AnnouncementView>, ValidationProblem>> CreateAsAdmin(
        AnnouncementRequest request, ClaimsPrincipal user, Announcements announcements, CancellationToken ct)
    {
        var errors = AnnouncementRules.Validate(request, byStore: false);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var sellerId = request.Segment == AnnouncementSegments.StoreBuyers ? request.SellerId!.Trim() : null;
        var created = await announcements.CreateAsync(user.UserId(), request.Segment!, sellerId, request.Subject!, request.Body!, ct);
        return TypedResults.Accepted($"/api/admin/announcements/{created.AnnouncementId}", created);
    }

    private static async Task<Ok<IReadOnlyList<AnnouncementView>>> ListAsAdmin(Announcements announcements, CancellationToken ct) =>
        TypedResults.Ok(await announcements.ListAsync(null, null, 50, ct));

    private static async Task<Results<Ok<AnnouncementView>, ProblemHttpResult>> GetAsAdmin(
        string announcementId, Announcements announcements, CancellationToken ct) =>
        await announcements.GetAsync(announcementId, ct) is { } found ? TypedResults.Ok(found) : ApiProblems.NotFound("The announcement");

    private static async Task<Results<Accepted<AnnouncementView>, ValidationProblem, ProblemHttpResult>> CreateAsStore(
        string sellerId, StoreAnnouncementRequest request, ClaimsPrincipal user, Announcements announcements, TimeProvider clock,
        HttpContext http, CancellationToken ct)
    {
        if (Access.RequireStoreStaff(user, sellerId) is { } refused)
        {
            return refused;
        }

        var errors = AnnouncementRules.Validate(new AnnouncementRequest { Subject = request.Subject, Body = request.Body }, byStore: true);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (created, from) = await announcements.CreateByStoreAsync(user.UserId(), sellerId, request.Subject!, request.Body!, ct);
        if (created is null)
        {
            var wait = Math.Max(1, (int)Math.Ceiling((from!.Value - clock.GetUtcNow()).TotalSeconds));
            http.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
            return ApiProblems.Problem(StatusCodes.Status429TooManyRequests, "announcement-too-soon",
                $"A store announces to its buyers at most once a week; the next one can go out from {from:u}.");
        }

        return TypedResults.Accepted($"/api/sellers/{sellerId}/announcements", created);
    }

    private static async Task<Results<Ok<IReadOnlyList<AnnouncementView>>, ProblemHttpResult>> ListOfStore(
        string sellerId, ClaimsPrincipal user, Announcements announcements, CancellationToken ct)
    {
        if (!user.IsAdmin() && Access.RequireStoreStaff(user, sellerId) is { } refused)
        {
            return refused;
        }

        return TypedResults.Ok(await announcements.ListAsync(null, sellerId, 50, ct));
    }
}
