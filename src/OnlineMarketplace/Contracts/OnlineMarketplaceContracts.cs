using Marketplace.Contracts.Orders;
using Orleans.Concurrency;

namespace Marketplace.OnlineMarketplace.Contracts;

// The Online Marketplace benchmark's vocabulary (sellers, customers, products and carts keyed by integers), as its
// compatibility module hands it to the grains that map it onto the marketplace's own stores, products, carts and
// orders. Money arrives as decimals of the benchmark's currency and is turned into minor units here.

/// <summary>A benchmark seller: becomes a store that takes orders without confirming them.</summary>
[GenerateSerializer, Immutable, Alias("om.Seller")]
public sealed record OmSeller(
    [property: Id(0)] int Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string? CompanyName,
    [property: Id(3)] string? Email,
    [property: Id(4)] string? Phone,
    [property: Id(5)] string? Address,
    [property: Id(6)] string? City,
    [property: Id(7)] string? State,
    [property: Id(8)] string? ZipCode,
    [property: Id(9)] string? TaxId);

/// <summary>A benchmark customer: a shopper. Of the card, only its brand and last four digits travel this far.</summary>
[GenerateSerializer, Immutable, Alias("om.Customer")]
public sealed record OmCustomer(
    [property: Id(0)] int Id,
    [property: Id(1)] string FirstName,
    [property: Id(2)] string LastName,
    [property: Id(3)] string? Address,
    [property: Id(4)] string? Complement,
    [property: Id(5)] string? City,
    [property: Id(6)] string? State,
    [property: Id(7)] string? ZipCode,
    [property: Id(8)] string? CardBrand,
    [property: Id(9)] string? CardLast4);

/// <summary>
/// A benchmark product (one variant). <see cref="Version"/> is the benchmark's own revision string: "0" when ingested,
/// then the id of the transaction that last replaced the product.
/// </summary>
[GenerateSerializer, Immutable, Alias("om.Product")]
public sealed record OmProduct(
    [property: Id(0)] int SellerId,
    [property: Id(1)] int ProductId,
    [property: Id(2)] string Name,
    [property: Id(3)] string? Sku,
    [property: Id(4)] string? Category,
    [property: Id(5)] string? Description,
    [property: Id(6)] long Price,
    [property: Id(7)] long Freight,
    [property: Id(8)] string Version,
    [property: Id(9)] bool Active);

/// <summary>An item as the benchmark puts it in a cart. Money in minor units.</summary>
[GenerateSerializer, Immutable, Alias("om.CartItem")]
public sealed record OmCartItem(
    [property: Id(0)] int SellerId,
    [property: Id(1)] int ProductId,
    [property: Id(2)] string ProductName,
    [property: Id(3)] long UnitPrice,
    [property: Id(4)] long Freight,
    [property: Id(5)] int Quantity,
    [property: Id(6)] long Voucher,
    [property: Id(7)] string Version);

/// <summary>
/// A benchmark checkout. <see cref="InstanceId"/> is the benchmark's transaction id: a repeated checkout with the same
/// one answers what the first did and changes nothing more.
/// </summary>
[GenerateSerializer, Immutable, Alias("om.Checkout")]
public sealed record OmCheckout(
    [property: Id(0)] string InstanceId,
    [property: Id(1)] PostalAddress ShippingAddress,
    [property: Id(2)] string PaymentType,
    [property: Id(3)] CardDetails Card,
    [property: Id(4)] int Installments);

/// <summary>What a checkout bought (one order per store) and which items it dropped (stale version or no stock).</summary>
[GenerateSerializer, Immutable, Alias("om.CheckoutOutcome")]
public sealed record OmCheckoutOutcome(
    [property: Id(0)] string InstanceId,
    [property: Id(1)] IReadOnlyList<string> OrderIds,
    [property: Id(2)] IReadOnlyList<OmCartItem> Bought,
    [property: Id(3)] IReadOnlyList<OmCartItem> Dropped);

/// <summary>What a reset or clean-up touched.</summary>
[GenerateSerializer, Immutable, Alias("om.Housekeeping")]
public sealed record OmHousekeeping(
    [property: Id(0)] int Products,
    [property: Id(1)] int Customers,
    [property: Id(2)] int OpenOrders);

/// <summary>
/// Catalog ingestion and seller transactions of the benchmark, over the store, product and inventory grains. A
/// stateless worker: the grains it calls own every piece of state.
/// </summary>
[Alias("om.ICatalogGrain")]
public interface IOmCatalogGrain : IGrainWithIntegerKey
{
    /// <summary>Creates the store, or updates its profile. Idempotent.</summary>
    [Alias("UpsertSeller")]
    Task UpsertSeller(OmSeller seller);

    /// <summary>Creates the product (and its store, when the seller has not arrived yet), or replaces it. Idempotent.</summary>
    [Alias("UpsertProduct")]
    Task UpsertProduct(OmProduct product);

    /// <summary>Sets the product's units on hand; works before the product itself has arrived.</summary>
    [Alias("SetStock")]
    Task SetStock(int sellerId, int productId, int onHand);

    /// <summary>A new price; the benchmark's version is left as it is.</summary>
    [Alias("UpdatePrice")]
    Task UpdatePrice(int sellerId, int productId, long price);

    /// <summary>Replaces the product with a new version: carts holding the old version lose it at checkout.</summary>
    [Alias("ReplaceProduct")]
    Task ReplaceProduct(OmProduct product);
}

/// <summary>A benchmark customer's cart and checkouts, over the marketplace's cart and order grains. Keyed by customer id.</summary>
[Alias("om.ICustomerGrain")]
public interface IOmCustomerGrain : IGrainWithIntegerKey
{
    [Alias("Register")]
    Task Register(OmCustomer customer);

    /// <summary>Adds an item to the customer's cart, remembering the version it was added at.</summary>
    [Alias("AddItem")]
    Task AddItem(OmCartItem item);

    /// <summary>
    /// Buys what can be had: items whose version is no longer the product's, or whose stock is short, are dropped;
    /// each store's order is paid by card and shipped, the cart emptied, and all of it stored before the answer.
    /// </summary>
    [Alias("Checkout")]
    Task<OmCheckoutOutcome> Checkout(OmCheckout checkout, string paymentWebhookUrl, string shippingWebhookUrl);

    /// <summary>Empties the cart without buying.</summary>
    [Alias("Seal")]
    Task Seal();

    /// <summary>The items a checkout bought, or null when the customer made no checkout with that id.</summary>
    [Alias("GetHistory")]
    Task<IReadOnlyList<OmCartItem>?> GetHistory(string instanceId);

    /// <summary>Back to just registered: cart empty, checkout history forgotten.</summary>
    [Alias("Reset")]
    Task Reset();
}

/// <summary>The benchmark's run-wide steps: delivery, reset and clean-up. Key 0.</summary>
[Alias("om.IRunGrain")]
public interface IOmRunGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// In every shipment partition, takes the oldest open shipments and delivers, per store among them, that store's
    /// oldest one. Answers how many orders were delivered (0 when nothing is open). Steps run side by side.
    /// </summary>
    [Alias("Deliver"), AlwaysInterleave]
    Task<int> Deliver(string instanceId);

    /// <summary>Products and stock back to what was ingested, carts emptied, open orders out of the benchmark's view.</summary>
    [Alias("Reset")]
    Task<OmHousekeeping> Reset();

    /// <summary>A reset, then the products archived and the benchmark's id mapping forgotten.</summary>
    [Alias("Cleanup")]
    Task<OmHousekeeping> Cleanup();
}
