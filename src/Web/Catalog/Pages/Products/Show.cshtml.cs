using System.ComponentModel.DataAnnotations;
using Marketplace.Contracts.Cart;
using Marketplace.Contracts.Questions;
using Marketplace.Contracts.Reviews;
using Marketplace.Web.Accounts;
using Marketplace.Web.Community;
using Marketplace.Web.Insights;
using Marketplace.Web.Orders;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Catalog.Pages.Products;

/// <summary>A product page: pictures, variants with live stock, add to cart, reviews, questions and answers.</summary>
public sealed class ShowModel(IOptions<PublicUrlOptions> urls, OrderQueries orders, Recommender recommender) : MarketplacePage
{
    public ProductDetails Product { get; private set; } = null!;

    public QuestionPage Questions { get; private set; } = new([], 0);

    public ReviewPage Reviews { get; private set; } = new([], 0, new RatingSummary(null, 0));

    /// <summary>What the customers who bought this product also bought.</summary>
    public IReadOnlyList<Search.SearchHit> BoughtTogether { get; private set; } = [];

    /// <summary>Products like this one.</summary>
    public IReadOnlyList<Search.SearchHit> Similar { get; private set; } = [];

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
        if (!await LoadAsync(productId))
        {
            return NotFound();
        }

        // A click on a search result names its search and place: recorded, then on to the product's own address, so the
        // address people keep and share stays clean.
        if (SearchEvents.ClickOf(Request, Product.ProductId, Product.SellerId) is { } click)
        {
            HttpContext.RecordEvent(click);
            return Redirect(Links.Product(Product.ProductId, Product.Title));
        }

        // One address per product: any other slug redirects to the canonical one.
        if (slug != Links.Slug(Product.Title))
        {
            return RedirectPermanent(Links.Product(Product.ProductId, Product.Title));
        }

        HttpContext.RecordEvent(new PageEvent(PageEventKinds.ProductView, Product.ProductId, Product.SellerId, Currency: Product.Currency));
        return await ShowAsync(ct);
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
            async () => await Grains.GetGrain<IProductReviewsGrain>(productId).Post(new ReviewDraft(Review.Rating!.Value, Review.Text ?? "",
                ProductFeedback.DisplayName(User), await orders.DeliveredOrdersWithProductAsync(User.UserId(), productId, ct))),
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

        if (!await LoadAsync(productId))
        {
            return NotFound();
        }

        if (!ModelState.IsValid(form))
        {
            return await ShowAsync(ct);
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
            return await ShowAsync(ct);
        }

        HttpContext.RecordEvent(form switch
        {
            nameof(Add) => new PageEvent(PageEventKinds.AddToCart, productId, Product.SellerId, Quantity: Add.Quantity),
            nameof(Ask) => new PageEvent(PageEventKinds.Question, productId, Product.SellerId),
            _ => new PageEvent(PageEventKinds.Review, productId, Product.SellerId),
        });
        Flash = done;
        return Redirect(Links.Product(Product.ProductId, Product.Title) + (fragment is null ? "" : "#" + fragment));
    }

    /// <summary>The store answers a question (or replies to a review) right on the page.</summary>
    public Task<IActionResult> OnPostAnswerAsync(string productId, string questionId, string text) =>
        StaffWriteAsync(productId, () => Grains.GetGrain<IProductQuestionsGrain>(productId).Answer(questionId, text), "questions");

    public Task<IActionResult> OnPostReplyAsync(string productId, string reviewId, string text) =>
        StaffWriteAsync(productId, () => Grains.GetGrain<IProductReviewsGrain>(productId).Reply(reviewId, text), "reviews");

    private async Task<IActionResult> StaffWriteAsync(string productId, Func<Task> write, string fragment)
    {
        if (!await LoadAsync(productId))
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

    private async Task<bool> LoadAsync(string productId)
    {
        if (!GrainKeys.IsProductId(productId)
            || await Grains.GetGrain<IProductGrain>(productId).GetDetails() is not { } product
            || !Access.CanSee(User, product))
        {
            return false;
        }

        Product = product;
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

    /// <summary>
    /// The page itself, with its reviews and questions: read only when the page is shown, not for a form that ends in
    /// a redirect.
    /// </summary>
    private async Task<PageResult> ShowAsync(CancellationToken ct)
    {
        var questions = Grains.GetGrain<IProductQuestionsGrain>(Product.ProductId).List(1, 50);
        var reviews = Grains.GetGrain<IProductReviewsGrain>(Product.ProductId).List(1, 50);
        if (SignedIn)
        {
            ReviewableOrders = await orders.DeliveredOrdersWithProductAsync(User.UserId(), Product.ProductId, ct);
        }

        var visitor = RecommendationsApi.Visitor(User);
        var together = recommender.BoughtTogetherAsync(Product.ProductId, visitor, 6, ct);
        var similar = recommender.SimilarAsync(Product.ProductId, visitor, 6, ct);
        Questions = await questions;
        Reviews = await reviews;
        BoughtTogether = await together;
        // A product shown as bought together is not repeated as similar.
        Similar = (await similar).Where(s => BoughtTogether.All(b => b.ProductId != s.ProductId)).ToList();
        return Page();
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
