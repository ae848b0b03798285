using System.Text.Json.Nodes;

namespace Marketplace.Email;

/// <summary>Made-up values for each kind, so a person editing a template sees it filled in (the admins' preview page).</summary>
public static class EmailSamples
{
    public static OutgoingEmail For(EmailKind kind, string culture, string publicUrl)
    {
        var link = publicUrl.TrimEnd('/') + "/account/verify-email?token=sample";
        JsonObject model = kind.Name switch
        {
            "verify-email" => new() { ["link"] = link, ["email"] = "ana@example.com", ["valid_hours"] = 48 },
            "password-reset" => new() { ["link"] = publicUrl.TrimEnd('/') + "/account/reset-password?token=sample", ["valid_minutes"] = 60 },
            "password-changed" => new() { ["changed_at"] = "6 December 2026 09:30 UTC" },
            "confirm-new-email" => new() { ["link"] = link, ["new_email"] = "ana.new@example.com", ["valid_hours"] = 48 },
            "email-changed" => new() { ["new_email"] = "ana.new@example.com" },
            _ => [],
        };
        return new OutgoingEmail("ana@example.com", "Ana", null, culture, kind, "preview", model);
    }
}
