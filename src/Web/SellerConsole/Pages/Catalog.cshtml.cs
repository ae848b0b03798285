using Marketplace.Web.Accounts;
using Marketplace.Web.Catalog;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.SellerConsole.Pages;

/// <summary>
/// The store's catalog as a spreadsheet: upload one to import (or only check it), follow the import live, cancel it,
/// and download the catalog in the same columns.
/// </summary>
[RequestSizeLimit(CatalogImportApi.MaxUploadBytes)]
public sealed class CatalogModel(CatalogImports imports, CatalogImportRunner runner) : SellerPage
{
    public override string Section => "catalog";

    public IReadOnlyList<CatalogImportStatus> Recent { get; private set; } = [];

    /// <summary>The import shown (?import=), the latest one otherwise.</summary>
    public CatalogImportStatus? Shown { get; private set; }

    public async Task OnGetAsync(string? import, CancellationToken ct)
    {
        ViewData["Title"] = T["Import and export"].Value;
        Recent = await imports.ListAsync(SellerId, 10, ct);
        Shown = import is null ? Recent.FirstOrDefault() : await imports.GetAsync(SellerId, import, ct);
    }

    /// <summary>The import's progress for the page's script.</summary>
    public async Task<IActionResult> OnGetStatusAsync(string import, CancellationToken ct) =>
        await imports.GetAsync(SellerId, import, ct) is { } status
            ? new JsonResult(new { status.Status, status.Processed, status.Total, status.Finished })
            : NotFound();

    public async Task<IActionResult> OnGetExportAsync(CancellationToken ct)
    {
        var (content, fileName) = await CatalogExport.CsvAsync(Grains, SellerId, ct);
        return File(content, CatalogExport.ContentType, fileName);
    }

    public async Task<IActionResult> OnPostImportAsync(IFormFile? file, bool dryRun, CancellationToken ct)
    {
        if (file is not { Length: > 0 })
        {
            FlashError = T["Choose a CSV file to import."];
            return RedirectToPage();
        }

        var id = await runner.QueueAsync(SellerId, CallerIdentity.From(User)!, file, dryRun, ct);
        Flash = T[dryRun ? "Checking the file…" : "Importing the file…"];
        return RedirectToPage(new { import = id });
    }

    public async Task<IActionResult> OnPostCancelAsync(string import, CancellationToken ct)
    {
        if (await imports.CancelAsync(SellerId, import, ct))
        {
            Flash = T["The import stops after the batch it is on."];
        }

        return RedirectToPage(new { import });
    }
}
