using System.ComponentModel.DataAnnotations;
using Marketplace.Contracts.Cart;
using Marketplace.Contracts.Questions;
using Marketplace.Contracts.Reviews;
using Marketplace.WebClient.Accounts;
using Marketplace.WebClient.Api;
using Marketplace.WebClient.Orders;
using Marketplace.WebClient.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Marketplace.WebClient.Pages.Products;

/// <summary>A product page: pictures, variants with live stock, add to cart, reviews, questions and answers.</summary>
public sealed class ShowModel(IOptions<PublicUrlOptions> urls, OrderQueries orders) : MarketplacePage
{
    public ProductDetails Product { get; private set; } = null!;

    public QuestionPage Questions { get; private set; } = new([], 0);

    public ReviewPage Reviews { get; private set; } = new([], 0, new RatingSummary(null, 0));

    /// <summary>Delivered orders of the signed-in shopper with this product: they may review it.</summary>
    public IReadOnlyList<string> ReviewableOrders { get; private set; } = [];

    public bool IsStaff => User.ActsFor(Product.SellerId);

    public string CanonicalUrl => urls.Value.Resolve(Request, Links.Product(Product.ProductId, Product.Title));

    [BindProperty]
    public AddToCartForm Add { get; set; } = new();

    [BindProperty]
    public QuestionForm Ask { get; set; } = new();

    [BindProperty]
    public ReviewForm Review { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(string productId, string? slug, CancellationToken ct)
    {
        if (!await LoadAsync(productId, ct))
        {
            return NotFound();
        }

        // One address per product: any other slug redirects to the canonical one.
        return slug == Links.Slug(Product.Title) ? Page() : RedirectPermanent(Links.Product(Product.ProductId, Product.Title));
    }

    public Task<IActionResult> OnPostAddAsync(string productId, CancellationToken ct) =>
        SubmitAsync(productId, nameof(Add), needsAccount: false, ct,
            () => Grains.GetGrain<ICartGrain>(User.UserId()).AddItem(productId, Add.Sku!, Add.Quantity!.Value, Add.OperationId),
            T["Added to your cart."], fragment: null);

    public Task<IActionResult> OnPostAskAsync(string productId, CancellationToken ct) =>
        SubmitAsync(productId, nameof(Ask), needsAccount: true, ct,
            () => Grains.GetGrain<IProductQuestionsGrain>(productId).Ask(Ask.Text!, ProductFeedback.DisplayName(User), Ask.OperationId),
            T["Your question was sent to the store. You will be notified when it is answered."], "questions");

    public Task<IActionResult> OnPostReviewAsync(string productId, CancellationToken ct) =>
        SubmitAsync(productId, nameof(Review), needsAccount: true, ct,
            () => Grains.GetGrain<IProductReviewsGrain>(productId).Post(
                new ReviewDraft(Review.Rating!.Value, Review.Text ?? "", ProductFeedback.DisplayName(User), ReviewableOrders)),
            T["Thank you for your review."], "reviews");

    /// <summary>
    /// One of the page's shopper forms: checked on its own (the page has several), sent to the grain, then back to
    /// the page with a message, or the page again with the form's errors. Adding to the cart needs no account: an
    /// anonymous visitor becomes a guest first.
    /// </summary>
    private async Task<IActionResult> SubmitAsync(
        string productId, string form, bool needsAccount, CancellationToken ct, Func<Task> write, string done, string? fragment)
    {
        if (needsAccount && !SignedIn)
        {
            return Challenge();
        }

        if (!await LoadAsync(productId, ct))
        {
            return NotFound();
        }

        if (!ModelState.IsValid(form))
        {
            return Page();
        }

        if (!needsAccount)
        {
            await WebSession.EnsureVisitorAsync(HttpContext);
            WebSession.ActAsCurrentUser(HttpContext);
        }

        try
        {
            await write();
        }
        catch (DomainException e)
        {
            AddErrors(e, form);
            return Page();
        }

        Flash = done;
        return Redirect(Links.Product(Product.ProductId, Product.Title) + (fragment is null ? "" : "#" + fragment));
    }

    /// <summary>The store answers a question (or replies to a review) right on the page.</summary>
    public async Task<IActionResult> OnPostAnswerAsync(string productId, string questionId, string text, CancellationToken ct) =>
        await StaffWriteAsync(productId, ct, () => Grains.GetGrain<IProductQuestionsGrain>(productId).Answer(questionId, text), "questions");

    public async Task<IActionResult> OnPostReplyAsync(string productId, string reviewId, string text, CancellationToken ct) =>
        await StaffWriteAsync(productId, ct, () => Grains.GetGrain<IProductReviewsGrain>(productId).Reply(reviewId, text), "reviews");

    private async Task<IActionResult> StaffWriteAsync(string productId, CancellationToken ct, Func<Task> write, string fragment)
    {
        if (!await LoadAsync(productId, ct))
        {
            return NotFound();
        }

        if (!IsStaff)
        {
            return Forbid();
        }

        try
        {
            await write();
            Flash = T["Published."];
        }
        catch (DomainException e)
        {
            FlashError = T[e.Message];
        }

        return Redirect(Links.Product(Product.ProductId, Product.Title) + "#" + fragment);
    }

    private async Task<bool> LoadAsync(string productId, CancellationToken ct)
    {
        if (!GrainKeys.IsProductId(productId)
            || await Grains.GetGrain<IProductGrain>(productId).GetDetails() is not { } product
            || !Access.CanSee(User, product))
        {
            return false;
        }

        Product = product;
        var questions = Grains.GetGrain<IProductQuestionsGrain>(productId).List(1, 50);
        var reviews = Grains.GetGrain<IProductReviewsGrain>(productId).List(1, 50);
        if (SignedIn)
        {
            ReviewableOrders = await orders.DeliveredOrdersWithProductAsync(User.UserId(), productId, ct);
        }

        Questions = await questions;
        Reviews = await reviews;
        ViewData["Title"] = product.Title;
        ViewData["Description"] = Excerpt(product.Description) ?? $"{product.Title} · {product.SellerName}";
        ViewData["Canonical"] = CanonicalUrl;
        if (product.IsPublic)
        {
            ViewData["WatchProduct"] = product.ProductId;
        }
        else
        {
            ViewData["NoIndex"] = true;
        }

        return true;
    }

    private static string? Excerpt(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Length <= 160 ? text.Trim() : text[..157].TrimEnd() + "…";

    public sealed class AddToCartForm
    {
        [Required(ErrorMessage = "Choose a variant.")]
        [StringLength(64)]
        public string? Sku { get; set; }

        [Required(ErrorMessage = "Say how many.")]
        [Range(1, 999, ErrorMessage = "Between 1 and 999 units.")]
        public int? Quantity { get; set; } = 1;

        /// <summary>A value of the rendered form: submitting the same form twice adds once.</summary>
        [StringLength(64)]
        public string? OperationId { get; set; }
    }

    public sealed class QuestionForm
    {
        [Required(ErrorMessage = "Write your question.")]
        [StringLength(1000, MinimumLength = 3, ErrorMessage = "Between 3 and 1000 characters.")]
        public string? Text { get; set; }

        [StringLength(64)]
        public string? OperationId { get; set; }
    }

    public sealed class ReviewForm
    {
        [Required(ErrorMessage = "Choose from 1 to 5 stars.")]
        [Range(1, 5, ErrorMessage = "Choose from 1 to 5 stars.")]
        public int? Rating { get; set; }

        [StringLength(2000, ErrorMessage = "At most 2000 characters.")]
        public string? Text { get; set; }
    }
}
