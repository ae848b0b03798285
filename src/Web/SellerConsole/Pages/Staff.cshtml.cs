using System.ComponentModel.DataAnnotations;
using Marketplace.Web.Accounts;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.SellerConsole.Pages;

/// <summary>The store's staff: who acts for it, invitations by email (a link to hand over), removal.</summary>
public sealed class StaffModel(AccountService accounts, StaffInvitations invitations) : SellerPage
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
            var sent = await invitations.InviteAsync(SellerId, User.UserId(), AccountService.NormalizeEmail(Email!));
            InvitationLink = sent.Link;
            Flash = string.Format(System.Globalization.CultureInfo.CurrentCulture, sent.Emailed
                ? T["Invitation emailed to {0}. You can also hand them the link below; it works once, for that email."].Value
                : T["Invitation ready for {0}. Send them the link below; it works once, for that email."].Value, sent.Invitation.Email);
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
