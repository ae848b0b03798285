using System.ComponentModel.DataAnnotations;
using Marketplace.Web.Accounts;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Integrations.Pages;

/// <summary>The store's API keys in the seller console: create one (shown once), revoke one.</summary>
public sealed class SellerApiKeysModel(ApiKeyStore keys) : SellerPage
{
    public override string Section => "api-keys";

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
        Keys = await keys.ListAsync(SellerId, ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (ModelState.IsValid && await keys.CountActiveAsync(SellerId, ct) >= ApiKeyStore.MaxActivePerStore)
        {
            ModelState.AddModelError(nameof(Name), T["Revoke a key first: a store may have 20 in use."]);
        }

        if (!ModelState.IsValid)
        {
            await OnGetAsync(ct);
            return Page();
        }

        var (_, key) = await keys.CreateAsync(Name!.Trim(), [ApiKeyStore.StoreScope], User.UserId(), SellerId, ct);
        NewKey = key;
        Flash = T["Key created. Copy it now: it is not shown again."];
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid keyId, CancellationToken ct)
    {
        if (await keys.RevokeAsync(keyId, SellerId, ct))
        {
            Flash = T["Key revoked."];
        }

        return RedirectToPage();
    }
}
