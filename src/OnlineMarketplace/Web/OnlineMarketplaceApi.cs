using System.Text.Json;
using Marketplace.Contracts.Common;
using Marketplace.Contracts.Orders;
using Marketplace.OnlineMarketplace.Contracts;
using Marketplace.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Marketplace.OnlineMarketplace.Web;

/// <summary>
/// The HTTP contract of the Online Marketplace benchmark (SIGMOD 2025) under <c>/om</c>, so its driver runs unchanged
/// against this system: ingestion, customer sessions, seller transactions, delivery, reset and clean-up. Only shapes
/// are checked here; the module's grains map the benchmark onto the marketplace's own stores, products, carts and
/// orders. Unauthenticated by design (the driver sends no credentials): a web host maps it only when
/// <c>OnlineMarketplace:Enabled</c>, which a Production host refuses, and otherwise answers 404.
/// </summary>
public static class OnlineMarketplaceApi
{
    private static readonly JsonSerializerOptions PascalCase = new() { PropertyNamingPolicy = null };

    public static IEndpointRouteBuilder MapOnlineMarketplaceApi(this IEndpointRouteBuilder routes)
    {
        var om = routes.MapGroup(BenchmarkModule.RoutePrefix).WithTags("Online Marketplace benchmark").AllowAnonymous().DisableRateLimiting()
            .AddEndpointFilter(async (context, next) =>
            {
                // Anonymous by design: every grain call of this module carries the module's own identity.
                CallerContext.Set(OmKeys.Module);
                return await next(context);
            });

        om.MapPost("/seller", IngestSeller).WithName("OmIngestSeller").WithSummary("Ingest a seller: a store that needs no confirmation");
        om.MapPost("/customer", IngestCustomer).WithName("OmIngestCustomer").WithSummary("Ingest a customer: a shopper");
        om.MapPost("/product", IngestProduct).WithName("OmIngestProduct").WithSummary("Ingest a product (one variant)");
        om.MapPost("/stock", IngestStock).WithName("OmIngestStock").WithSummary("Ingest a stock item (its product may come later)");
        om.MapMethods("/cart/{customerId:int}/add", ["PATCH", "PUT"], AddToCart).WithName("OmCartAdd");
        om.MapPost("/cart/{customerId:int}/checkout", Checkout).WithName("OmCheckout")
            .WithSummary("Buy what can be had, pay by card and ship; idempotent per instanceId");
        om.MapMethods("/cart/{customerId:int}/seal", ["PATCH", "POST"], Seal).WithName("OmCartSeal");
        om.MapGet("/cart/{customerId:int}/history/{tid}", History).WithName("OmCartHistory");
        om.MapPatch("/product", UpdatePrice).WithName("OmPriceUpdate");
        om.MapPut("/product", ReplaceProduct).WithName("OmProductUpdate");
        om.MapGet("/seller/dashboard/{sellerId:int}", Dashboard).WithName("OmSellerDashboard");
        om.MapPatch("/shipment/{tid}", Deliver).WithName("OmDelivery");
        om.MapPatch("/reset", Reset).WithName("OmReset");
        om.MapPatch("/cleanup", Cleanup).WithName("OmCleanup");
        return routes;
    }

    private static IOmCatalogGrain Catalog(IGrainFactory grains) => grains.GetGrain<IOmCatalogGrain>(0);

    private static Task<IResult> IngestSeller(HttpRequest request, IGrainFactory grains, CancellationToken ct) =>
        WithBodyAsync(request, ct, async body =>
        {
            var seller = new OmSeller(
                body.Int("id"), body.Text("name", maxLength: 500) ?? "", body.Text("company_name", maxLength: 500), body.Text("email", maxLength: 500),
                body.Text("phone", maxLength: 100) ?? body.Text("mobile_phone", maxLength: 100), body.Text("address", maxLength: 500),
                body.Text("city", maxLength: 500), body.Text("state", maxLength: 500), body.Text("zip_code", maxLength: 100),
                body.Text("cnpj", maxLength: 100) ?? body.Text("cpf", maxLength: 100));
            return body.IsValid ? await Then(Catalog(grains).UpsertSeller(seller), StatusCodes.Status201Created) : body.ValidationProblem();
        });

    private static Task<IResult> IngestCustomer(HttpRequest request, IGrainFactory grains, CancellationToken ct) =>
        WithBodyAsync(request, ct, async body =>
        {
            // The card stays out: its brand and last four digits are all a customer record keeps.
            var card = Digits(body.Text("card_number", maxLength: 100));
            var customer = new OmCustomer(
                body.Int("id"), body.Text("first_name", maxLength: 500) ?? "", body.Text("last_name", maxLength: 500) ?? "",
                body.Text("address", maxLength: 500), body.Text("complement", maxLength: 500), body.Text("city", maxLength: 500),
                body.Text("state", maxLength: 500), body.Text("zip_code", maxLength: 100), body.Text("card_type", maxLength: 100),
                card.Length >= 4 ? card[^4..] : null);
            return body.IsValid
                ? await Then(grains.GetGrain<IOmCustomerGrain>(customer.Id).Register(customer), StatusCodes.Status201Created)
                : body.ValidationProblem();
        });

    private static Task<IResult> IngestProduct(HttpRequest request, IGrainFactory grains, CancellationToken ct) =>
        WithBodyAsync(request, ct, async body =>
        {
            var product = ProductOf(body);
            return body.IsValid ? await Then(Catalog(grains).UpsertProduct(product), StatusCodes.Status200OK) : body.ValidationProblem();
        });

    private static Task<IResult> IngestStock(HttpRequest request, IGrainFactory grains, CancellationToken ct) =>
        WithBodyAsync(request, ct, async body =>
        {
            var (sellerId, productId) = (body.Int("seller_id"), body.Int("product_id"));
            // On hand counts reserved units too; a benchmark stock row lists them apart.
            var onHand = (long)body.Int("qty_available") + body.Int("qty_reserved", max: 1_000_000);
            if (onHand > 1_000_000)
            {
                body.Errors["qty_available"] = ["At most 1,000,000 units with those reserved."];
            }

            return body.IsValid
                ? await Then(Catalog(grains).SetStock(sellerId, productId, (int)onHand), StatusCodes.Status200OK)
                : body.ValidationProblem();
        });

    private static Task<IResult> AddToCart(int customerId, HttpRequest request, IGrainFactory grains, CancellationToken ct) =>
        WithBodyAsync(request, ct, async body =>
        {
            var item = new OmCartItem(
                body.Int("seller_id"), body.Int("product_id"), body.Text("product_name", maxLength: 500) ?? "",
                body.Money("unit_price", required: false), body.Money("freight_value", required: false),
                body.Int("quantity", min: 1, max: 999), body.Money("voucher", required: false), body.Text("version", required: true, maxLength: 100) ?? "");
            return body.IsValid
                ? await Then(grains.GetGrain<IOmCustomerGrain>(customerId).AddItem(item), StatusCodes.Status200OK)
                : body.ValidationProblem();
        });

    private static Task<IResult> Checkout(
        int customerId, HttpRequest request, IGrainFactory grains, IOptions<OmWebhookUrls> urls, CancellationToken ct) =>
        WithBodyAsync(request, ct, async body =>
        {
            var instanceId = body.Text("instance_id", required: true, maxLength: 100) ?? "";
            var name = $"{body.Text("first_name", maxLength: 200)} {body.Text("last_name", maxLength: 200)}".Trim();
            var street = string.Join(", ", new[] { body.Text("street", maxLength: 200), body.Text("complement", maxLength: 200) }
                .Where(p => !string.IsNullOrWhiteSpace(p)));
            var address = new PostalAddress(name.Length > 0 ? name : $"Customer {customerId}", street, body.Text("city", required: true, maxLength: 200) ?? "",
                body.Text("state", maxLength: 200), "BR", body.Text("zip_code", maxLength: 200), null);
            if (street.Length is 0 or > 200)
            {
                body.Errors["street"] = ["Required, at most 200 characters with the complement."];
            }

            var digits = Digits(body.Text("card_number", required: true, maxLength: 40));
            if (!body.Errors.ContainsKey("card_number") && digits.Length is < 8 or > 24)
            {
                body.Errors["card_number"] = ["Between 8 and 24 digits."];
            }

            var card = new CardDetails(digits, body.Text("card_brand", maxLength: 40),
                body.Text("card_holder_name", maxLength: 200), body.Text("card_expiration", maxLength: 20));
            var checkout = new OmCheckout(instanceId, address, body.Text("payment_type", maxLength: 40) ?? "CREDIT_CARD", card,
                body.Int("installments", max: 100));
            if (!body.IsValid)
            {
                return body.ValidationProblem();
            }

            OmCheckoutOutcome outcome;
            try
            {
                outcome = await grains.GetGrain<IOmCustomerGrain>(customerId).Checkout(checkout,
                    urls.Value.Resolve(request, "/api/webhooks/payments"), urls.Value.Resolve(request, "/api/webhooks/shipping"));
            }
            catch (DomainException e) when (e.Code == "card-declined")
            {
                // An answer, not a failure to retry: the orders are cancelled and the cart is as it was.
                return ProblemResults.Problem(StatusCodes.Status402PaymentRequired, e.Code, e.Message);
            }

            return TypedResults.Ok(new CheckoutAnswer(outcome.InstanceId, outcome.OrderIds, outcome.Bought.Select(CartItemJson.Of).ToList(),
                outcome.Dropped.Select(CartItemJson.Of).ToList()));
        });

    private static async Task<IResult> Seal(int customerId, IGrainFactory grains)
    {
        await grains.GetGrain<IOmCustomerGrain>(customerId).Seal();
        return TypedResults.Ok();
    }

    private static async Task<IResult> History(int customerId, string tid, IGrainFactory grains)
    {
        // An unknown transaction has an empty history, as in the reference implementation.
        var items = await grains.GetGrain<IOmCustomerGrain>(customerId).GetHistory(tid) ?? [];
        return TypedResults.Json(items.Select(CartItemJson.Of).ToList(), PascalCase);
    }

    private static Task<IResult> UpdatePrice(HttpRequest request, IGrainFactory grains, CancellationToken ct) =>
        WithBodyAsync(request, ct, async body =>
        {
            var (sellerId, productId, price) = (body.Int("seller_id"), body.Int("product_id"), body.Money("price", required: true));
            return body.IsValid
                ? await Then(Catalog(grains).UpdatePrice(sellerId, productId, price), StatusCodes.Status202Accepted)
                : body.ValidationProblem();
        });

    private static Task<IResult> ReplaceProduct(HttpRequest request, IGrainFactory grains, CancellationToken ct) =>
        WithBodyAsync(request, ct, async body =>
        {
            var product = ProductOf(body);
            return body.IsValid ? await Then(Catalog(grains).ReplaceProduct(product), StatusCodes.Status202Accepted) : body.ValidationProblem();
        });

    private static async Task<IResult> Dashboard(int sellerId, OmDashboard dashboard, CancellationToken ct) =>
        TypedResults.Ok(await dashboard.ReadAsync(sellerId, ct));

    private static async Task<IResult> Deliver(string tid, IGrainFactory grains)
    {
        var delivered = await grains.GetGrain<IOmRunGrain>(0).Deliver(tid);
        return TypedResults.Accepted((string?)null, new { delivered });
    }

    private static async Task<IResult> Reset(IGrainFactory grains) => TypedResults.Ok(await grains.GetGrain<IOmRunGrain>(0).Reset());

    private static async Task<IResult> Cleanup(IGrainFactory grains) => TypedResults.Ok(await grains.GetGrain<IOmRunGrain>(0).Cleanup());

    private static OmProduct ProductOf(OmBody body) => new(
        body.Int("seller_id"), body.Int("product_id"), body.Text("name", maxLength: 500) ?? "", body.Text("sku", maxLength: 200),
        body.Text("category", maxLength: 500), body.Text("description"), body.Money("price", required: true),
        body.Money("freight_value", required: false), body.Text("version", maxLength: 100) ?? "0", body.Active("status"));

    /// <summary>A card number without its spaces and dashes.</summary>
    private static string Digits(string? text) => new((text ?? "").Where(char.IsAsciiDigit).ToArray());

    private static async Task<IResult> WithBodyAsync(HttpRequest request, CancellationToken ct, Func<OmBody, Task<IResult>> handle)
    {
        var (body, problem) = await OmBody.ReadAsync(request, ct);
        return problem ?? await handle(body!);
    }

    private static async Task<IResult> Then(Task step, int status)
    {
        await step;
        return TypedResults.StatusCode(status);
    }

    private sealed record CheckoutAnswer(string InstanceId, IReadOnlyList<string> OrderIds, IReadOnlyList<CartItemJson> Items, IReadOnlyList<CartItemJson> Dropped);

    /// <summary>A cart item as the benchmark's driver reads it back (PascalCase, decimal money).</summary>
    private sealed record CartItemJson(
        int SellerId, int ProductId, string ProductName, decimal UnitPrice, decimal FreightValue, int Quantity, decimal Voucher, string Version)
    {
        public static CartItemJson Of(OmCartItem i) => new(i.SellerId, i.ProductId, i.ProductName, OmKeys.Decimal(i.UnitPrice),
            OmKeys.Decimal(i.Freight), i.Quantity, OmKeys.Decimal(i.Voucher), i.Version);
    }
}
