using Marketplace.Contracts.Questions;
using Marketplace.Contracts.Reviews;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.SellerConsole.Pages;

/// <summary>
/// What shoppers said that waits for the store: unanswered questions (this page) and reviews without a reply (the
/// reviews page), across the store's newest products.
/// </summary>
public class QuestionsModel : SellerPage
{
    /// <summary>How many of the newest products are looked through.</summary>
    public const int ProductsScanned = 100;

    public override string Section => "questions";

    public IReadOnlyList<(ProductDetails Product, QuestionView Question)> Questions { get; private set; } = [];

    public IReadOnlyList<(ProductDetails Product, ReviewView Review)> Reviews { get; private set; } = [];

    public virtual async Task OnGetAsync()
    {
        ViewData["Title"] = T["Questions"].Value;
        var (products, _) = await ProductsAsync(0, ProductsScanned);
        var pages = await Task.WhenAll(products.Select(async p => (p, await Grains.GetGrain<IProductQuestionsGrain>(p.ProductId).List(1, 50))));
        Questions = pages.SelectMany(x => x.Item2.Items.Where(q => q.Answer is null && !q.Hidden).Select(q => (x.p, q)))
            .OrderBy(x => x.q.AskedAt).ToList();
    }

    public async Task<IActionResult> OnPostAnswerAsync(string questionId, string text)
    {
        if (!GrainKeys.TryParseQuestionId(questionId, out var productId))
        {
            return NotFound();
        }

        await WriteAsync(() => Grains.GetGrain<IProductQuestionsGrain>(productId).Answer(questionId, text ?? ""), T["Answer published. The shopper was notified."]);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostReplyAsync(string reviewId, string text)
    {
        if (!GrainKeys.TryParseReviewId(reviewId, out var productId))
        {
            return NotFound();
        }

        await WriteAsync(() => Grains.GetGrain<IProductReviewsGrain>(productId).Reply(reviewId, text ?? ""), T["Reply published."]);
        return RedirectToPage("/SellerConsole/Pages/Reviews");
    }

    protected async Task LoadReviewsAsync()
    {
        var (products, _) = await ProductsAsync(0, ProductsScanned);
        var pages = await Task.WhenAll(products.Select(async p => (p, await Grains.GetGrain<IProductReviewsGrain>(p.ProductId).List(1, 50))));
        Reviews = pages.SelectMany(x => x.Item2.Items.Where(r => r.Reply is null).Select(r => (x.p, r)))
            .OrderBy(x => x.r.CreatedAt).ToList();
    }

    private Task WriteAsync(Func<Task> write, string done) => FlashRefusalAsync(async () =>
    {
        await write();
        Flash = done;
    });
}

/// <summary>Reviews without the store's reply.</summary>
public sealed class ReviewsModel : QuestionsModel
{
    public override string Section => "reviews";

    public override async Task OnGetAsync()
    {
        ViewData["Title"] = T["Reviews"].Value;
        await LoadReviewsAsync();
    }
}
