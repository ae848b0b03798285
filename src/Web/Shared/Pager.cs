namespace Marketplace.Web.Shared;

/// <summary>Previous/next links for a paged list, keeping every other query value of the page.</summary>
public sealed record Pager(string Path, IQueryCollection Query, int Page, int PageSize, int Total)
{
    public int Pages => Total == 0 ? 1 : (int)Math.Ceiling(Total / (double)PageSize);

    public string Url(int page) =>
        Links.WithQuery(Path, Query, "page", page > 1 ? page.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
}
