namespace Marketplace.Demo;

/// <summary>A past order of the demo's generated history (imported: it has no grain, listing or ledger entry).</summary>
public sealed record DemoPastOrder(
    string OrderId, string SellerId, string BuyerId, string Currency, string Status, DateTimeOffset PlacedAt, DateTimeOffset? PaidAt,
    DateTimeOffset? DeliveredAt, IReadOnlyList<DemoPastLine> Lines)
{
    public long Total => Lines.Sum(l => l.Quantity * l.UnitPrice);
}

public sealed record DemoPastLine(string ProductId, string Sku, string Title, int Quantity, long UnitPrice);

/// <summary>A past page event of the generated history (views, carts, searches).</summary>
public sealed record DemoPastEvent(
    DateTimeOffset At, string Kind, string VisitorId, string? ProductId, string? SellerId, string? Query, int? ResultCount, int? Quantity, string Language);

/// <summary>
/// Ninety days of generated shopping over the demo catalog, with a fixed seed so every installation shows the same
/// charts: a few hundred customers who each favour one or two stores, buy one to three products per order (a product
/// and its neighbour in the store's list go together more often than not, so "bought together" has something to find),
/// view and put in carts more than they buy, and sometimes search for things nobody sells.
/// </summary>
public static class DemoHistory
{
    private static readonly string[] Missing = ["kombucha", "yerba mate orgánica", "cafetera moka", "vinilo", "bicicleta"];

    public static (IReadOnlyList<DemoPastOrder> Orders, IReadOnlyList<DemoPastEvent> Events) Generate(
        IReadOnlyList<DemoStore> stores, DateTimeOffset now, int customers = 320, int seed = 2026)
    {
        var random = new Random(seed);
        var start = now.AddDays(-90);
        var orders = new List<DemoPastOrder>();
        var events = new List<DemoPastEvent>();
        for (var c = 0; c < customers; c++)
        {
            var buyer = $"usr_demo_past_{c:D4}";
            var language = random.NextDouble() < 0.7 ? "es" : "en";
            var favourites = Enumerable.Range(0, 1 + random.Next(2)).Select(_ => stores[random.Next(stores.Count)]).Distinct().ToList();
            var at = start.AddHours(random.Next(24 * 60));
            var visits = 1 + random.Next(5);
            for (var v = 0; v < visits && at < now; v++)
            {
                var store = favourites[random.Next(favourites.Count)];
                var products = store.Products;
                var first = random.Next(products.Count);
                var picked = new List<int> { first };
                // The neighbour goes along more often than not; sometimes a third product.
                if (products.Count > 1 && random.NextDouble() < 0.6)
                {
                    picked.Add((first + 1) % products.Count);
                }

                if (products.Count > 2 && random.NextDouble() < 0.2)
                {
                    picked.Add(random.Next(products.Count));
                }

                var lines = picked.Distinct().Select(i => products[i]).Select(p => new DemoPastLine(
                    p.ProductId, p.Draft.Variants[0].Sku, p.Draft.Title, 1 + (random.NextDouble() < 0.2 ? 1 : 0), p.Draft.Variants[0].Price ?? p.Draft.Price)).ToList();
                foreach (var line in lines)
                {
                    events.Add(new DemoPastEvent(at.AddMinutes(-20), "productView", buyer, line.ProductId, store.SellerId, null, null, null, language));
                    events.Add(new DemoPastEvent(at.AddMinutes(-10), "addToCart", buyer, line.ProductId, store.SellerId, null, null, line.Quantity, language));
                }

                // Most visits end in a paid order, some are left unpaid.
                var fate = random.NextDouble();
                var paid = fate < 0.85 ? at.AddMinutes(3) : (DateTimeOffset?)null;
                var delivered = paid is { } p1 && p1.AddDays(3) < now && fate < 0.8 ? p1.AddDays(3) : (DateTimeOffset?)null;
                var status = delivered is not null ? "delivered" : paid is not null ? "paid" : "expired";
                orders.Add(new DemoPastOrder($"ord_demo_past_{orders.Count:D5}", store.SellerId, buyer, products[first].Draft.Currency,
                    status, at, paid, delivered, lines));
                at = at.AddHours(24 + random.Next(24 * 14));
            }
        }

        // Window shoppers: views without a purchase, and searches (some find nothing here).
        var everything = stores.SelectMany(s => s.Products.Select(p => (Store: s, Product: p))).ToList();
        for (var i = 0; i < customers * 6; i++)
        {
            var (store, product) = everything[random.Next(everything.Count)];
            var at = start.AddMinutes(random.Next(60 * 24 * 90));
            events.Add(new DemoPastEvent(at, "productView", $"gst_demo_past_{random.Next(customers * 3):D5}", product.ProductId, store.SellerId, null, null, null,
                random.NextDouble() < 0.7 ? "es" : "en"));
        }

        for (var i = 0; i < customers / 2; i++)
        {
            var at = start.AddMinutes(random.Next(60 * 24 * 90));
            var missing = random.NextDouble() < 0.3;
            var query = missing ? Missing[random.Next(Missing.Length)] : everything[random.Next(everything.Count)].Product.Draft.Category;
            events.Add(new DemoPastEvent(at, "search", $"gst_demo_past_{random.Next(customers * 3):D5}", null, null, query, missing ? 0 : 1 + random.Next(12), null, "es"));
        }

        return (orders, events);
    }
}
