using System.Text.Json.Serialization;
using Marketplace.Contracts.Cart;
using Marketplace.Contracts.Orders;

namespace Marketplace.Grains.Cart;

/// <summary>Persisted state of a cart: the lines as the shopper added them.</summary>
public sealed class CartState
{
    public List<CartLineState> Lines { get; set; } = [];

    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>Guest carts already merged in, so a retried merge adds nothing twice.</summary>
    public List<string> MergedGuests { get; set; } = [];

    /// <summary>The latest checkouts by Idempotency-Key (most recent last), answered again on a replay.</summary>
    public List<CheckoutRecord> Checkouts { get; set; } = [];

    /// <summary>The coupon code entered for each store's part (one per store).</summary>
    public List<CartCouponState> Coupons { get; set; } = [];

    /// <summary>Operation ids of the latest additions (most recent last), so an addition asked again adds nothing.</summary>
    public List<string> RecentAdds { get; set; } = [];
}

/// <summary>
/// A checkout as the cart remembers it for a replay: the key, what the request was, the orders it placed (a replay
/// reads them again) and what a replay must say again that no order holds (stores refused, lines dropped).
/// </summary>
public sealed class CheckoutRecord
{
    public string Key { get; set; } = "";

    public string Fingerprint { get; set; } = "";

    public List<string> OrderIds { get; set; } = [];

    public List<CheckoutRefusal> Refused { get; set; } = [];

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<ShortLine>? Dropped { get; set; }

    /// <summary>The whole answer, as carts stored it before the record was made compact; only read from such rows.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CheckoutResult? Result { get; set; }

    public DateTimeOffset At { get; set; }
}

public sealed class CartLineState
{
    public string ProductId { get; set; } = "";

    public string Sku { get; set; } = "";

    public int Quantity { get; set; }

    /// <summary>The unit price when the line was added (or last added to): what the shopper agreed to see.</summary>
    public long PriceWhenAdded { get; set; }

    public string Currency { get; set; } = "";

    public int ProductVersion { get; set; }

    public DateTimeOffset AddedAt { get; set; }
}

public sealed class CartCouponState
{
    public string SellerId { get; set; } = "";

    public string Code { get; set; } = "";
}
