using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Marketplace.Demo.Imaging;

namespace Marketplace.Demo;

/// <summary>A demo store: its owner's login, its public profile, its logo and its products.</summary>
public sealed record DemoStore(
    string Key,
    string OwnerEmail,
    string OwnerName,
    StoreDraft Profile,
    Picture Logo,
    IReadOnlyList<DemoProduct> Products)
{
    // Fixed ids: an interrupted seeding resumes on the same grains (creates are idempotent) instead of leaving orphans.
    public string SellerId { get; } = GrainKeys.DerivedId(GrainKeys.SellerPrefix, "demo-store", Key);

    public string OwnerId { get; } = GrainKeys.DerivedId(GrainKeys.UserPrefix, "demo-user", OwnerEmail);
}

/// <summary>A demo product as its store creates it, and the picture to add to it.</summary>
public sealed record DemoProduct(string ProductId, ProductDraft Draft, Picture Picture);

/// <summary>A demo account with its fixed id: a store's owner (<see cref="SellerId"/> names the store) or the shopper.</summary>
public sealed record DemoAccount(string Id, string Email, string Name, string Password, string? SellerId);

/// <summary>
/// The demo catalog: a handful of stores (Chilean ones selling in CLP with Spanish listings, US ones in USD with
/// English listings) whose products are combined from small per-store word lists. A fixed seed per store makes every
/// run produce the same catalog, so the data is varied without a long file and tests can rely on it.
/// </summary>
public static partial class DemoCatalog
{
    public const string SellerPassword = "demo-seller-2026";
    public const string ShopperPassword = "demo-shopper-2026";
    public const string ShopperEmail = "sofia@demo.marketplace.local";
    public const string ShopperName = "Sofía";

    private const int Seed = 2026;
    private const double DraftShare = 0.04;
    private const double SoldOutShare = 0.05;
    private const double EmptySkuShare = 0.08;

    private static readonly Lazy<IReadOnlyList<DemoStore>> Catalog = new(Generate);

    /// <summary>Every demo store with its products, in the order they are listed in the logins.</summary>
    public static IReadOnlyList<DemoStore> Stores => Catalog.Value;

    public static string ShopperId { get; } = GrainKeys.DerivedId(GrainKeys.UserPrefix, "demo-user", ShopperEmail);

    /// <summary>The email of every account the demo creates.</summary>
    public static IReadOnlyList<string> AccountEmails => [.. Specs.Select(s => s.OwnerEmail), ShopperEmail];

    /// <summary>The demo's accounts in the order they are created: the stores' owners, then the shopper.</summary>
    public static IReadOnlyList<DemoAccount> Accounts =>
    [
        .. Stores.Select(s => new DemoAccount(s.OwnerId, s.OwnerEmail, s.OwnerName, SellerPassword, s.SellerId)),
        new DemoAccount(ShopperId, ShopperEmail, ShopperName, ShopperPassword, null),
    ];

    /// <summary>
    /// The first store's offers: a welcome coupon to enter in the cart, and a promotion every cart of it gets on coffee
    /// (offers do not combine: the larger applies).
    /// </summary>
    public static IReadOnlyList<CouponDraft> Coupons { get; } =
    [
        new("BIENVENIDA10", CouponKind.Percent, 1_000, 15_000, null, null, 1_000, 1, [], [], false, "10 % off your first order from $15.000"),
        new("CAFE-SEMANA", CouponKind.Percent, 500, 0, null, null, null, null, [], ["coffee"], true, "5 % off coffee this week"),
    ];

    /// <summary>The demo's logins as the run script prints them.</summary>
    public static IReadOnlyList<string> Logins =>
    [
        .. Stores.Select(s => $"  seller   {s.OwnerEmail}  {SellerPassword}  ({s.Profile.Name}, {s.Profile.Currency})"),
        $"  shopper  {ShopperEmail}  {ShopperPassword}",
    ];

    private static List<DemoStore> Generate() => Specs.Select((spec, i) => Generate(spec, new Random(Seed + i))).ToList();

    private static DemoStore Generate(StoreSpec spec, Random random)
    {
        var products = new List<DemoProduct>();
        foreach (var (draft, motif) in spec.Fixed)
        {
            var picture = PictureFor(spec, motif, draft.Variants[0].Options, random);
            products.Add(new DemoProduct(ProductId(spec, products.Count + 1), draft, picture));
        }

        foreach (var line in spec.Lines)
        {
            foreach (var (item, style) in Combinations(line, random).Take(line.Count))
            {
                var index = products.Count + 1;
                products.Add(Product(spec, line, item, style, index, random));
            }
        }

        return new DemoStore(spec.Key, spec.OwnerEmail, spec.OwnerName, spec.Profile, spec.Logo, products);
    }

    /// <summary>
    /// Item × style pairs, dealt round-robin over the items (each with its styles shuffled), so a line that takes only
    /// some pairs still shows every item and products of one kind are not listed in a clump.
    /// </summary>
    private static IEnumerable<(Item Item, Style Style)> Combinations(Line line, Random random)
    {
        var styles = line.Items.Select(_ => Shuffled(line.Styles, random)).ToList();
        for (var round = 0; round < line.Styles.Length; round++)
        {
            for (var i = 0; i < line.Items.Length; i++)
            {
                yield return (line.Items[i], styles[i][round]);
            }
        }
    }

    private static DemoProduct Product(StoreSpec spec, Line line, Item item, Style style, int index, Random random)
    {
        var words = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["item"] = item.Name,
            ["style"] = style.Name,
            ["detail"] = item.Detail ?? "",
            ["store"] = spec.Profile.Name,
        };
        words["title"] = Tidy(Fill(line.Title, words));
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var attribute in line.Attributes)
        {
            var value = Tidy(Fill(Pick(attribute.Values, random), words));
            attributes[attribute.Name] = value;
            words["attr:" + attribute.Name] = value;
        }

        var sentences = line.Description.Select(group => Pick(group, random)).Append(Pick(spec.Closing, random));
        var description = string.Join(" ", sentences.Where(s => s.Length > 0).Select(s => Tidy(Fill(s, words))));

        var combinations = Options(item.Axes ?? line.Axes, random);
        var basePrice = item.Price * style.Factor * (0.92 + random.NextDouble() * 0.16);
        var prices = combinations.Select(c => RoundPrice(basePrice * c.Factor, spec.Profile.Currency)).ToList();
        var price = prices.Min();
        var soldOut = random.NextDouble() < SoldOutShare;
        var variants = combinations
            .Select((c, i) => new VariantDraft(
                Sku(spec.SkuPrefix, index, c.Options),
                c.Options,
                prices[i] == price ? null : prices[i],
                soldOut || random.NextDouble() < EmptySkuShare ? 0 : Stock(random)))
            .ToList();
        var status = random.NextDouble() < DraftShare ? ProductStatus.Draft : ProductStatus.Published;
        var draft = new ProductDraft(words["title"], description, line.Category, spec.Profile.Currency, price, status, variants, attributes);
        var picture = PictureFor(spec, item.Motif ?? line.Motif, combinations[0].Options, random);
        return new DemoProduct(ProductId(spec, index), draft, picture);
    }

    /// <summary>
    /// 1-4 variants: a run of neighbouring values of the first axis (sizes stay in order), times a run of the second
    /// axis when there is one, never more than four combinations.
    /// </summary>
    private static List<(Dictionary<string, string> Options, double Factor)> Options(Axis[] axes, Random random)
    {
        var combinations = new List<(Dictionary<string, string> Options, double Factor)> { (new(StringComparer.Ordinal), 1.0) };
        var room = 4;
        foreach (var axis in axes.Take(2))
        {
            var count = random.Next(1, Math.Min(axis.Values.Length, room) + 1);
            var start = random.Next(0, axis.Values.Length - count + 1);
            var values = axis.Values.AsSpan(start, count).ToArray();
            room /= count;
            combinations = combinations
                .SelectMany(c => values.Select(v =>
                    (new Dictionary<string, string>(c.Options, StringComparer.Ordinal) { [axis.Option] = v.Value }, c.Factor * v.Factor)))
                .ToList();
        }

        return combinations;
    }

    /// <summary>Shelf prices: CLP in whole pesos ending in 990 (or 490 below $10.000), USD ending in .99 or .95.</summary>
    private static long RoundPrice(double amount, string currency)
    {
        if (currency == "CLP")
        {
            var step = amount < 10_000 ? 500 : 1_000;
            return Math.Max(step, (long)Math.Round(amount / step) * step) - 10;
        }

        var dollars = Math.Max(1, (long)Math.Round(amount / 100));
        return dollars * 100 - (dollars % 3 == 0 ? 5 : 1);
    }

    /// <summary>Mostly a few dozen units; some SKUs have a handful, so low stock shows too.</summary>
    private static int Stock(Random random) => random.NextDouble() < 0.25 ? random.Next(1, 6) : random.Next(6, 80);

    private static string ProductId(StoreSpec spec, int index) =>
        GrainKeys.DerivedId(GrainKeys.ProductPrefix, "demo-product", spec.Key + "/" + index.ToString(CultureInfo.InvariantCulture));

    /// <summary>A readable SKU: the store's prefix, the product's number and the option values in capitals.</summary>
    private static string Sku(string prefix, int index, IReadOnlyDictionary<string, string> options)
    {
        var sku = new StringBuilder(prefix).Append('-').Append(index.ToString("D3", CultureInfo.InvariantCulture));
        foreach (var value in options.Values)
        {
            sku.Append('-');
            foreach (var c in value)
            {
                var folded = Fold(c);
                if (char.IsAsciiLetterOrDigit(folded))
                {
                    sku.Append(char.ToUpperInvariant(folded));
                }
            }
        }

        return sku.Length <= 64 ? sku.ToString() : sku.ToString(0, 64);
    }

    private static char Fold(char c) => c switch
    {
        'á' or 'Á' => 'a',
        'é' or 'É' => 'e',
        'í' or 'Í' => 'i',
        'ó' or 'Ó' => 'o',
        'ú' or 'Ú' or 'ü' or 'Ü' => 'u',
        'ñ' or 'Ñ' => 'n',
        _ => c,
    };

    /// <summary>The product's colours: the store's palette, or the colour its first variant is named after.</summary>
    private static Picture PictureFor(StoreSpec spec, Motif motif, IReadOnlyDictionary<string, string> options, Random random)
    {
        var palette = spec.Palette;
        var main = options.Values.Select(v => Colours.TryGetValue(v, out var named) ? named : (Rgb?)null).FirstOrDefault(c => c is not null)
                   ?? Rgb.Parse(Pick(palette.Main, random));
        var shade = random.NextDouble() * 0.24 - 0.12;
        main = shade < 0 ? main.Darker(-shade) : main.Lighter(shade);
        return new Picture(motif, Rgb.Parse(Pick(palette.Background, random)), main, Rgb.Parse(Pick(palette.Accent, random)), random.Next(1000));
    }

    private static T Pick<T>(IReadOnlyList<T> values, Random random) => values[random.Next(values.Count)];

    private static T[] Shuffled<T>(IReadOnlyList<T> values, Random random)
    {
        var copy = values.ToArray();
        random.Shuffle(copy);
        return copy;
    }

    /// <summary>Replaces {name} placeholders; a template that names a missing word is a bug in the catalog.</summary>
    private static string Fill(string template, IReadOnlyDictionary<string, string> words) =>
        Placeholder().Replace(template, m => words.TryGetValue(m.Groups[1].Value, out var word)
            ? word
            : throw new InvalidOperationException($"The demo template '{template}' names an unknown word '{m.Groups[1].Value}'."));

    /// <summary>Collapses the double spaces an empty style leaves behind.</summary>
    private static string Tidy(string text) => Spaces().Replace(text, " ").Trim();

    [GeneratedRegex(@"\{([a-z]+(?::[^}]+)?)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\s{2,}")]
    private static partial Regex Spaces();

    private sealed record StoreSpec(
        string Key,
        string SkuPrefix,
        string OwnerEmail,
        string OwnerName,
        StoreDraft Profile,
        Palette Palette,
        Picture Logo,
        string[] Closing,
        (ProductDraft Draft, Motif Motif)[] Fixed,
        Line[] Lines);

    /// <summary>Colours as #rrggbb: picture backgrounds, product colours and accents.</summary>
    private sealed record Palette(string[] Background, string[] Main, string[] Accent);

    /// <summary>
    /// A family of products: every title combines an item and a style through <see cref="Title"/>; the description
    /// takes one sentence from each group of <see cref="Description"/>. Templates use {title}, {item}, {style},
    /// {detail}, {store} and {attr:name}.
    /// </summary>
    private sealed record Line(
        string Category,
        Motif Motif,
        string Title,
        Item[] Items,
        Style[] Styles,
        Axis[] Axes,
        string[][] Description,
        Attribute[] Attributes,
        int Count);

    /// <summary>A kind of product and its base price in minor units; it may bring its own picture and options.</summary>
    private sealed record Item(string Name, long Price, string? Detail = null, Motif? Motif = null, Axis[]? Axes = null);

    private sealed record Style(string Name, double Factor = 1);

    /// <summary>A variant option (size, colour, weight…) and its values, each with a price factor.</summary>
    private sealed record Axis(string Option, (string Value, double Factor)[] Values);

    private sealed record Attribute(string Name, string[] Values);
}
