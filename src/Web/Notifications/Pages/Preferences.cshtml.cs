using Marketplace.Email;
using Marketplace.Web.Accounts;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Notifications.Pages;

/// <summary>The account's channel for each kind of business email: as it happens, in a daily digest, or on the site only.</summary>
public sealed class PreferencesModel(EmailPreferenceStore preferences) : MarketplacePage
{
    public IReadOnlyList<(string Kind, string Channel)> Channels { get; private set; } = [];

    public bool Saved { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(Dictionary<string, string>? kinds, CancellationToken ct)
    {
        var choices = (kinds ?? [])
            .Where(k => EmailPreferences.IsKind(k.Key) && EmailPreferences.Parse(k.Value) is not null)
            .ToDictionary(k => k.Key, k => EmailPreferences.Parse(k.Value)!.Value, StringComparer.Ordinal);
        await preferences.SetAsync(User.UserId(), choices, ct);
        Saved = true;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        ViewData["Title"] = T["Email preferences"].Value;
        ViewData["NoIndex"] = true;
        Channels = [.. (await preferences.GetAsync(User.UserId(), ct)).Select(c => (c.Key, EmailPreferences.Name(c.Value)))];
    }
}
