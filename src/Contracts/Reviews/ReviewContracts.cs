namespace Marketplace.Contracts.Reviews;

/// <summary>A review of a product by a buyer, with the store's reply if any.</summary>
[GenerateSerializer, Immutable, Alias("mk.ReviewView")]
public sealed record ReviewView(
    [property: Id(0)] string ReviewId,
    [property: Id(1)] string ProductId,
    [property: Id(2)] string Sku,
    [property: Id(3)] string AuthorName,
    [property: Id(4)] int Rating,
    [property: Id(5)] string Text,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] string? Reply,
    [property: Id(8)] DateTimeOffset? RepliedAt,
    [property: Id(9)] bool Mine);

/// <summary>The rating of a product: the average of every review's stars (null without reviews) and their count.</summary>
[GenerateSerializer, Immutable, Alias("mk.RatingSummary")]
public sealed record RatingSummary(
    [property: Id(0)] double? Average,
    [property: Id(1)] int Count)
{
    public static RatingSummary Of(long sum, int count) => new(count == 0 ? null : Math.Round((double)sum / count, 2), count);
}

[GenerateSerializer, Immutable, Alias("mk.ReviewPage")]
public sealed record ReviewPage(
    [property: Id(0)] IReadOnlyList<ReviewView> Items,
    [property: Id(1)] int Total,
    [property: Id(2)] RatingSummary Rating);

/// <summary>
/// What a buyer writes. <see cref="CandidateOrderIds"/> are the buyer's orders the web host's read model says were
/// delivered with this product; the grain checks each with the order itself before it believes it.
/// </summary>
[GenerateSerializer, Immutable, Alias("mk.ReviewDraft")]
public sealed record ReviewDraft(
    [property: Id(0)] int Rating,
    [property: Id(1)] string Text,
    [property: Id(2)] string AuthorName,
    [property: Id(3)] IReadOnlyList<string> CandidateOrderIds);

/// <summary>
/// The reviews of one product, keyed by product id: one per delivered order line, written by its buyer; the store may
/// reply once to each. Keeps the rating and tells the product grain, so the product and search show it.
/// </summary>
[Alias("mk.IProductReviewsGrain")]
public interface IProductReviewsGrain : IGrainWithStringKey
{
    [Alias("Post")]
    Task<ReviewView> Post(ReviewDraft draft);

    /// <summary>Newest first, with the rating.</summary>
    [Alias("List")]
    Task<ReviewPage> List(int page, int pageSize);

    [Alias("Reply")]
    Task<ReviewView> Reply(string reviewId, string text);
}
