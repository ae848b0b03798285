using Marketplace.Contracts.Catalog;
using Marketplace.Contracts.Orders;
using Marketplace.Grains.Catalog;
using Marketplace.Grains.Orders;

namespace Marketplace.Grains.Tests;

/// <summary>The read models' projections as pure functions: grain state in, rows out, no database.</summary>
public sealed class ReadModelProjectionTests
{
    private static readonly DateTimeOffset Placed = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_order_is_listed_once_created_with_its_totals_and_lines()
    {
        var order = PaidOrder();
        order.Payments.Add(new PaymentAttemptState { PaymentId = "pay_2", Amount = 500, RefundedAmount = 500 });

        var row = new OrderListingReadModel().Project("ord_1", order, version: 4)!;

        Assert.Equal(("ord_1", "usr_buyer", "sel_store", "Café Ana", "paid", "CLP"), (row.OrderId, row.BuyerId, row.SellerId, row.SellerName, row.Status, row.Currency));
        Assert.Equal((20_480L, 500L, 3, 4), (row.Total, row.Refunded, row.ItemCount, row.StateVersion));
        Assert.Equal((Placed, Placed.AddMinutes(3), (DateTimeOffset?)Placed.AddMinutes(2), (DateTimeOffset?)null), (row.PlacedAt, row.UpdatedAt, row.PaidAt, row.DecideBy));
        Assert.False(row.NeedsAttention);
        Assert.Equal(order.Lines, row.Lines);
        Assert.Null(new OrderListingReadModel().Project("ord_2", new OrderState(), version: 1));
    }

    [Theory]
    [InlineData("none", false)]
    [InlineData("release", true)]
    [InlineData("refund", true)]
    [InlineData("notice", true)]
    public void An_order_needs_attention_while_its_stored_state_lists_an_effect_not_yet_done(string pending, bool expected)
    {
        var order = PaidOrder();
        switch (pending)
        {
            case "release":
                order.PendingStock = OrderEffects.ReleaseStock;
                break;
            case "refund":
                order.Payments[0].RefundDue = 100;
                break;
            case "notice":
                // The regression of the old SQL projection: undelivered notices (the store's orderPaid) were ignored.
                order.Notices.Add(new OrderNotice { Sequence = 1, Status = OrderStatus.Paid, StoreKind = Contracts.Notifications.NotificationKind.OrderPaid });
                break;
        }

        Assert.Equal(expected, order.NeedsAttention);
        Assert.Equal(expected, new OrderListingReadModel().Project("ord_1", order, 2)!.NeedsAttention);
    }

    [Fact]
    public void A_published_product_is_searchable_by_its_folded_words_with_the_weight_of_their_best_place()
    {
        var product = Product();

        var row = new SearchReadModel().Project("prd_1", product, version: 3)!;

        Assert.Equal(("prd_1", "sel_store", "Café de Colombia", "coffee-beans", "CLP", 8990L, "img_1"),
            (row.ProductId, row.SellerId, row.Title, row.Category, row.Currency, row.Price, row.ImageKey));
        Assert.Equal((3, 9L, 2), (row.StateVersion, row.RatingSum, row.RatingCount));
        Assert.Equal(
            "'250':8C 'beans':5B 'cafe':1A 'coffee':4B 'colombia':3A 'de':2A 'g':9C 'huila':7C 'medium':10D 'origin':6C 'roast':11D",
            row.Document);
    }

    [Theory]
    [InlineData(ProductStatus.Draft)]
    [InlineData(ProductStatus.Archived)]
    public void A_product_that_is_not_published_has_no_search_row(ProductStatus status)
    {
        var product = Product();
        product.Status = status;
        Assert.Null(new SearchReadModel().Project("prd_1", product, 2));
        Assert.Null(new SearchReadModel().Project("prd_1", new ProductState { Status = ProductStatus.Published }, 1));
    }

    [Fact]
    public void A_store_is_listed_with_its_owner_status_and_product_count()
    {
        var store = new SellerState
        {
            Created = true, Name = "Café Ana", Status = StoreStatus.Suspended, ExternalId = "dir-7", CreatedAt = Placed,
            UpdatedAt = Placed.AddDays(-1),
            Staff = [new StaffEntry { UserId = "usr_staff", Role = StaffRole.Staff }, new StaffEntry { UserId = "usr_owner", Role = StaffRole.Owner }],
            Products = [new StoreProductEntry { ProductId = "prd_1" }, new StoreProductEntry { ProductId = "prd_2" }],
        };

        var row = new StoreDirectoryReadModel().Project("sel_1", store, version: 5)!;

        Assert.Equal(new StoreDirectoryRow("sel_1", "Café Ana", "suspended", "usr_owner", "dir-7", 2, Placed, Placed, 5), row);
        Assert.Null(new StoreDirectoryReadModel().Project("sel_2", new SellerState(), 1));
    }

    private static OrderState PaidOrder() => new()
    {
        Created = true, BuyerId = "usr_buyer", SellerId = "sel_store", SellerName = "Café Ana", Currency = "CLP", Status = OrderStatus.Paid,
        Lines = [new OrderLine("prd_1", "CAFE-250", "Café", 2, 8990), new OrderLine("prd_2", "TAZA", "Taza", 1, 2500)],
        Total = 20_480, PlacedAt = Placed, PaidAt = Placed.AddMinutes(2), UpdatedAt = Placed.AddMinutes(3),
        Payments = [new PaymentAttemptState { PaymentId = "pay_1", Status = "succeeded", Amount = 20_480 }],
        CapturedPaymentId = "pay_1",
    };

    private static ProductState Product() => new()
    {
        Created = true, SellerId = "sel_store", Title = "Café de Colombia", Category = "coffee-beans", Currency = "CLP", Price = 8990,
        Status = ProductStatus.Published, Description = "Medium roast, Café!",
        Attributes = new Dictionary<string, string> { ["origin"] = "Huila" },
        Variants = [new VariantState { Sku = "A", Options = new Dictionary<string, string> { ["size"] = "250 g" } }],
        Images = [new ProductImage("img_1", "image/png", 10, 10, 100)], RatingSum = 9, RatingCount = 2,
    };
}
