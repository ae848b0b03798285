using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Marketplace.Contracts.Cart;
using Marketplace.Contracts.Orders;
using Marketplace.Web.Accounts;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Orders;

public sealed record AcceptRequest
{
    /// <summary>A shipping cost (minor units) the store adds to the quotation.</summary>
    [Range(0, 100_000_000)]
    public long? ShippingCost { get; init; }
}

public sealed record ReasonRequest
{
    [StringLength(500)]
    public string? Reason { get; init; }
}

public sealed record PaymentStartResponse(string PaymentId, string RedirectUrl);

/// <summary>An order's life as its buyer and its store drive it (placing orders is the cart's checkout).</summary>
public static class OrdersApi
{
    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder routes)
    {
        var orders = routes.MapGroup("/orders").WithTags("Orders");
        orders.MapGet("/", List).WithName("ListMyOrders").WithSummary("The caller's orders as a buyer, newest first");
        orders.MapGet("/{orderId}", Get).AllowStoreApiKeys().WithName("GetOrder").WithSummary("An order with its timeline, payment and shipment");
        orders.MapPost("/{orderId}/accept", Accept).AllowStoreApiKeys().WithName("AcceptOrder").WithSummary("The store accepts a quotation, optionally adding shipping");
        orders.MapPost("/{orderId}/reject", Reject).AllowStoreApiKeys().WithName("RejectOrder").WithSummary("The store rejects a quotation");
        orders.MapPost("/{orderId}/cancel", Cancel).AllowStoreApiKeys().WithName("CancelOrder")
            .WithSummary("The buyer cancels before paying; the store before shipping (a paid order is refunded)");
        orders.MapPost("/{orderId}/pay", Pay).WithName("PayOrder").WithSummary("Open (or reopen) the payment page for the buyer");
        orders.MapPost("/{orderId}/ship", Ship).AllowStoreApiKeys().WithName("ShipOrder").WithSummary("The store books the shipment of a paid order");
        var seller = routes.MapGroup("/seller").WithTags("Orders").RequireAuthorization(AuthorizationSetup.SellerPolicy);
        seller.MapGet("/orders", SellerOrders).AllowStoreApiKeys().WithName("ListStoreOrders").WithSummary("The store's orders, optionally of one status");
        seller.MapGet("/dashboard", Dashboard).WithName("StoreDashboard")
            .WithSummary("Orders per status, paid revenue per day, top products, open quotations, low-stock SKUs");
        return routes;
    }

    private static async Task<Ok<OrderPage>> List(ClaimsPrincipal user, OrderQueries queries, int? limit, string? cursor, CancellationToken ct) =>
        TypedResults.Ok(await queries.ListAsync(OrderScope.Buyer, user.UserId(), null, limit, cursor, ct));

    private static async Task<Results<Ok<OrderPage>, ProblemHttpResult>> SellerOrders(
        ClaimsPrincipal user, OrderQueries queries, string? status, int? limit, string? cursor, CancellationToken ct)
    {
        // The read model stores statuses as the API spells them (camelCase), so a filter compares exactly and uses its index.
        var names = OrderQueries.StatusNames;
        var stored = status is null ? null : names.FirstOrDefault(n => n.Equals(status, StringComparison.OrdinalIgnoreCase));
        if (status is not null && stored is null)
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, "status-unknown", "status is one of: " + string.Join(", ", names) + ".");
        }

        return TypedResults.Ok(await queries.ListAsync(OrderScope.Seller, user.SellerId()!, stored, limit, cursor, ct));
    }

    private static async Task<Ok<StoreDashboard>> Dashboard(ClaimsPrincipal user, OrderQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.DashboardAsync(user.SellerId()!, ct));

    private static Task<Results<Ok<OrderView>, ProblemHttpResult>> Get(string orderId, IGrainFactory grains) =>
        OnOrder(orderId, grains, order => order.Get());

    private static Task<Results<Ok<OrderView>, ProblemHttpResult>> Accept(string orderId, AcceptRequest? request, IGrainFactory grains) =>
        OnOrder(orderId, grains, order => order.Accept(request?.ShippingCost));

    private static Task<Results<Ok<OrderView>, ProblemHttpResult>> Reject(string orderId, ReasonRequest request, IGrainFactory grains) =>
        OnOrder(orderId, grains, order => order.Reject(request.Reason ?? ""));

    private static Task<Results<Ok<OrderView>, ProblemHttpResult>> Cancel(string orderId, ReasonRequest? request, IGrainFactory grains) =>
        OnOrder(orderId, grains, order => order.Cancel(request?.Reason));

    private static Task<Results<Ok<OrderView>, ProblemHttpResult>> Ship(string orderId, HttpRequest http, IGrainFactory grains, IOptions<PublicUrlOptions> urls) =>
        OnOrder(orderId, grains, order => order.Ship(urls.Value.Resolve(http, "/api/webhooks/shipping")));

    private static async Task<Results<Ok<PaymentStartResponse>, ProblemHttpResult>> Pay(
        string orderId, HttpRequest http, IGrainFactory grains, IOptions<PublicUrlOptions> urls)
    {
        if (!GrainKeys.IsOrderId(orderId))
        {
            return ApiProblems.NotFound("The order");
        }

        var start = await grains.GetGrain<IOrderGrain>(orderId).Pay(
            urls.Value.Resolve(http, $"/orders/{orderId}"), urls.Value.Resolve(http, "/api/webhooks/payments"));
        return TypedResults.Ok(new PaymentStartResponse(start.PaymentId, start.RedirectUrl));
    }

    /// <summary>An action on an order the route names (404 for what is not an order id), answered with the order.</summary>
    internal static async Task<Results<Ok<OrderView>, ProblemHttpResult>> OnOrder(string orderId, IGrainFactory grains, Func<IOrderGrain, Task<OrderView>> action)
    {
        if (!GrainKeys.IsOrderId(orderId))
        {
            return ApiProblems.NotFound("The order");
        }

        return TypedResults.Ok(await action(grains.GetGrain<IOrderGrain>(orderId)));
    }
}
