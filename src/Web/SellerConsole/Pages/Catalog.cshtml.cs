using System.Globalization;
using System.Text;
using Marketplace.Web.Accounts;
using Marketplace.Web.Catalog;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.SellerConsole.Pages;

/// <summary>
/// The store's catalog as a spreadsheet: upload one to import (or only check it), follow the import live, cancel it,
/// and download the catalog in the same columns.
/// </summary>
[RequestSizeLimit(20 * 1024 * 1024 + 64 * 1024)]
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
        var entries = await Store.GetCatalogEntries();
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        await CatalogCsv.WriteAsync(text, CatalogExport.Products(Grains, entries, ct));
        return File(Encoding.UTF8.GetBytes(text.ToString()), "text/csv; charset=utf-8", $"catalog-{DateTime.UtcNow:yyyy-MM-dd}.csv");
    }

    public async Task<IActionResult> OnPostImportAsync(IFormFile? file, bool dryRun, CancellationToken ct)
    {
        if (file is not { Length: > 0 })
        {
            FlashError = T["Choose a CSV file to import."];
            return RedirectToPage();
        }

        using var content = new MemoryStream();
        await file.CopyToAsync(content, ct);
        var name = Path.GetFileName(file.FileName);
        var id = await imports.EnqueueAsync(SellerId, CallerIdentity.From(User)!, name.Length is > 0 and <= 200 ? name : "catalog.csv",
            content.ToArray(), dryRun, ct);
        runner.Wake();
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
