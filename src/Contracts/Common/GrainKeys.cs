using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Contracts.Common;

/// <summary>
/// Formats of the ids that key grains. Every id carries a type prefix, so no key can be read as a number: the
/// ADO.NET storage treats keys that parse as integers differently, and "00ff" and "ff" would share a row.
/// </summary>
public static class GrainKeys
{
    public const string SellerPrefix = "sel_";
    public const string ProductPrefix = "prd_";
    public const string UserPrefix = "usr_";
    public const string OrderPrefix = "ord_";
    public const string QuestionPrefix = "qst_";
    public const string ReviewPrefix = "rev_";
    public const string CouponPrefix = "cpn_";

    private const int RandomPartLength = 26;

    public static string NewSellerId() => SellerPrefix + RandomPart();

    public static string NewProductId() => ProductPrefix + RandomPart();

    public static string NewUserId() => UserPrefix + RandomPart();

    public static string NewCouponId() => CouponPrefix + RandomPart();

    /// <summary>An id derived from a client's Idempotency-Key, so a retried create lands on the same grain.</summary>
    public static string DerivedId(string prefix, string scope, string idempotencyKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(scope + "\n" + idempotencyKey));
        return prefix + Convert.ToHexStringLower(hash)[..RandomPartLength];
    }

    public static bool IsSellerId(string? value) => HasShape(value, SellerPrefix);

    public static bool IsProductId(string? value) => HasShape(value, ProductPrefix);

    public static bool IsOrderId(string? value) => HasShape(value, OrderPrefix);

    public static bool IsUserId(string? value) => HasShape(value, UserPrefix);

    public static bool IsCouponId(string? value) => HasShape(value, CouponPrefix);

    /// <summary>A question's id: it names its product (so a request finds the grain) and a random part.</summary>
    public static string NewQuestionId(string productId) =>
        ChildId(QuestionPrefix, productId, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));

    /// <summary>A review's id: its product and the order line it reviews, so one line can only ever have one review.</summary>
    public static string ReviewId(string productId, string orderId, string sku)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(orderId + "\n" + sku));
        return ChildId(ReviewPrefix, productId, Convert.ToHexStringLower(hash)[..8]);
    }

    public static bool TryParseQuestionId(string? id, out string productId) => TryParseChildId(QuestionPrefix, id, out productId);

    public static bool TryParseReviewId(string? id, out string productId) => TryParseChildId(ReviewPrefix, id, out productId);

    /// <summary>The inventory grain key of one SKU: the product id and the seller's SKU code.</summary>
    public static string Sku(string productId, string sku) => productId + "/" + sku;

    /// <summary>
    /// A code handed to a person (claim code, staff invitation) that names its store: "sellerId.secret". The store
    /// keeps only a hash of the secret.
    /// </summary>
    public static string StoreCode(string sellerId, string secret) => sellerId + "." + secret;

    public static bool TryParseStoreCode(string? code, out string sellerId, out string secret)
    {
        sellerId = "";
        secret = "";
        var dot = code?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (dot < 0 || !IsSellerId(code![..dot]) || dot == code.Length - 1)
        {
            return false;
        }

        sellerId = code[..dot];
        secret = code[(dot + 1)..];
        return true;
    }

    private static string ChildId(string prefix, string productId, string suffix) =>
        prefix + productId[ProductPrefix.Length..] + "_" + suffix;

    private static bool TryParseChildId(string prefix, string? id, out string productId)
    {
        productId = "";
        const int suffixLength = 8;
        if (id is null || id.Length != prefix.Length + RandomPartLength + 1 + suffixLength || !id.StartsWith(prefix, StringComparison.Ordinal)
            || id[prefix.Length + RandomPartLength] != '_' || !id.AsSpan(id.Length - suffixLength).ContainsOnlyLowerHex())
        {
            return false;
        }

        var candidate = ProductPrefix + id.Substring(prefix.Length, RandomPartLength);
        if (!IsProductId(candidate))
        {
            return false;
        }

        productId = candidate;
        return true;
    }

    private static bool ContainsOnlyLowerHex(this ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string RandomPart() => Convert.ToHexStringLower(Guid.CreateVersion7().ToByteArray())[..RandomPartLength];

    private static bool HasShape(string? value, string prefix)
    {
        return value is not null && value.Length == prefix.Length + RandomPartLength && value.StartsWith(prefix, StringComparison.Ordinal)
            && value.AsSpan(prefix.Length).ContainsOnlyLowerHex();
    }
}
