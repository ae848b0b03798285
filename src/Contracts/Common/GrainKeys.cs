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

    private const int RandomPartLength = 26;

    public static string NewSellerId() => SellerPrefix + RandomPart();

    public static string NewProductId() => ProductPrefix + RandomPart();

    public static string NewUserId() => UserPrefix + RandomPart();

    /// <summary>An id derived from a client's Idempotency-Key, so a retried create lands on the same grain.</summary>
    public static string DerivedId(string prefix, string scope, string idempotencyKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(scope + "\n" + idempotencyKey));
        return prefix + Convert.ToHexStringLower(hash)[..RandomPartLength];
    }

    public static bool IsSellerId(string? value) => HasShape(value, SellerPrefix);

    public static bool IsProductId(string? value) => HasShape(value, ProductPrefix);

    public static bool IsOrderId(string? value) => HasShape(value, OrderPrefix);

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

    private static string RandomPart() => Convert.ToHexStringLower(Guid.CreateVersion7().ToByteArray())[..RandomPartLength];

    private static bool HasShape(string? value, string prefix)
    {
        if (value is null || value.Length != prefix.Length + RandomPartLength || !value.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in value.AsSpan(prefix.Length))
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
