using System.Globalization;
using Marketplace.Contracts.Notifications;
using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Reviews;
using Marketplace.Grains.Common;
using Marketplace.Grains.Notifications;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Reviews;

public sealed class ReviewsState
{
    public string SellerId { get; set; } = "";

    public string ProductTitle { get; set; } = "";

    /// <summary>Oldest first.</summary>
    public List<ReviewState> Reviews { get; set; } = [];

    public long RatingSum { get; set; }

    /// <summary>False while the product grain has not yet been told the current rating.</summary>
    public bool RatingPublished { get; set; } = true;

    /// <summary>Notices stored with the review that causes them, not yet delivered.</summary>
    public List<PendingNotice> Outbox { get; set; } = [];
}

public sealed class ReviewState
{
    public string ReviewId { get; set; } = "";

    public string OrderId { get; set; } = "";

    public string Sku { get; set; } = "";

    public string AuthorId { get; set; } = "";

    public string AuthorName { get; set; } = "";

    public int Rating { get; set; }

    public string Text { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public string? Reply { get; set; }

    public DateTimeOffset? RepliedAt { get; set; }
}

/// <summary>
/// Reviews of one product. Only a buyer may review, once per order line, and only a line of an order that was
/// delivered: the grain asks each candidate order itself (as the buyer) rather than trusting the read model. The
/// rating is kept here and pushed to the product grain, whose state feeds the product page and search.
/// </summary>
public sealed class ProductReviewsGrain(
    [PersistentState("reviews", StorageNames.Marketplace)] IPersistentState<ReviewsState> state,
    TimeProvider clock,
    ILogger<ProductReviewsGrain> logger) : Grain, IProductReviewsGrain
{
    public const int MaxTextLength = 2_000;
    public const int MaxReplyLength = 1_000;
    public const int MaxCandidates = 20;

    private Outbox<PendingNotice>? notices;
    private Outbox<UntoldRating>? rating;

    private string ProductId => this.GetPrimaryKeyString();

    private ReviewsState Data => state.State;

    private Outbox<PendingNotice> Notices =>
        notices ??= PendingNotices.Outbox(this, GrainFactory, () => state.State.Outbox, SaveAsync, clock, logger);

    /// <summary>
    /// The product is told its rating after the write that changed it (<see cref="ReviewsState.RatingPublished"/> says
    /// whether it was), and again until it has been.
    /// </summary>
    private Outbox<UntoldRating> Rating => rating ??= new Outbox<UntoldRating>(
        () => Data.RatingPublished ? [] : [new UntoldRating(Data.RatingSum, Data.Reviews.Count)],
        told => GrainFactory.GetGrain<IProductGrain>(ProductId).SetRating(told.Sum, told.Count)
            .Then(() => Data.RatingPublished = Data.RatingSum == told.Sum && Data.Reviews.Count == told.Count),
        SaveAsync, PendingNotices.Timing, Outboxes.TimersOf(this), clock, logger, this.GetGrainId().ToString());

    /// <summary>What a crash left undone goes out now: notices stored and not delivered, a rating the product was not told.</summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await Notices.ResumeAsync();
        await Rating.ResumeAsync();
    }

    public async Task<ReviewView> Post(ReviewDraft draft)
    {
        var caller = CallerContext.Require();
        if (!caller.Roles.HasFlag(CallerRoles.Shopper))
        {
            throw DomainException.Forbidden("sign-in-to-review", "Sign in to review what you bought.");
        }

        var errors = new Dictionary<string, string[]>();
        if (draft.Rating is < 1 or > 5)
        {
            errors["rating"] = ["From 1 to 5 stars."];
        }

        var text = draft.Text?.Trim() ?? "";
        if (text.Length > MaxTextLength)
        {
            errors["text"] = [$"At most {MaxTextLength} characters."];
        }
        else if (!StorableText.IsStorable(text))
        {
            errors["text"] = [StorableText.Refusal];
        }

        DomainException.ThrowIfInvalid(errors);
        var lines = await DeliveredLinesAsync(caller, draft.CandidateOrderIds);
        if (lines.Count == 0)
        {
            throw DomainException.Forbidden("review-needs-delivered-order", "Only a buyer whose order with this product was delivered may review it.");
        }

        var open = lines.FirstOrDefault(l => Data.Reviews.TrueForAll(r => r.ReviewId != GrainKeys.ReviewId(ProductId, l.OrderId, l.Sku)));
        if (open == default)
        {
            throw DomainException.Conflict("already-reviewed", "Every delivered order line of this product already has your review.");
        }

        var product = await GrainFactory.GetGrain<IProductGrain>(ProductId).GetDetails();
        Data.SellerId = product?.SellerId ?? Data.SellerId;
        Data.ProductTitle = product?.Title ?? Data.ProductTitle;
        var review = new ReviewState
        {
            ReviewId = GrainKeys.ReviewId(ProductId, open.OrderId, open.Sku), OrderId = open.OrderId, Sku = open.Sku, AuthorId = caller.UserId,
            AuthorName = draft.AuthorName.Trim(), Rating = draft.Rating, Text = text, CreatedAt = clock.GetUtcNow(),
        };
        Data.Reviews.Add(review);
        Data.RatingSum += review.Rating;
        Data.RatingPublished = false;
        var notice = new NotificationDraft($"review:{review.ReviewId}:posted", NotificationKind.ReviewPosted,
            $"{new string('★', review.Rating)}{new string('☆', 5 - review.Rating)} for {Data.ProductTitle}",
            text.Length == 0 ? $"{review.AuthorName} rated it {review.Rating} of 5." : UserText.Excerpt(text), Link(review),
            ReviewFacts(review, text.Length == 0));
        Data.Outbox.Add(new PendingNotice { SellerId = Data.SellerId, Draft = notice });
        await SaveAndNotifyAsync();
        await Rating.DeliverAsync();
        return View(review, caller);
    }

    /// <summary>What the review's notice says; the author is a fact only when the body is their rating, not their words.</summary>
    private Dictionary<string, string> ReviewFacts(ReviewState review, bool ratingOnly)
    {
        var facts = new Dictionary<string, string>
        {
            [NotificationFacts.Product] = Data.ProductTitle,
            [NotificationFacts.Rating] = review.Rating.ToString(CultureInfo.InvariantCulture),
        };
        if (ratingOnly)
        {
            facts[NotificationFacts.Author] = review.AuthorName;
        }

        return facts;
    }

    public Task<ReviewPage> List(int page, int pageSize)
    {
        var caller = CallerContext.Current;
        var reviews = Data.Reviews;
        var items = Enumerable.Reverse(reviews).Skip((Math.Max(page, 1) - 1) * pageSize).Take(pageSize).Select(r => View(r, caller)).ToList();
        return Task.FromResult(new ReviewPage(items, reviews.Count, RatingSummary.Of(Data.RatingSum, reviews.Count)));
    }

    public async Task<ReviewView> Reply(string reviewId, string text)
    {
        var caller = CallerContext.Require();
        var review = Data.Reviews.Find(r => r.ReviewId == reviewId) ?? throw DomainException.NotFound("The review");
        if (!caller.ActsFor(Data.SellerId))
        {
            throw DomainException.Forbidden("not-store-staff", "Only the product's store replies to its reviews.");
        }

        if (review.Reply is not null)
        {
            throw DomainException.Conflict("already-replied", "The store has already replied to this review.");
        }

        review.Reply = UserText.Require(text, "text", MaxReplyLength);
        review.RepliedAt = clock.GetUtcNow();
        await SaveAndNotifyAsync();
        return View(review, caller);
    }

    /// <summary>The caller's delivered order lines of this product, each order asked directly (as the caller).</summary>
    private async Task<List<(string OrderId, string Sku)>> DeliveredLinesAsync(Caller caller, IReadOnlyList<string> candidates)
    {
        var orders = await Task.WhenAll(candidates.Where(GrainKeys.IsOrderId).Distinct(StringComparer.Ordinal).Take(MaxCandidates)
            .Select(async id =>
            {
                try
                {
                    return await GrainFactory.GetGrain<IOrderGrain>(id).Get();
                }
                catch (DomainException)
                {
                    return null; // not an order, or not the caller's
                }
            }));
        return orders
            .OfType<OrderView>()
            .Where(o => o.Status == OrderStatus.Delivered && o.BuyerId == caller.UserId)
            .OrderBy(o => o.PlacedAt)
            .SelectMany(o => o.Lines.Where(l => l.ProductId == ProductId).Select(l => (o.OrderId, l.Sku)))
            .ToList();
    }

    /// <summary>Stores the state (decision and notices together), then delivers the notices.</summary>
    private async Task SaveAndNotifyAsync()
    {
        await SaveAsync();
        await Notices.DeliverAsync();
    }

    private async Task SaveAsync()
    {
        await state.WriteOrReloadAsync(this);
        Notices.Written();
        Rating.Written();
    }

    private string Link(ReviewState review) => $"/products/{ProductId}#{review.ReviewId}";

    private ReviewView View(ReviewState r, Caller? caller) => new(r.ReviewId, ProductId, r.Sku, r.AuthorName, r.Rating, r.Text, r.CreatedAt,
        r.Reply, r.RepliedAt, caller is not null && r.AuthorId == caller.UserId);

    /// <summary>The rating the product has yet to be told.</summary>
    private sealed record UntoldRating(long Sum, int Count);
}
