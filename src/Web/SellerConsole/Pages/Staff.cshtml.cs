using System.ComponentModel.DataAnnotations;
using Marketplace.Web.Accounts;
using Marketplace.Web.Orders;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.SellerConsole.Pages;

/// <summary>The store's staff: who acts for it, invitations by email (a link to hand over), removal.</summary>
public sealed class StaffModel(AccountService accounts, IOptions<PublicUrlOptions> urls) : SellerPage
{
    public override string Section => "staff";

    public IReadOnlyList<StaffMember> Staff { get; private set; } = [];

    [BindProperty]
    [Required(ErrorMessage = "Enter their email."), EmailAddress(ErrorMessage = "That is not an email address."), StringLength(254)]
    public string? Email { get; set; }

    /// <summary>The link of an invitation just made (shown once: the store keeps only its hash).</summary>
    [TempData]
    public string? InvitationLink { get; set; }

    public async Task OnGetAsync()
    {
        ViewData["Title"] = T["Staff"].Value;
        Staff = await Store.GetStaff();
    }

    public async Task<IActionResult> OnPostInviteAsync()
    {
        if (!ModelState.IsValid)
        {
            await OnGetAsync();
            return Page();
        }

        await FlashRefusalAsync(async () =>
        {
            var invitation = await Store.InviteStaff(AccountService.NormalizeEmail(Email!));
            InvitationLink = urls.Value.Resolve(Request, "/account/invitation?token=" + Uri.EscapeDataString(invitation.Token));
            Flash = string.Format(System.Globalization.CultureInfo.CurrentCulture,
                T["Invitation ready for {0}. Send them the link below; it works once, for that email."].Value, invitation.Email);
        });
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemoveAsync(string userId, CancellationToken ct)
    {
        await FlashRefusalAsync(async () =>
        {
            await Store.RemoveStaff(userId);
            await accounts.LeaveStoreAsync(userId, SellerId, ct);
            Flash = T["Removed from the staff."];
        });
        return RedirectToPage();
    }
}
