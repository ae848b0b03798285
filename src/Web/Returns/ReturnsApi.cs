using System.ComponentModel.DataAnnotations;
using Marketplace.Contracts.Orders;
using Marketplace.Web.Infrastructure;
using Marketplace.Web.Orders;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Returns;

/// <summary>Units of one line to send back: its SKU (and product, when two lines share a SKU) and how many.</summary>
public sealed record ReturnLineRequest
{
    public string? ProductId { get; init; }

    [Required, StringLength(64)]
    public string? Sku { get; init; }

    [Required, Range(1, 999)]
    public int? Quantity { get; init; }
}

public sealed record ReturnRequest
{
    [Required, MinLength(1), MaxLength(100)]
    public List<ReturnLineRequest>? Lines { get; init; }

    [Required, StringLength(500, MinimumLength = 1)]
    public string? Reason { get; init; }

    public IReadOnlyList<ReturnLine> ToLines() => Lines!.Select(l => new ReturnLine(l.ProductId ?? "", l.Sku!, l.Quantity!.Value)).ToList();
}

/// <summary>The store's yes: whether shipping is refunded too, and whether the units are written off when they arrive.</summary>
public sealed record ApproveReturnRequest
{
    public bool? RefundShipping { get; init; }

    public bool? WriteOff { get; init; }
}

public sealed record RejectReturnRequest
{
    [Required, StringLength(500, MinimumLength = 1)]
    public string? Reason { get; init; }
}

/// <summary>
/// Returns of delivered lines: the buyer asks, the store approves (a carrier return label) or rejects, the carrier's
/// arrival at the store refunds and takes the units back (the order grain decides all of it).
/// </summary>
public static class ReturnsApi
{
    public static IEndpointRouteBuilder MapReturnsApi(this IEndpointRouteBuilder routes)
    {
        var returns = routes.MapGroup("/orders/{orderId}/returns").WithTags("Returns");
        returns.MapPost("/", Request).WithName("RequestReturn")
            .WithSummary("The buyer asks to return units of a delivered order's lines, within the store's return window, with a reason");
        returns.MapPost("/{returnId}/approve", Approve).WithName("ApproveReturn")
            .WithSummary("The store approves a return: a carrier return label is booked; refundShipping and writeOff are optional");
        returns.MapPost("/{returnId}/reject", Reject).WithName("RejectReturn").WithSummary("The store rejects a return, with a reason");
        return routes;
    }

    private static async Task<Results<Created<OrderReturnView>, ProblemHttpResult>> Request(
        string orderId, ReturnRequest request, HttpRequest http, IGrainFactory grains)
    {
        if (!GrainKeys.IsOrderId(orderId))
        {
            return ApiProblems.NotFound("The order");
        }

        if (!Idempotency.TryGetKey(http, out var key, out var error))
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, "idempotency-key-invalid", error!);
        }

        var (order, returnId) = await grains.GetGrain<IOrderGrain>(orderId).RequestReturn(request.ToLines(), request.Reason!, key);
        var made = order.Returns!.Single(r => r.ReturnId == returnId);
        return TypedResults.Created($"/api/orders/{orderId}#return-{made.ReturnId}", made);
    }

    private static Task<Results<Ok<OrderView>, ProblemHttpResult>> Approve(
        string orderId, string returnId, ApproveReturnRequest? request, HttpRequest http, IGrainFactory grains, IOptions<PublicUrlOptions> urls) =>
        OrdersApi.OnOrder(orderId, grains, order => order.ApproveReturn(
            returnId, request?.RefundShipping ?? false, request?.WriteOff ?? false, urls.Value.Resolve(http, "/api/webhooks/shipping")));

    private static Task<Results<Ok<OrderView>, ProblemHttpResult>> Reject(string orderId, string returnId, RejectReturnRequest request, IGrainFactory grains) =>
        OrdersApi.OnOrder(orderId, grains, order => order.RejectReturn(returnId, request.Reason!));
}
