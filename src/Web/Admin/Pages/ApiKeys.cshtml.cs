using System.ComponentModel.DataAnnotations;
using Marketplace.Web.Accounts;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Admin.Pages;

/// <summary>Integration API keys for partner systems (the business directory): create one (shown once), revoke one.</summary>
public sealed class ApiKeysModel(ApiKeyStore keys) : MarketplacePage
{
    public IReadOnlyList<ApiKeyInfo> Keys { get; private set; } = [];

    [BindProperty]
    [Required(ErrorMessage = "Name the key after the system that will use it."), StringLength(100, ErrorMessage = "At most 100 characters.")]
    public string? Name { get; set; }

    /// <summary>A key just created: shown on this page once, never stored in the clear.</summary>
    [TempData]
    public string? NewKey { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        ViewData["Title"] = T["API keys"].Value;
        ViewData["Section"] = "keys";
        Keys = await keys.ListAsync(null, ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            await OnGetAsync(ct);
            return Page();
        }

        var (_, key) = await keys.CreateAsync(Name!.Trim(), [ApiKeyStore.DirectoryScope], User.UserId(), null, ct);
        NewKey = key;
        Flash = T["Key created. Copy it now: it is not shown again."];
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid keyId, CancellationToken ct)
    {
        if (await keys.RevokeAsync(keyId, null, ct))
        {
            Flash = T["Key revoked."];
        }

        return RedirectToPage();
    }
}
