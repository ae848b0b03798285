using Marketplace.Web.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Shared;

/// <summary>What every page model shares: the visitor, messages that survive a redirect, and domain refusals as form errors.</summary>
public abstract class MarketplacePage : PageModel
{
    /// <summary>A message for the next page (after a redirect), e.g. "Added to your cart".</summary>
    [TempData]
    public string? Flash { get; set; }

    [TempData]
    public string? FlashError { get; set; }

    protected IStringLocalizer<Text> T => HttpContext.RequestServices.GetRequiredService<IStringLocalizer<Text>>();

    protected IGrainFactory Grains => HttpContext.RequestServices.GetRequiredService<IGrainFactory>();

    public bool SignedIn => User.Identity?.IsAuthenticated == true && !User.IsInRole(RoleNames.Guest);

    public string? CurrentUserId => User.Identity?.IsAuthenticated == true ? User.UserId() : null;

    /// <summary>Shows a refusal from the grains next to the form: field errors where the grain named fields, else on top.</summary>
    protected void AddErrors(DomainException e, string? prefix = null)
    {
        if (e.Errors is { Count: > 0 } errors)
        {
            foreach (var (field, messages) in errors)
            {
                foreach (var message in messages)
                {
                    ModelState.AddModelError(prefix is null ? "" : prefix + "." + FieldName(field), T[message]);
                }
            }
        }
        else
        {
            ModelState.AddModelError("", T[e.Message]);
        }
    }

    /// <summary>
    /// Runs a form's write whose page answers with a redirect: a refusal from the grains becomes the message on the next
    /// page. A transient failure is not a refusal and goes to the error page.
    /// </summary>
    protected async Task FlashRefusalAsync(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (DomainException e) when (e.Kind is not DomainErrorKind.Unavailable)
        {
            FlashError = T[e.Message];
        }
    }

    /// <summary>A JSON path of the grains' field errors ("variants[0].sku") as the form's field name ("Variants[0].Sku").</summary>
    public static string FieldName(string jsonPath) =>
        string.Join('.', jsonPath.Split('.').Select(part => part.Length == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..]));

    protected IActionResult RedirectLocal(string? returnUrl) => LocalRedirect(Links.Local(returnUrl));

    /// <summary>The page again as a GET (after a form), so reloading does not post twice.</summary>
    protected IActionResult Reload(string? fragment = null) => Redirect(Request.Path + Request.QueryString + (fragment is null ? "" : "#" + fragment));
}
