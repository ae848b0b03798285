using Marketplace.Contracts.Orders;
using Marketplace.Web.Accounts;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Orders.Pages;

/// <summary>
/// One order, for its buyer and for its store's staff: lines, totals, timeline, payment and shipment, and what each may
/// do next (pay, cancel; accept with shipping, reject, ship). The status follows live.
/// </summary>
public sealed class ShowModel(IOptions<PublicUrlOptions> urls) : MarketplacePage
{
    public OrderView Order { get; private set; } = null!;

    public bool IsBuyer => Order.BuyerId == CurrentUserId;

    public bool IsStaff => User.ActsFor(Order.SellerId);

    public async Task<IActionResult> OnGetAsync(string orderId)
    {
        if (await LoadAsync(orderId) is { } missing)
        {
            return missing;
        }

        ViewData["Title"] = string.Format(System.Globalization.CultureInfo.CurrentCulture, T["Order {0}"].Value, orderId[^8..]);
        ViewData["NoIndex"] = true;
        return Page();
    }

    /// <summary>Opens the payment provider's page; it sends the shopper back here, where the status turns paid.</summary>
    public Task<IActionResult> OnPostPayAsync(string orderId) => ActAsync(orderId, async order =>
    {
        var start = await order.Pay(urls.Value.Resolve(Request, Links.Order(orderId)), urls.Value.Resolve(Request, "/api/webhooks/payments"));
        return Redirect(start.RedirectUrl);
    });

    public Task<IActionResult> OnPostCancelAsync(string orderId, string? reason) => ActAsync(orderId, async order =>
    {
        await order.Cancel(FormValues.OrNull(reason));
        Flash = T["The order was cancelled."];
        return null;
    });

    public Task<IActionResult> OnPostAcceptAsync(string orderId, string? shipping) => ActAsync(orderId, async order =>
    {
        long? cost = null;
        if (!string.IsNullOrWhiteSpace(shipping))
        {
            cost = Money.Parse(shipping, Order.Currency);
            if (cost is null or > 100_000_000)
            {
                FlashError = T["The shipping cost is not an amount."];
                return null;
            }
        }

        await order.Accept(cost);
        Flash = T["Accepted. The buyer was asked to pay."];
        return null;
    });

    public Task<IActionResult> OnPostRejectAsync(string orderId, string? reason) => ActAsync(orderId, async order =>
    {
        await order.Reject(reason?.Trim() ?? "");
        Flash = T["The order was rejected and its stock released."];
        return null;
    });

    public Task<IActionResult> OnPostShipAsync(string orderId) => ActAsync(orderId, async order =>
    {
        await order.Ship(urls.Value.Resolve(Request, "/api/webhooks/shipping"));
        Flash = T["Shipment booked. The buyer can follow it here."];
        return null;
    });

    /// <summary>The buyer's return form: units per line (zero for lines kept) and a reason.</summary>
    public Task<IActionResult> OnPostRequestReturnAsync(string orderId, List<Returns.ReturnLineForm>? lines, string? reason) => ActAsync(orderId, async order =>
    {
        var asked = (lines ?? []).Where(l => l.Quantity > 0 && !string.IsNullOrEmpty(l.Sku))
            .Select(l => new ReturnLine(l.ProductId ?? "", l.Sku!, l.Quantity)).ToList();
        if (asked.Count == 0 || string.IsNullOrWhiteSpace(reason))
        {
            FlashError = T["Choose how many units to return and say why."];
            return null;
        }

        await order.RequestReturn(asked, reason.Trim());
        Flash = T["Return requested. The store will answer here."];
        return null;
    });

    public Task<IActionResult> OnPostApproveReturnAsync(string orderId, string returnId, bool refundShipping, bool writeOff) => ActAsync(orderId, async order =>
    {
        await order.ApproveReturn(returnId, refundShipping, writeOff, urls.Value.Resolve(Request, "/api/webhooks/shipping"));
        Flash = T["Return approved. The buyer has a return label."];
        return null;
    });

    public Task<IActionResult> OnPostRejectReturnAsync(string orderId, string returnId, string? reason) => ActAsync(orderId, async order =>
    {
        await order.RejectReturn(returnId, reason?.Trim() ?? "");
        Flash = T["Return rejected."];
        return null;
    });

    private async Task<IActionResult> ActAsync(string orderId, Func<IOrderGrain, Task<IActionResult?>> action)
    {
        if (await LoadAsync(orderId) is { } missing)
        {
            return missing;
        }

        IActionResult? result = null;
        await FlashRefusalAsync(async () => result = await action(Grains.GetGrain<IOrderGrain>(orderId)));
        return result ?? Redirect(Links.Order(orderId));
    }

    private async Task<IActionResult?> LoadAsync(string orderId)
    {
        if (!GrainKeys.IsOrderId(orderId))
        {
            return NotFound();
        }

        try
        {
            Order = await Grains.GetGrain<IOrderGrain>(orderId).Get();
            return null;
        }
        catch (DomainException e) when (e.Kind is DomainErrorKind.NotFound or DomainErrorKind.Forbidden)
        {
            // Someone else's order is as absent as one that does not exist.
            return NotFound();
        }
    }
}
