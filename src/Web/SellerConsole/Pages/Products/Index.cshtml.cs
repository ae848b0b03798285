using Marketplace.Web.Shared;

namespace Marketplace.Web.SellerConsole.Pages.Products;

/// <summary>Every product of the store, drafts and archived ones included, newest first.</summary>
public sealed class IndexModel : SellerPage
{
    public const int PageSize = 20;

    public override string Section => "products";

    public IReadOnlyList<ProductDetails> Products { get; private set; } = [];

    public Pager Pager { get; private set; } = null!;

    public async Task OnGetAsync(int? page)
    {
        ViewData["Title"] = T["Products"].Value;
        var number = Math.Clamp(page ?? 1, 1, 10_000);
        (Products, var total) = await ProductsAsync((number - 1) * PageSize, PageSize);
        Pager = new Pager("/seller/products", Request.Query, number, PageSize, total);
    }
}
