using System.Globalization;
using System.Text.Json.Nodes;
using Marketplace.Email;
using Marketplace.Web.Notifications;
using Npgsql;

namespace Marketplace.Web.SellerConsole;

/// <summary>An invitation made, with the link that accepts it (shown once to the inviter and emailed to the invitee).</summary>
public sealed record SentInvitation(StaffInvitation Invitation, string Link, bool Emailed);

/// <summary>
/// Inviting someone to a store's staff, for the API and the staff page alike: the store grain makes the invitation,
/// and the invitee is emailed the link in the inviter's language (the invitee may have no account yet), unless that
/// address asked for no more invitations by email.
/// </summary>
public sealed class StaffInvitations(
    IGrainFactory grains, NpgsqlDataSource db, MailQueue mail, EmailPreferenceStore preferences, IEmailLinks links)
{
    public const string AcceptPath = "/account/invitation";

    public async Task<SentInvitation> InviteAsync(string sellerId, string inviterId, string email, CancellationToken ct = default)
    {
        var store = grains.GetGrain<ISellerGrain>(sellerId);
        var invitation = await store.InviteStaff(email);
        var link = new Uri(links.PublicUrl, AcceptPath.TrimStart('/') + "?token=" + Uri.EscapeDataString(invitation.Token)).ToString();
        if (await preferences.IsAddressUnsubscribedAsync(invitation.Email, EmailPreferences.Invitations, ct))
        {
            return new SentInvitation(invitation, link, Emailed: false);
        }

        var (inviter, culture) = await InviterAsync(inviterId, ct);
        var storeName = (await store.GetProfile())?.Name ?? sellerId;
        var model = new JsonObject
        {
            ["inviter"] = inviter,
            ["store_name"] = storeName,
            ["link"] = link,
            ["valid_until"] = invitation.ExpiresAt.ToString("d MMMM yyyy", CultureInfo.GetCultureInfo(culture)),
        };
        // One email per invitation: a new invitation to the same address (a new token) is a new email.
        var sourceKey = $"invitation:{sellerId}:{invitation.ExpiresAt.ToUnixTimeMilliseconds()}";
        await mail.EnqueueAsync([new OutgoingEmail(invitation.Email, null, null, culture, EmailKind.StoreInvitation, sourceKey, model, storeName)],
            cancellationToken: ct);
        return new SentInvitation(invitation, link, Emailed: true);
    }

    private async Task<(string Name, string Culture)> InviterAsync(string userId, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT display_name, culture FROM users WHERE id = $1");
        command.Parameters.Add(new() { Value = userId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), EmailTemplates.CultureOf(reader.GetString(1))) : ("A store", EmailTemplates.FallbackCulture);
    }
}
