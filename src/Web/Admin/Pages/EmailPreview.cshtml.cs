using Marketplace.Email;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Admin.Pages;

/// <summary>A template's HTML part alone, for the preview frame of /admin/email (served under its own sandboxed policy).</summary>
public sealed class EmailPreviewModel(MessageComposer composer) : MarketplacePage
{
    public async Task<IActionResult> OnGetAsync(string? kind, string? lang)
    {
        if (kind is null || EmailKind.Find(kind) is not { } found)
        {
            return NotFound();
        }

        var rendered = await EmailModel.RenderAsync(composer, found, EmailTemplates.CultureOf(lang));
        return Content(rendered.Html, "text/html; charset=utf-8");
    }
}
