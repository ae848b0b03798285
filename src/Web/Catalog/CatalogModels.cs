using System.ComponentModel.DataAnnotations;
using Marketplace.Web.Media;

namespace Marketplace.Web.Catalog;

// Request shapes are checked here (types, presence, lengths); the grains apply the domain rules again on every write.

/// <summary>A store's profile and settings, as sent to create or replace it.</summary>
public sealed record StoreRequest
{
    [Required, StringLength(120, MinimumLength = 1)]
    public string? Name { get; init; }

    [StringLength(10_000)]
    public string? Description { get; init; }

    /// <summary>Whether orders wait for the seller's acceptance before payment (a quotation step). Default true.</summary>
    public bool? RequiresConfirmation { get; init; }

    /// <summary>ISO 4217 code of the store's main currency. Default CLP.</summary>
    [RegularExpression("^[A-Z]{3}$", ErrorMessage = "Use an ISO 4217 code such as CLP or USD.")]
    public string? Currency { get; init; }

    [StringLength(500), Url]
    public string? LogoUrl { get; init; }

    public StoreContactRequest? Contact { get; init; }

    /// <summary>Whether prices include the tax (default true: today's prices are what buyers pay).</summary>
    public bool? PricesIncludeTax { get; init; }

    /// <summary>The tax included in prices, in percent with up to four decimals (19 for Chile's IVA). Default 0.</summary>
    [Range(0, 50)]
    public decimal? TaxRate { get; init; }

    /// <summary>Days after delivery a buyer may ask to return (0-30, default 30; 0 means no returns).</summary>
    public int? ReturnWindowDays { get; init; }

    internal StoreDraft ToDraft() => new(Name!, Description, RequiresConfirmation ?? true, Currency ?? "CLP", LogoUrl, Contact?.ToContact(),
        PricesIncludeTax ?? true, TaxRatePercent.ToPpm(TaxRate ?? 0), ReturnWindowDays ?? StoreDraft.DefaultReturnWindowDays);
}

/// <summary>How to reach a store and where it is.</summary>
public sealed record StoreContactRequest
{
    [EmailAddress, StringLength(254)]
    public string? Email { get; init; }

    [StringLength(40)]
    public string? Phone { get; init; }

    [StringLength(500), Url]
    public string? Website { get; init; }

    [StringLength(200)]
    public string? Address { get; init; }

    [StringLength(100)]
    public string? City { get; init; }

    [StringLength(100)]
    public string? Country { get; init; }

    /// <summary>The company's tax id (e.g. a Chilean RUT).</summary>
    [StringLength(40)]
    public string? TaxId { get; init; }

    internal StoreContact ToContact() => new(Email, Phone, Website, Address, City, Country, TaxId);
}

public sealed record VariantRequest
{
    [Required, StringLength(64, MinimumLength = 1)]
    public string? Sku { get; init; }

    public Dictionary<string, string>? Options { get; init; }

    /// <summary>The variant's own price in minor units; omit to use the product's price.</summary>
    [Range(0, 1_000_000_000_000)]
    public long? Price { get; init; }

    /// <summary>Initial units on hand.</summary>
    [Range(0, 1_000_000)]
    public int? Stock { get; init; }
}

/// <summary>A product as a seller creates it.</summary>
public sealed record ProductRequest
{
    [Required, StringLength(200, MinimumLength = 1)]
    public string? Title { get; init; }

    [StringLength(10_000)]
    public string? Description { get; init; }

    [Required, StringLength(64, MinimumLength = 1)]
    public string? Category { get; init; }

    [Required, RegularExpression("^[A-Z]{3}$", ErrorMessage = "Use an ISO 4217 code such as CLP or USD.")]
    public string? Currency { get; init; }

    /// <summary>Price in minor units of the currency (CLP has none: 8990 is $8.990).</summary>
    [Required, Range(0, 1_000_000_000_000)]
    public long? Price { get; init; }

    /// <summary>draft or published. Default draft.</summary>
    public ProductStatus? Status { get; init; }

    [Required, Length(1, 100)]
    public List<VariantRequest>? Variants { get; init; }

    /// <summary>Free-form facts shoppers search and compare, e.g. {"origin": "Huila", "roast": "medium"}.</summary>
    public Dictionary<string, string>? Attributes { get; init; }

    internal ProductDraft ToDraft() => new(
        Title!,
        Description,
        Category!,
        Currency!,
        Price!.Value,
        Status ?? ProductStatus.Draft,
        Variants!.Select(v => new VariantDraft(v.Sku!, v.Options ?? [], v.Price, v.Stock ?? 0)).ToList(),
        Attributes ?? []);
}

public sealed record StockItemRequest
{
    [Required, StringLength(64, MinimumLength = 1)]
    public string? Sku { get; init; }

    [Required, Range(0, 1_000_000)]
    public int? OnHand { get; init; }
}

/// <summary>On-hand units per SKU.</summary>
public sealed record StockRequest
{
    [Required, Length(1, 100)]
    public List<StockItemRequest>? Items { get; init; }
}

public sealed record StoreResponse(
    string SellerId,
    string Name,
    string? Description,
    bool RequiresConfirmation,
    string Currency,
    int ProductCount,
    int Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? LogoUrl,
    StoreContact Contact,
    StoreStatus Status,
    bool Claimed,
    bool PricesIncludeTax,
    decimal TaxRate,
    int ReturnWindowDays)
{
    public static StoreResponse From(StoreProfile p) =>
        new(p.SellerId, p.Name, p.Description, p.RequiresConfirmation, p.Currency, p.ProductCount, p.Version, p.CreatedAt, p.UpdatedAt,
            p.LogoUrl, p.Contact, p.Status, p.Claimed, p.PricesIncludeTax, TaxRatePercent.Of(p.TaxRatePpm), p.ReturnWindowDays);
}

/// <summary>Tax rates as people write them (percent, up to four decimals: 8.875) and as the grains keep them (parts per million).</summary>
public static class TaxRatePercent
{
    public static decimal Of(int ppm) => ppm / 10_000m;

    /// <summary>The rate in parts per million; a fraction finer than the fourth decimal is rounded away (the grains check the range).</summary>
    public static int ToPpm(decimal percent) => (int)decimal.Round(percent * 10_000m, MidpointRounding.AwayFromZero);
}

public sealed record VariantResponse(string Sku, string SkuId, IReadOnlyDictionary<string, string> Options, long Price, int Available);

public sealed record ImageResponse(string Key, string Url, int Width, int Height, string ContentType);

/// <summary>The average of the reviews' stars (null without reviews) and how many there are.</summary>
public sealed record RatingResponse(double? Average, int Count)
{
    public static RatingResponse Of(long sum, int count)
    {
        var rating = Marketplace.Contracts.Reviews.RatingSummary.Of(sum, count);
        return new(rating.Average, rating.Count);
    }
}

public sealed record ProductResponse(
    string ProductId,
    string SellerId,
    string SellerName,
    string Title,
    string? Description,
    string Category,
    string Currency,
    long Price,
    ProductStatus Status,
    int Version,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyList<ImageResponse> Images,
    IReadOnlyList<VariantResponse> Variants,
    RatingResponse Rating,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static ProductResponse From(ProductDetails p) => new(
        p.ProductId, p.SellerId, p.SellerName, p.Title, p.Description, p.Category, p.Currency, p.Price, p.Status, p.Version,
        p.Attributes ?? new Dictionary<string, string>(),
        (p.Images ?? []).Select(i => new ImageResponse(i.Key, MediaApi.UrlOf(i.Key), i.Width, i.Height, i.ContentType)).ToList(),
        p.Variants.Select(v => new VariantResponse(v.Sku, GrainKeys.Sku(p.ProductId, v.Sku), v.Options, v.Price, v.Available)).ToList(),
        RatingResponse.Of(p.RatingSum, p.RatingCount),
        p.CreatedAt,
        p.UpdatedAt);
}

public sealed record StockItemResponse(string Sku, int OnHand, int Available);

public sealed record StockResponse(string ProductId, IReadOnlyList<StockItemResponse> Items)
{
    public static StockResponse From(ProductDetails p) =>
        new(p.ProductId, p.Variants.Select(v => new StockItemResponse(v.Sku, v.OnHand, v.Available)).ToList());
}

public sealed record PagedResponse<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize);

/// <summary>Paging parameters shared by list endpoints: 1-based page, page size clamped to 1..100.</summary>
public readonly record struct Paging(int Page, int PageSize)
{
    public const int MaxPageSize = 100;

    public int Skip => (Page - 1) * PageSize;

    public static Paging From(int? page, int? pageSize) =>
        new(Math.Clamp(page ?? 1, 1, 100_000), Math.Clamp(pageSize ?? 20, 1, MaxPageSize));
}

