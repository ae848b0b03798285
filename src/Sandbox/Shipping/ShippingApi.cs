using System.Security;
using Marketplace.Sandbox.Infrastructure;
using Microsoft.Extensions.Options;

namespace Marketplace.Sandbox.Shipping;

/// <summary>
/// The carrier's API: shipments with a label and a tracking number, and their tracking webhooks. A shipment's
/// <c>kind</c> is <c>outbound</c> (to the buyer) or <c>return</c> (a return label: from the buyer back to the address
/// given, the store's); both are tracked alike.
/// </summary>
public static class ShippingApi
{
    public static IEndpointRouteBuilder MapShippingApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").RequireApiKey(o => o.Shipping.ApiKey).WithTags("Shipping");
        api.MapPost("/shipments", CreateShipmentAsync).WithName("CreateShipment");
        api.MapGet("/shipments/{shipmentId}", GetShipment).WithName("GetShipment");
        // Labels are fetched by people and printers that hold no API key; the shipment id is the secret.
        app.MapGet("/labels/{shipmentId}", Label).WithName("ShippingLabel").WithTags("Shipping");
        return app;
    }

    private static async Task<IResult> CreateShipmentAsync(
        HttpRequest request, Ledger ledger, IOptions<SandboxOptions> options, TimeProvider clock, CancellationToken ct)
    {
        if (!Http.TryGetIdempotencyKey(request, out var key, out var keyError))
        {
            return keyError!;
        }

        var (body, error) = await Http.ReadJsonAsync<CreateShipmentRequest>(request, ct);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string[]>();
        Http.RequireText(errors, "orderId", body!.OrderId);
        if (!Http.IsHttpUrl(body.WebhookUrl))
        {
            errors["webhookUrl"] = ["An absolute http(s) URL."];
        }

        if (body.Kind is not (null or "outbound" or "return"))
        {
            errors["kind"] = ["'outbound' or 'return'."];
        }

        if (body.Address is not { } address)
        {
            errors["address"] = ["Required."];
        }
        else
        {
            Http.RequireText(errors, "address.name", address.Name);
            Http.RequireText(errors, "address.line1", address.Line1);
            Http.RequireText(errors, "address.city", address.City);
            Http.RequireText(errors, "address.country", address.Country, 60);
            Optional(errors, "address.region", address.Region);
            Optional(errors, "address.postalCode", address.PostalCode);
            Optional(errors, "address.phone", address.Phone);
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var settings = options.Value;
        var baseUrl = Http.PublicBase(request, settings);
        var a = body.Address!;
        var result = ledger.Once("shipment", key, Http.Fingerprint(body), now =>
        {
            var id = Ledger.NewId("shp");
            var shipment = new Shipment(id, body.OrderId!, Ledger.NewTrackingNumber(),
                new Address(a.Name!, a.Line1!, a.City!, a.Region, a.Country!, a.PostalCode, a.Phone), body.WebhookUrl!,
                $"{baseUrl}/labels/{id}", now, now + settings.InTransitAfter, now + settings.DeliveredAfter, body.Kind ?? "outbound");
            return ledger.NewShipment(shipment, now);
        });
        return Http.Answer(request.HttpContext.Response, result);
    }

    private static IResult GetShipment(string shipmentId, Ledger ledger, TimeProvider clock) =>
        ledger.FindShipment(shipmentId) is { } shipment
            ? TypedResults.Ok(ShipmentView.Of(shipment, clock.GetUtcNow()))
            : Http.Problem(StatusCodes.Status404NotFound, "shipment-not-found", "No such shipment.");

    private static IResult Label(string shipmentId, Ledger ledger)
    {
        if (ledger.FindShipment(shipmentId) is not { } shipment)
        {
            return Http.Problem(StatusCodes.Status404NotFound, "shipment-not-found", "No such shipment.");
        }

        var a = shipment.Address;
        var lines = new[]
        {
            a.Name, a.Line1, string.Join(", ", new[] { a.City, a.Region, a.PostalCode }.Where(s => !string.IsNullOrWhiteSpace(s))),
            a.Country, a.Phone ?? "",
        };
        var text = string.Join("", lines.Select((line, i) =>
            $"""<text x="24" y="{150 + (i * 26)}" font-size="20">{Xml(line)}</text>"""));
        var svg = $"""
            <svg xmlns="http://www.w3.org/2000/svg" width="600" height="400" viewBox="0 0 600 400" font-family="sans-serif">
              <rect x="2" y="2" width="596" height="396" fill="#fff" stroke="#000" stroke-width="4"/>
              <text x="24" y="48" font-size="28" font-weight="bold">SANDBOX CARRIER</text>
              <text x="24" y="84" font-size="16">Order {Xml(shipment.OrderId)}</text>
              <text x="24" y="122" font-size="14" fill="#555">{(shipment.Kind == "return" ? "RETURN TO" : "SHIP TO")}</text>
              {text}
              {Barcode(shipment.TrackingNumber)}
              <text x="24" y="388" font-size="18" font-family="monospace">{Xml(shipment.TrackingNumber)}</text>
            </svg>
            """;
        return TypedResults.Text(svg, "image/svg+xml; charset=utf-8");
    }

    /// <summary>Bars derived from the tracking number: it looks like a label without claiming to be a real symbology.</summary>
    private static string Barcode(string trackingNumber)
    {
        var x = 24;
        var bars = new System.Text.StringBuilder();
        foreach (var c in trackingNumber)
        {
            for (var bit = 0; bit < 5; bit++)
            {
                var width = ((c >> bit) & 1) == 1 ? 4 : 2;
                bars.Append($"""<rect x="{x}" y="300" width="{width}" height="64"/>""");
                x += width + 3;
            }
        }

        return bars.ToString();
    }

    /// <summary>XML escaping only: HTML's numeric entities for non-ASCII letters are not needed in UTF-8 SVG.</summary>
    private static string Xml(string value) => SecurityElement.Escape(value);

    private static void Optional(Dictionary<string, string[]> errors, string name, string? value)
    {
        if (value is { Length: > 200 })
        {
            errors[name] = ["At most 200 characters."];
        }
    }

    private sealed record CreateShipmentRequest(string? OrderId, AddressRequest? Address, string? WebhookUrl, string? Kind);

    private sealed record AddressRequest(
        string? Name, string? Line1, string? City, string? Region, string? Country, string? PostalCode, string? Phone);
}
