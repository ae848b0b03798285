using Marketplace.Email;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Notifications.Pages;

/// <summary>
/// The unsubscribe link of a business email. Opening it asks for a click; a POST — that click, or a mail client's
/// RFC 8058 one-click request (<c>List-Unsubscribe=One-Click</c>) — stops that kind of email at once, without signing
/// in and without a form token: the signed token is the proof. For an account the kind becomes "in the site only"; for
/// an address without an account (an invitation) the address is no longer written to about it.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class UnsubscribeModel(EmailLinks links, EmailPreferenceStore preferences) : MarketplacePage
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    public bool Invalid { get; private set; }

    public bool Done { get; private set; }

    public string KindLabel { get; private set; } = "";

    public IActionResult OnGet() => Read() is null ? Refused() : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Read() is not { } target)
        {
            return Refused();
        }

        // An account id never holds an '@'; an address always does.
        if (target.Recipient.Contains('@', StringComparison.Ordinal))
        {
            await preferences.UnsubscribeAddressAsync(target.Recipient, target.Kind, ct);
        }
        else if (target.Kind == EmailPreferences.DigestKinds)
        {
            // The digest's link: every kind gathered in it stays in the inbox from now on.
            var digested = (await preferences.GetAsync(target.Recipient, ct)).Where(c => c.Value == EmailChannel.Digest);
            await preferences.SetAsync(target.Recipient, digested.ToDictionary(c => c.Key, _ => EmailChannel.InApp), ct);
        }
        else
        {
            await preferences.SetAsync(target.Recipient, new Dictionary<string, EmailChannel> { [target.Kind] = EmailChannel.InApp }, ct);
        }

        Done = true;
        return Page();
    }

    /// <summary>Labels of the kinds, as the preferences page names them.</summary>
    public static string Label(string kind) => kind switch
    {
        EmailPreferences.Orders => "your orders",
        EmailPreferences.StoreOrders => "your store's orders",
        EmailPreferences.Questions => "questions to your store",
        EmailPreferences.Answers => "answers to your questions",
        EmailPreferences.Reviews => "reviews of your products",
        EmailPreferences.LowStock => "low stock",
        EmailPreferences.Invitations => "invitations to join a store",
        EmailPreferences.DigestKinds => "the daily digest",
        _ => "announcements",
    };

    private (string Recipient, string Kind)? Read()
    {
        ViewData["Title"] = T["Unsubscribe"].Value;
        if (links.ReadUnsubscribeToken(Token) is { } target
            && (EmailPreferences.IsKind(target.Kind) || target.Kind is EmailPreferences.DigestKinds or EmailPreferences.Invitations))
        {
            KindLabel = Label(target.Kind);
            return target;
        }

        return null;
    }

    private PageResult Refused()
    {
        Invalid = true;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
