using Marketplace.Web.Insights;
using System.Globalization;
using System.Security.Claims;
using Marketplace.Web.Accounts;
using Marketplace.Web.Infrastructure;
using Marketplace.Web.Media;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Marketplace.Web.Catalog;

/// <summary>Products: details with live availability, edits guarded by version, archiving, images and stock.</summary>
public static class ProductsApi
{
    public static IEndpointRouteBuilder MapProductsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/products").WithTags("Products");
        group.MapGet("/{productId}", GetProduct)
            .WithName("GetProduct")
            .WithSummary("A product with its variants and the units available per SKU")
            .WithDescription("The ETag header carries the product's version. Drafts are visible to their store's staff only.")
            .AllowAnonymous()
            .RequireCors(PublicApi.CorsPolicy);
        group.MapPut("/{productId}", UpdateProduct)
            .WithName("UpdateProduct")
            .WithSummary("Replace a product's editable fields")
            .WithDescription("Requires If-Match with the ETag from GET; answers 412 when the product changed since, 428 without If-Match. " +
                             "Variants new to the product get their stock; existing SKUs keep theirs (use PUT /stock).")
            .RequireAuthorization(AuthorizationSetup.SellerPolicy).AllowStoreApiKeys();
        group.MapDelete("/{productId}", ArchiveProduct)
            .WithName("ArchiveProduct")
            .WithSummary("Archive a product: hidden from the public, kept for orders and history")
            .WithDescription("If-Match is optional here; when given, a stale version answers 412.")
            .RequireAuthorization(AuthorizationSetup.SellerPolicy).AllowStoreApiKeys();
        group.MapPut("/{productId}/stock", SetStock)
            .WithName("SetStock")
            .WithSummary("Set on-hand units per SKU")
            .WithDescription("Refused with 409 when a SKU would have fewer units on hand than open orders reserve; nothing changes then.")
            .RequireAuthorization(AuthorizationSetup.SellerPolicy).AllowStoreApiKeys();
        group.MapPost("/{productId}/images", UploadImage)
            .WithName("UploadProductImage")
            .WithSummary("Add an image (JPEG, PNG or WebP, at most 5 MB)")
            .WithDescription("Send the image as the body with its content type, or as multipart/form-data with one file. The type is " +
                             "judged from the bytes; the first image is the product's main image.")
            .RequireAuthorization(AuthorizationSetup.SellerPolicy).AllowStoreApiKeys()
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(ProductEditing.MaxImageBytes + 64 * 1024));
        group.MapDelete("/{productId}/images/{key}", RemoveImage)
            .WithName("RemoveProductImage")
            .WithSummary("Remove an image from a product")
            .RequireAuthorization(AuthorizationSetup.SellerPolicy).AllowStoreApiKeys();
        return routes;
    }

    private static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> GetProduct(
        string productId, HttpContext http, HttpResponse response, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!GrainKeys.IsProductId(productId))
        {
            return ApiProblems.NotFound("The product");
        }

        var details = await grains.GetGrain<IProductGrain>(productId).GetDetails();
        if (details is null || !Access.CanSee(user, details))
        {
            return ApiProblems.NotFound("The product");
        }

        http.RecordEvent(new PageEvent(PageEventKinds.ProductView, productId, details.SellerId, Currency: details.Currency));
        return Ok(response, details);
    }

    private static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> UpdateProduct(
        string productId, ProductRequest request, HttpRequest http, HttpResponse response, ClaimsPrincipal user, IGrainFactory grains,
        ProductEditing editing)
    {
        if (await ForWriteAsync(productId, user, grains) is { Refusal: { } refused })
        {
            return refused;
        }

        if (!TryReadIfMatch(http, required: true, out var expected, out var problem))
        {
            return problem!;
        }

        return Ok(response, await editing.UpdateAsync(productId, request.ToDraft(), expected, []));
    }

    private static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> ArchiveProduct(
        string productId, HttpRequest http, HttpResponse response, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (await ForWriteAsync(productId, user, grains) is { Refusal: { } refused })
        {
            return refused;
        }

        if (!TryReadIfMatch(http, required: false, out var expected, out var problem))
        {
            return problem!;
        }

        return Ok(response, await grains.GetGrain<IProductGrain>(productId).Archive(expected));
    }

    private static async Task<Results<Ok<StockResponse>, ProblemHttpResult>> SetStock(
        string productId, StockRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (await ForWriteAsync(productId, user, grains) is { Refusal: { } refused })
        {
            return refused;
        }

        var items = request.Items!.Select(i => new StockSetting(i.Sku!, i.OnHand!.Value)).ToList();
        var details = await grains.GetGrain<IProductGrain>(productId).SetStock(items);
        return TypedResults.Ok(StockResponse.From(details));
    }

    private static async Task<Results<Created<ProductResponse>, ProblemHttpResult>> UploadImage(
        string productId, HttpRequest http, ClaimsPrincipal user, IGrainFactory grains, ProductEditing editing, CancellationToken ct)
    {
        if (await ForWriteAsync(productId, user, grains) is { Refusal: { } refused })
        {
            return refused;
        }

        ImageUpload upload;
        if (http.HasFormContentType)
        {
            var form = await http.ReadFormAsync(ct);
            if (form.Files.Count != 1)
            {
                return ApiProblems.Problem(StatusCodes.Status400BadRequest, "one-file-expected", "Send exactly one file.");
            }

            if (form.Files[0].Length > ProductEditing.MaxImageBytes)
            {
                return TooLarge();
            }

            await using var file = form.Files[0].OpenReadStream();
            upload = await editing.AddImageAsync(productId, file, ct);
        }
        else
        {
            upload = await editing.AddImageAsync(productId, http.Body, ct);
        }

        return upload switch
        {
            { Refusal: ImageRefusal.TooLarge } => TooLarge(),
            { Refusal: ImageRefusal.Unreadable } => ApiProblems.Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-image",
                $"The file is not a readable JPEG, PNG or WebP image of at most {ImageInspector.MaxDimension} pixels a side."),
            _ => TypedResults.Created(MediaApi.UrlOf(upload.Image!.Key), ProductResponse.From(upload.Product!)),
        };
    }

    private static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> RemoveImage(
        string productId, string key, HttpResponse response, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (await ForWriteAsync(productId, user, grains) is { Refusal: { } refused })
        {
            return refused;
        }

        return Ok(response, await grains.GetGrain<IProductGrain>(productId).RemoveImage(key));
    }

    /// <summary>
    /// The product for a write by the caller, read cheaply (no stock). Someone outside the store gets 404 for what the
    /// public cannot see and 403 for what it can; the grain checks the store's staff list again.
    /// </summary>
    private static async Task<(ProductHeader? Header, ProblemHttpResult? Refusal)> ForWriteAsync(
        string productId, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!GrainKeys.IsProductId(productId) || await grains.GetGrain<IProductGrain>(productId).GetHeader() is not { } header)
        {
            return (null, ApiProblems.NotFound("The product"));
        }

        if (Access.RequireStoreStaff(user, header.SellerId) is { } refused)
        {
            return (header, header.Status == ProductStatus.Published ? refused : ApiProblems.NotFound("The product"));
        }

        return (header, null);
    }

    /// <summary>Reads If-Match: a quoted version ("3", W/"3" accepted) or * for any version.</summary>
    private static bool TryReadIfMatch(HttpRequest request, bool required, out int? version, out ProblemHttpResult? problem)
    {
        version = null;
        problem = null;
        var value = request.Headers.IfMatch.ToString().Trim();
        if (value.Length == 0)
        {
            if (required)
            {
                problem = ApiProblems.Problem(StatusCodes.Status428PreconditionRequired, "if-match-required",
                    "Send If-Match with the ETag from GET, so an edit never overwrites a change you have not seen.");
            }

            return !required;
        }

        if (value == "*")
        {
            return true;
        }

        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        if (value.Length > 2 && value[0] == '"' && value[^1] == '"'
            && int.TryParse(value[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            version = parsed;
            return true;
        }

        problem = ApiProblems.Problem(StatusCodes.Status400BadRequest, "bad-if-match", "If-Match must be the ETag from GET, e.g. \"3\".");
        return false;
    }

    private static Ok<ProductResponse> Ok(HttpResponse response, ProductDetails details)
    {
        response.Headers.ETag = new EntityTagHeaderValue($"\"{details.Version.ToString(CultureInfo.InvariantCulture)}\"").ToString();
        return TypedResults.Ok(ProductResponse.From(details));
    }

    private static ProblemHttpResult TooLarge() => ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, "image-too-large",
        $"An image is at most {ProductEditing.MaxImageBytes / (1024 * 1024)} MB.");
}
