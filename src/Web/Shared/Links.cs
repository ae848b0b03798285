using System.Text;
using Marketplace.Web.Media;

namespace Marketplace.Web.Shared;

/// <summary>The pages' URLs: plain, readable, and the same wherever a page links to another.</summary>
public static class Links
{
    /// <summary>"/products/{id}/{slug}": the id decides, the slug only reads well (any slug, or none, finds the product).</summary>
    public static string Product(string productId, string title) => $"/products/{productId}/{Slug(title)}";

    public static string Store(string sellerId) => $"/stores/{sellerId}";

    public static string Order(string orderId) => $"/orders/{orderId}";

    public static string Image(string key) => MediaApi.UrlOf(key);

    /// <summary>Lower-case ASCII words joined by dashes ("Café de Colombia" → "cafe-de-colombia"), at most 80 characters.</summary>
    public static string Slug(string text)
    {
        var slug = new StringBuilder(Math.Min(text.Length, 80));
        foreach (var c in TextFolding.Fold(text))
        {
            if (slug.Length >= 80)
            {
                break;
            }

            if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        return slug.ToString().Trim('-');
    }

    /// <summary>
    /// This list page with one query value set (or removed when null), the others kept, back on its first page unless
    /// the value set is the page itself.
    /// </summary>
    public static string WithQuery(string path, IQueryCollection query, string key, string? value)
    {
        var values = query.Where(q => q.Key != key && q.Key != "page").ToDictionary(q => q.Key, q => q.Value);
        if (value is not null)
        {
            values[key] = value;
        }

        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(path, values);
    }

    /// <summary>A return URL that stays on this site; anything else goes home.</summary>
    public static string Local(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";
}
