using Marketplace.Web.Insights;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Marketplace.Contracts.Reviews;
using Marketplace.Web.Accounts;
using Marketplace.Web.Catalog;
using Marketplace.Web.Infrastructure;
using Marketplace.Web.Orders;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Web.Community;

public sealed record ReviewRequest
{
    [Required, Range(1, 5)]
    public int? Rating { get; init; }

    [StringLength(2_000)]
    public string? Text { get; init; }

    /// <summary>The delivered order whose line is reviewed; the oldest delivered order not yet reviewed when absent.</summary>
    public string? OrderId { get; init; }
}

public sealed record ReplyRequest
{
    [Required, StringLength(1_000, MinimumLength = 1)]
    public string? Text { get; init; }
}

public sealed record ReviewResponse(
    string ReviewId, string ProductId, string Sku, string AuthorName, int Rating, string Text, DateTimeOffset CreatedAt, string? Reply,
    DateTimeOffset? RepliedAt, bool Mine)
{
    public static ReviewResponse From(ReviewView r) =>
        new(r.ReviewId, r.ProductId, r.Sku, r.AuthorName, r.Rating, r.Text, r.CreatedAt, r.Reply, r.RepliedAt, r.Mine);
}

public sealed record ReviewPageResponse(IReadOnlyList<ReviewResponse> Items, int Total, int Page, int PageSize, RatingResponse Rating);

/// <summary>Reviews by buyers of delivered orders, one per order line; the store may reply once to each.</summary>
public static class ReviewsApi
{
    public static IEndpointRouteBuilder MapReviewsApi(this IEndpointRouteBuilder routes)
    {
        var product = routes.MapGroup("/products/{productId}/reviews").WithTags("Reviews");
        product.MapGet("/", List).AllowAnonymous().WithName("ListReviews").WithSummary("The product's reviews, newest first, with its rating");
        product.MapPost("/", Post).WithName("PostReview")
            .WithSummary("Review a product from a delivered order (once per order line); the store is notified");
        routes.MapPost("/reviews/{reviewId}/reply", Reply).WithTags("Reviews").RequireAuthorization(AuthorizationSetup.SellerPolicy)
            .WithName("ReplyToReview").WithSummary("The store replies to a review, once");
        return routes;
    }

    private static async Task<Results<Ok<ReviewPageResponse>, ProblemHttpResult>> List(
        string productId, ClaimsPrincipal user, IGrainFactory grains, int? page, int? pageSize)
    {
        if (!await ProductFeedback.IsVisibleAsync(grains, user, productId))
        {
            return ApiProblems.NotFound("The product");
        }

        var paging = Paging.From(page, pageSize);
        var result = await grains.GetGrain<IProductReviewsGrain>(productId).List(paging.Page, paging.PageSize);
        return TypedResults.Ok(new ReviewPageResponse(result.Items.Select(ReviewResponse.From).ToList(), result.Total, paging.Page,
            paging.PageSize, new RatingResponse(result.Rating.Average, result.Rating.Count)));
    }

    private static async Task<Results<Created<ReviewResponse>, ProblemHttpResult>> Post(
        string productId, ReviewRequest request, ClaimsPrincipal user, IGrainFactory grains, OrderQueries orders, HttpContext http, CancellationToken ct)
    {
        if (!await ProductFeedback.IsVisibleAsync(grains, user, productId))
        {
            return ApiProblems.NotFound("The product");
        }

        var candidates = request.OrderId is { } orderId
            ? [orderId]
            : await orders.DeliveredOrdersWithProductAsync(user.UserId(), productId, ct);
        var review = await grains.GetGrain<IProductReviewsGrain>(productId).Post(
            new ReviewDraft(request.Rating!.Value, request.Text ?? "", ProductFeedback.DisplayName(user), candidates));
        http.RecordEvent(new PageEvent(PageEventKinds.Review, productId));
        return TypedResults.Created($"/api/products/{productId}/reviews", ReviewResponse.From(review));
    }

    private static async Task<Results<Ok<ReviewResponse>, ProblemHttpResult>> Reply(string reviewId, ReplyRequest request, IGrainFactory grains)
    {
        if (!GrainKeys.TryParseReviewId(reviewId, out var productId))
        {
            return ApiProblems.NotFound("The review");
        }

        return TypedResults.Ok(ReviewResponse.From(await grains.GetGrain<IProductReviewsGrain>(productId).Reply(reviewId, request.Text!)));
    }
}
