using Marketplace.Web.Insights;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Marketplace.Contracts.Questions;
using Marketplace.Web.Accounts;
using Marketplace.Web.Catalog;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Web.Community;

public sealed record QuestionRequest
{
    [Required, StringLength(1_000, MinimumLength = 1)]
    public string? Text { get; init; }
}

public sealed record AnswerRequest
{
    [Required, StringLength(2_000, MinimumLength = 1)]
    public string? Text { get; init; }
}

public sealed record QuestionResponse(
    string QuestionId, string ProductId, string AskerName, string Text, DateTimeOffset AskedAt, string? Answer, DateTimeOffset? AnsweredAt,
    bool Hidden, bool Mine)
{
    public static QuestionResponse From(QuestionView q) =>
        new(q.QuestionId, q.ProductId, q.AskerName, q.Text, q.AskedAt, q.Answer, q.AnsweredAt, q.Hidden, q.Mine);
}

/// <summary>Product Q&amp;A: shoppers ask, the product's store answers (and may hide what does not belong).</summary>
public static class QuestionsApi
{
    public static IEndpointRouteBuilder MapQuestionsApi(this IEndpointRouteBuilder routes)
    {
        var product = routes.MapGroup("/products/{productId}/questions").WithTags("Questions");
        product.MapGet("/", List).AllowAnonymous().WithName("ListQuestions")
            .WithSummary("Answered questions about the product, plus the caller's own pending ones (the store sees all)");
        product.MapPost("/", Ask).IdempotentWithKey().WithMetadata(RateLimits.QuestionCategory).WithName("AskQuestion")
            .WithSummary("Ask the store a question; it is notified at once");
        var question = routes.MapGroup("/questions/{questionId}").WithTags("Questions").RequireAuthorization(AuthorizationSetup.SellerPolicy);
        question.MapPost("/answer", Answer).WithName("AnswerQuestion").WithSummary("The store answers; the asker is notified");
        question.MapPost("/hide", (string questionId, IGrainFactory grains) => SetHidden(questionId, true, grains))
            .WithName("HideQuestion").WithSummary("The store hides a question from the public");
        question.MapPost("/unhide", (string questionId, IGrainFactory grains) => SetHidden(questionId, false, grains))
            .WithName("UnhideQuestion").WithSummary("The store shows a hidden question again");
        return routes;
    }

    private static async Task<Results<Ok<PagedResponse<QuestionResponse>>, ProblemHttpResult>> List(
        string productId, ClaimsPrincipal user, IGrainFactory grains, int? page, int? pageSize)
    {
        if (!await ProductFeedback.IsVisibleAsync(grains, user, productId))
        {
            return ApiProblems.NotFound("The product");
        }

        var paging = Paging.From(page, pageSize);
        var result = await grains.GetGrain<IProductQuestionsGrain>(productId).List(paging.Page, paging.PageSize);
        return TypedResults.Ok(new PagedResponse<QuestionResponse>(result.Items.Select(QuestionResponse.From).ToList(), result.Total,
            paging.Page, paging.PageSize));
    }

    private static async Task<Results<Created<QuestionResponse>, ProblemHttpResult>> Ask(
        string productId, QuestionRequest request, HttpRequest http, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!GrainKeys.IsProductId(productId))
        {
            return ApiProblems.NotFound("The product");
        }

        if (!Idempotency.TryGetKey(http, out var key, out var error))
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, "idempotency-key-invalid", error!);
        }

        var question = await grains.GetGrain<IProductQuestionsGrain>(productId).Ask(request.Text!, ProductFeedback.DisplayName(user), key);
        http.HttpContext.RecordEvent(new PageEvent(PageEventKinds.Question, productId));
        return TypedResults.Created($"/api/products/{productId}/questions", QuestionResponse.From(question));
    }

    private static async Task<Results<Ok<QuestionResponse>, ProblemHttpResult>> Answer(string questionId, AnswerRequest request, IGrainFactory grains)
    {
        if (!GrainKeys.TryParseQuestionId(questionId, out var productId))
        {
            return ApiProblems.NotFound("The question");
        }

        return TypedResults.Ok(QuestionResponse.From(await grains.GetGrain<IProductQuestionsGrain>(productId).Answer(questionId, request.Text!)));
    }

    private static async Task<Results<Ok<QuestionResponse>, ProblemHttpResult>> SetHidden(string questionId, bool hidden, IGrainFactory grains)
    {
        if (!GrainKeys.TryParseQuestionId(questionId, out var productId))
        {
            return ApiProblems.NotFound("The question");
        }

        return TypedResults.Ok(QuestionResponse.From(await grains.GetGrain<IProductQuestionsGrain>(productId).SetHidden(questionId, hidden)));
    }
}

/// <summary>What the Q&amp;A and review endpoints share.</summary>
internal static class ProductFeedback
{
    /// <summary>Whether the caller may see the product's page: published in an active store, or the caller's own store.</summary>
    public static async Task<bool> IsVisibleAsync(IGrainFactory grains, ClaimsPrincipal user, string productId)
    {
        if (!GrainKeys.IsProductId(productId) || await grains.GetGrain<IProductGrain>(productId).GetHeader() is not { } header)
        {
            return false;
        }

        return header.Status == ProductStatus.Published || user.ActsFor(header.SellerId) || user.IsAdmin();
    }

    public static string DisplayName(ClaimsPrincipal user) =>
        user.FindFirst(MarketplaceClaims.Name)?.Value is { Length: > 0 } name ? name : "A shopper";
}
