using Microsoft.AspNetCore.Identity;

namespace Marketplace.Web.Accounts;

/// <summary>A person's account. The user name is the normalized email.</summary>
public sealed class MarketplaceUser : IdentityUser
{
    public string DisplayName { get; set; } = "";

    /// <summary>The store this user acts for, when the user is a seller (owner or staff).</summary>
    public string? SellerId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The language emails are written in ("en" or "es"): the page's language at registration, changeable later.</summary>
    public string Culture { get; set; } = "en";
}

/// <summary>The role names, as they appear in tokens and in the API.</summary>
public static class RoleNames
{
    public const string Shopper = "shopper";
    public const string Seller = "seller";
    public const string Admin = "admin";
    public const string Guest = "guest";

    /// <summary>Not an account's role: a store's API key, which also has <see cref="Seller"/>.</summary>
    public const string StoreKey = "storeKey";

    public static readonly IReadOnlyList<string> Stored = [Shopper, Seller, Admin];
}
