using Marketplace.Web.Shared;

namespace Marketplace.Web.Accounts.Pages;

/// <summary>Where a signed-in person lands on a page their account may not open.</summary>
public sealed class DeniedModel : MarketplacePage
{
    public bool NeedsSecondFactor => User.IsInRole(RoleNames.Admin) && !User.IsAdmin();

    public void OnGet()
    {
        ViewData["Title"] = T["Not allowed"].Value;
        ViewData["NoIndex"] = true;
        Response.StatusCode = StatusCodes.Status403Forbidden;
    }
}
