using System.ComponentModel.DataAnnotations;
using Marketplace.Web.Accounts;
using Marketplace.Web.Catalog;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.SellerConsole.Pages.Products;

/// <summary>
/// Creating and editing a product: details, price, variants with their stock, pictures, publishing and archiving. An
/// edit names the version it started from, so it never overwrites a change made meanwhile (in another tab, say).
/// </summary>
[RequestSizeLimit(ProductEditing.MaxImageBytes + 256 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = ProductEditing.MaxImageBytes + 256 * 1024)]
public sealed class EditModel(ProductEditing editing) : SellerPage
{
    /// <summary>Blank variant rows a form offers beyond the product's own (no script needed to add one).</summary>
    public const int SpareVariantRows = 3;

    public override string Section => "products";

    public ProductDetails? Product { get; private set; }

    public string Currency { get; private set; } = "CLP";

    [BindProperty]
    public ProductForm Form { get; set; } = new();

    [BindProperty]
    public IFormFile? Image { get; set; }

    public async Task<IActionResult> OnGetAsync(string? productId)
    {
        if (await LoadAsync(productId) is { } missing)
        {
            return missing;
        }

        Form = Product is null ? ProductForm.Blank() : ProductForm.From(Product);
        Form.PadVariants(SpareVariantRows);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? productId, CancellationToken ct)
    {
        if (await LoadAsync(productId) is { } missing)
        {
            return missing;
        }

        var draft = Form.ToDraft(Currency, ModelState, text => T[text]);
        if (!ModelState.IsValid || draft is null)
        {
            Form.PadVariants(SpareVariantRows);
            return Page();
        }

        try
        {
            ProductDetails saved;
            if (Product is null)
            {
                // Keyed by the form: submitting the same form twice creates one product.
                saved = await editing.CreateAsync(SellerId, draft, "web-" + Form.FormKey);
            }
            else
            {
                var stock = Form.Variants
                    .Where(v => v.Existing && v.Stock is not null && Product.Variants.Any(p => p.Sku == v.Sku && p.OnHand != v.Stock))
                    .Select(v => new StockSetting(v.Sku!.Trim(), v.Stock!.Value))
                    .ToList();
                saved = await editing.UpdateAsync(Product.ProductId, draft, Form.Version, stock);
            }

            if (Image is { Length: > 0 } && await AddImageAsync(saved.ProductId, Image, ct) is { } refused)
            {
                FlashError = refused;
            }

            Flash = T["Saved."];
            return Redirect($"/seller/products/{saved.ProductId}/edit");
        }
        catch (DomainException e) when (e.Kind is DomainErrorKind.Validation or DomainErrorKind.Conflict or DomainErrorKind.PreconditionFailed)
        {
            if (e.Kind == DomainErrorKind.PreconditionFailed)
            {
                ModelState.AddModelError("", T["Someone changed this product after you opened it. Reload the page to see their change, then edit again."]);
            }
            else
            {
                AddErrors(e, nameof(Form));
            }

            Form.PadVariants(SpareVariantRows);
            return Page();
        }
    }

    public async Task<IActionResult> OnPostArchiveAsync(string productId)
    {
        if (await LoadAsync(productId) is { } missing || Product is null)
        {
            return NotFound();
        }

        await Grains.GetGrain<IProductGrain>(productId).Archive(null);
        Flash = T["Archived: the product is no longer on sale. Publish it again from this page."];
        return Redirect($"/seller/products/{productId}/edit");
    }

    public async Task<IActionResult> OnPostRemoveImageAsync(string productId, string key)
    {
        if (await LoadAsync(productId) is { } missing || Product is null)
        {
            return NotFound();
        }

        await Grains.GetGrain<IProductGrain>(productId).RemoveImage(key);
        Flash = T["Picture removed."];
        return Redirect($"/seller/products/{productId}/edit");
    }

    private async Task<string?> AddImageAsync(string productId, IFormFile file, CancellationToken ct)
    {
        if (file.Length > ProductEditing.MaxImageBytes)
        {
            return T["The picture is larger than 5 MB."];
        }

        await using var stream = file.OpenReadStream();
        return (await editing.AddImageAsync(productId, stream, ct)).Refusal switch
        {
            ImageRefusal.TooLarge => T["The picture is larger than 5 MB."].Value,
            ImageRefusal.Unreadable => T["The picture is not a JPEG, PNG or WebP image we can read."].Value,
            _ => null,
        };
    }

    /// <summary>The product being edited (none for a new one); another store's product is as absent as a missing one.</summary>
    private async Task<IActionResult?> LoadAsync(string? productId)
    {
        var store = await Store.GetProfile();
        Currency = store?.Currency ?? "CLP";
        ViewData["Title"] = productId is null ? T["New product"].Value : T["Edit product"].Value;
        if (productId is null)
        {
            return null;
        }

        if (!GrainKeys.IsProductId(productId)
            || await Grains.GetGrain<IProductGrain>(productId).GetDetails() is not { } product
            || product.SellerId != SellerId)
        {
            return NotFound();
        }

        Product = product;
        Currency = product.Currency;
        return null;
    }

    public sealed class ProductForm
    {
        [Required(ErrorMessage = "Give the product a title."), StringLength(200, ErrorMessage = "At most 200 characters.")]
        public string? Title { get; set; }

        [StringLength(10_000, ErrorMessage = "At most 10,000 characters.")]
        public string? Description { get; set; }

        [Required(ErrorMessage = "Choose a category."), RegularExpression("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$",
            ErrorMessage = "A category is lowercase letters, digits and dashes, e.g. coffee or home-decor.")]
        public string? Category { get; set; }

        [Required(ErrorMessage = "Set a price.")]
        public string? Price { get; set; }

        public ProductStatus Status { get; set; } = ProductStatus.Published;

        public List<VariantForm> Variants { get; set; } = [];

        /// <summary>The version the edit started from.</summary>
        public int? Version { get; set; }

        /// <summary>Identifies this form (not the product): a second submit of a new product's form creates nothing more.</summary>
        public string FormKey { get; set; } = Guid.NewGuid().ToString("N");

        public static ProductForm Blank() => new();

        public static ProductForm From(ProductDetails p) => new()
        {
            Title = p.Title,
            Description = p.Description,
            Category = p.Category,
            Price = Money.Input(p.Price, p.Currency),
            Status = p.Status,
            Version = p.Version,
            Variants = p.Variants.Select(v => new VariantForm
            {
                Sku = v.Sku,
                Options = string.Join("; ", v.Options.Select(o => $"{o.Key}: {o.Value}")),
                Price = v.Price == p.Price ? null : Money.Input(v.Price, p.Currency),
                Stock = v.OnHand,
                Existing = true,
            }).ToList(),
        };

        public void PadVariants(int spare)
        {
            var blanks = Variants.Count(v => string.IsNullOrWhiteSpace(v.Sku) && !v.Existing);
            for (var i = blanks; i < spare; i++)
            {
                Variants.Add(new VariantForm());
            }
        }

        /// <summary>The draft the grains check, or null with the form's own errors added (amounts and options are read here).</summary>
        public ProductDraft? ToDraft(string currency, Microsoft.AspNetCore.Mvc.ModelBinding.ModelStateDictionary state, Func<string, string> t)
        {
            var price = Money.Parse(Price, currency);
            if (price is null)
            {
                state.AddModelError("Form.Price", t("Write the price as an amount, e.g. 8990."));
            }

            var variants = new List<VariantDraft>();
            for (var i = 0; i < Variants.Count; i++)
            {
                var row = Variants[i];
                if (string.IsNullOrWhiteSpace(row.Sku))
                {
                    continue;
                }

                long? own = null;
                if (!string.IsNullOrWhiteSpace(row.Price) && (own = Money.Parse(row.Price, currency)) is null)
                {
                    state.AddModelError($"Form.Variants[{i}].Price", t("Write the price as an amount, or leave it empty."));
                }

                if (!TryParseOptions(row.Options, out var options))
                {
                    state.AddModelError($"Form.Variants[{i}].Options", t("Write options as name: value, separated by semicolons (size: 250 g; grind: whole bean)."));
                }

                variants.Add(new VariantDraft(row.Sku.Trim(), options, own, row.Existing ? 0 : row.Stock ?? 0));
            }

            if (variants.Count == 0)
            {
                state.AddModelError("Form.Variants", t("Add at least one variant with its code (SKU)."));
            }

            return state.IsValid
                ? new ProductDraft(Title!.Trim(), FormValues.OrNull(Description), Category!, currency,
                    price!.Value, Status, variants)
                : null;
        }

        private static bool TryParseOptions(string? text, out Dictionary<string, string> options)
        {
            options = new Dictionary<string, string>(StringComparer.Ordinal);
            if (string.IsNullOrWhiteSpace(text))
            {
                return true;
            }

            foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var separator = part.IndexOf(':');
                if (separator <= 0 || separator == part.Length - 1 || !options.TryAdd(part[..separator].Trim(), part[(separator + 1)..].Trim()))
                {
                    return false;
                }
            }

            return true;
        }
    }

    public sealed class VariantForm
    {
        [StringLength(64, ErrorMessage = "At most 64 characters.")]
        public string? Sku { get; set; }

        [StringLength(500, ErrorMessage = "At most 500 characters.")]
        public string? Options { get; set; }

        public string? Price { get; set; }

        [Range(0, 1_000_000, ErrorMessage = "Between 0 and 1,000,000 units.")]
        public int? Stock { get; set; }

        /// <summary>A variant the product already has: its stock field sets the units on hand.</summary>
        public bool Existing { get; set; }
    }
}
