using System.Security.Claims;
using Marketplace.Web.Accounts;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Catalog;

/// <summary>An import just queued.</summary>
public sealed record CatalogImportQueued(string Id, string Status);

/// <summary>
/// Catalog spreadsheets (<see cref="CatalogCsv"/>): a store uploads one to import (or only check, with dryRun) in the
/// background and follows it; export gives the whole catalog back in the same columns. For the store's staff and its
/// API keys.
/// </summary>
public static class CatalogImportApi
{
    /// <summary>The upload's body limit: a 20 MB file and its multipart framing (every other endpoint keeps 1 MB).</summary>
    public const long MaxUploadBytes = 20 * 1024 * 1024 + 64 * 1024;

    public static IEndpointRouteBuilder MapCatalogImportApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/seller/catalog").WithTags("Catalog import and export")
            .RequireAuthorization(AuthorizationSetup.SellerPolicy).AllowStoreApiKeys();
        group.MapPost("/imports", Upload).WithName("ImportCatalog")
            .WithSummary("Upload a catalog CSV (multipart field 'file', at most 20 MB) to import in the background, or only check it with ?dryRun=true")
            .WithDescription("Columns: handle, title, description, category, status, currency, price, sku, options, variant_price, stock, images, " +
                             "attributes; one row per variant, rows of one handle are one product. Re-importing updates by handle and SKU, never duplicates. " +
                             "Answers 202 with the import's id; follow it at GET /api/seller/catalog/imports/{id}.")
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(MaxUploadBytes));
        group.MapGet("/imports", List).WithName("ListCatalogImports").WithSummary("The store's latest imports, newest first");
        group.MapGet("/imports/{importId}", Get).WithName("GetCatalogImport")
            .WithSummary("An import's status, progress and problems: {status, processed, total, errors: [{line, column, message}]}");
        group.MapPost("/imports/{importId}/cancel", Cancel).WithName("CancelCatalogImport")
            .WithSummary("Stop an import: products already imported stay, the rest are not");
        group.MapGet("/export", Export).WithName("ExportCatalog").WithSummary("The store's whole catalog as CSV, in the columns the import reads");
        return routes;
    }

    private static async Task<Results<Accepted<CatalogImportQueued>, ProblemHttpResult>> Upload(
        HttpRequest request, ClaimsPrincipal user, bool? dryRun, CatalogImportRunner runner, CancellationToken ct)
    {
        if (!request.HasFormContentType || (await request.ReadFormAsync(ct)).Files.GetFile("file") is not { Length: > 0 } file)
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, "file-missing", "Send the CSV as multipart/form-data in a field named 'file'.");
        }

        var id = await runner.QueueAsync(user.SellerId()!, CallerIdentity.From(user)!, file, dryRun ?? false, ct);
        return TypedResults.Accepted($"/api/seller/catalog/imports/{id}", new CatalogImportQueued(id, "queued"));
    }

    private static async Task<Ok<IReadOnlyList<CatalogImportStatus>>> List(ClaimsPrincipal user, CatalogImports imports, CancellationToken ct) =>
        TypedResults.Ok(await imports.ListAsync(user.SellerId()!, 20, ct));

    private static async Task<Results<Ok<CatalogImportStatus>, ProblemHttpResult>> Get(
        string importId, ClaimsPrincipal user, CatalogImports imports, CancellationToken ct) =>
        await imports.GetAsync(user.SellerId()!, importId, ct) is { } status ? TypedResults.Ok(status) : ApiProblems.NotFound("The import");

    private static async Task<Results<Accepted, ProblemHttpResult>> Cancel(string importId, ClaimsPrincipal user, CatalogImports imports, CancellationToken ct)
    {
        if (await imports.CancelAsync(user.SellerId()!, importId, ct))
        {
            return TypedResults.Accepted($"/api/seller/catalog/imports/{importId}");
        }

        return await imports.GetAsync(user.SellerId()!, importId, ct) is null
            ? ApiProblems.NotFound("The import")
            : ApiProblems.Problem(StatusCodes.Status409Conflict, "import-ended", "The import has already ended.");
    }

    private static async Task<FileContentHttpResult> Export(ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var (content, fileName) = await CatalogExport.CsvAsync(grains, user.SellerId()!, ct);
        return TypedResults.File(content, CatalogExport.ContentType, fileName);
    }
}

/// <summary>A store's products as an export reads them: in its register's order, fetched 50 at a time.</summary>
public static class CatalogExport
{
    public const string ContentType = "text/csv; charset=utf-8";

    /// <summary>
    /// The store's whole catalog as the CSV file the import reads, with the name it is downloaded under. Written whole
    /// before it is sent (a catalog of 10,000 rows is about 1 MB): the CSV writer is synchronous.
    /// </summary>
    public static async Task<(byte[] Content, string FileName)> CsvAsync(IGrainFactory grains, string storeId, CancellationToken ct)
    {
        var entries = await grains.GetGrain<ISellerGrain>(storeId).GetCatalogEntries();
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        await CatalogCsv.WriteAsync(text, Products(grains, entries, ct));
        return (System.Text.Encoding.UTF8.GetBytes(text.ToString()), $"catalog-{DateTime.UtcNow:yyyy-MM-dd}.csv");
    }

    public static async IAsyncEnumerable<(string Handle, ProductDetails Product)> Products(
        IGrainFactory grains, IReadOnlyList<CatalogEntry> entries, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var chunk in entries.Chunk(50))
        {
            ct.ThrowIfCancellationRequested();
            var details = await Task.WhenAll(chunk.Select(e => grains.GetGrain<IProductGrain>(e.ProductId).GetDetails()));
            foreach (var (entry, product) in chunk.Zip(details))
            {
                if (product is not null)
                {
                    yield return (entry.Handle, product);
                }
            }
        }
    }
}
