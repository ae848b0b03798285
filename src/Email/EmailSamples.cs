using System.Text.Json.Nodes;

namespace Marketplace.Email;

/// <summary>Made-up values for each kind, so a person editing a template sees it filled in (the admins' preview page).</summary>
public static class EmailSamples
{
    public static OutgoingEmail For(EmailKind kind, string culture, string publicUrl)
    {
        var root = publicUrl.TrimEnd('/');
        var link = root + "/account/verify-email?token=sample";
        string? store = null;
        JsonObject model = kind.Name switch
        {
            "verify-email" => new() { ["link"] = link, ["email"] = "ana@example.com", ["valid_hours"] = 48 },
            "password-reset" => new() { ["link"] = root + "/account/reset-password?token=sample", ["valid_minutes"] = 60 },
            "password-changed" => new() { ["changed_at"] = "6 December 2026 09:30 UTC" },
            "confirm-new-email" => new() { ["link"] = link, ["new_email"] = "ana.new@example.com", ["valid_hours"] = 48 },
            "email-changed" => new() { ["new_email"] = "ana.new@example.com" },
            "order-update" or "store-order" => Order(kind, root, out store),
            "question-asked" or "question-answered" or "review-posted" or "low-stock" => new()
            {
                ["event"] = kind.Name switch
                {
                    "question-asked" => "questionAsked",
                    "question-answered" => "questionAnswered",
                    "review-posted" => "reviewPosted",
                    _ => "lowStock",
                },
                ["title"] = "Café de Especialidad 250 g",
                ["body"] = "Is it ground or whole bean?",
                ["link"] = root + "/products/sample",
            },
            "store-invitation" => new()
            {
                ["inviter"] = "Ana Pérez", ["store_name"] = "Café Ana",
                ["link"] = root + "/account/invitation?token=sample", ["valid_until"] = "13 December 2026",
            },
            "digest" => new()
            {
                ["count"] = 2,
                ["items"] = new JsonArray(
                    new JsonObject { ["title"] = "New review of Café 250 g", ["body"] = "5 stars: \"Great aroma.\"", ["link"] = root + "/products/sample" },
                    new JsonObject { ["title"] = "Low stock: CAFE-250", ["body"] = "3 units left.", ["link"] = root + "/seller/inventory" }),
            },
            "announcement" => new()
            {
                ["subject_line"] = "New: schedule your deliveries",
                ["body"] = "From Monday you can choose the day your order arrives.\nThank you for shopping with us.",
            },
            _ => [],
        };
        return new OutgoingEmail("ana@example.com", "Ana", null, culture, kind, "preview", model, store);
    }

    private static JsonObject Order(EmailKind kind, string root, out string? store)
    {
        var forStore = kind.Name == "store-order";
        store = forStore ? null : "Café Ana";
        return new JsonObject
        {
            ["event"] = forStore ? "orderPaid" : "orderPlaced",
            ["for_store"] = forStore,
            ["title"] = "Order #1A2B3C4D",
            ["body"] = "",
            ["link"] = root + "/orders/sample",
            ["store_name"] = "Café Ana",
            ["order"] = new JsonObject
            {
                ["reference"] = "#1A2B3C4D",
                ["awaiting_confirmation"] = false,
                ["lines"] = new JsonArray(new JsonObject
                {
                    ["title"] = "Café de Especialidad 250 g", ["sku"] = "CAFE-250", ["quantity"] = 2, ["price"] = "8,990 CLP", ["total"] = "17,980 CLP",
                }),
                ["subtotal"] = "17,980 CLP",
                ["shipping"] = "1,500 CLP",
                ["total"] = "19,480 CLP",
                ["tax"] = "2,871 CLP",
                ["tax_included"] = true,
                ["address"] = "Ana Pérez, Av. Providencia 1234, Santiago, CL",
            },
        };
    }
}
