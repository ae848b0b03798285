using System.Text.Json.Nodes;
using Marketplace.Contracts.Cart;
using Marketplace.Contracts.Catalog;
using Marketplace.Contracts.Notifications;
using Marketplace.Contracts.Orders;
using Marketplace.Grains.Cart;
using Marketplace.Grains.Catalog;
using Marketplace.Grains.Finance;
using Marketplace.Grains.Notifications;
using Marketplace.Grains.Orders;
using Marketplace.Grains.Questions;
using Marketplace.Grains.Reviews;
using Marketplace.Grains.Storage;

namespace Marketplace.Grains.Tests;

/// <summary>
/// The JSON of every grain state whose grain delegates to collaborators, written out in full: rows already stored are
/// read with these names and shapes, so moving code around must leave every character of them as it is.
/// </summary>
public sealed class StateShapeTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private const string Seller = """
        {
          "Created": true,
          "Name": "Café Ana",
          "Description": "Coffee",
          "RequiresConfirmation": false,
          "Currency": "CLP",
          "PricesIncludeTax": true,
          "TaxRatePpm": 190000,
          "ReturnWindowDays": 14,
          "LogoUrl": "https://example.com/logo.png",
          "Contact": {
            "Email": "ana@example.com",
            "Phone": "+56 9",
            "Website": null,
            "Address": "Calle 1",
            "City": "Santiago",
            "Country": "CL",
            "TaxId": "76.1"
          },
          "Status": "suspended",
          "SuspendedReason": "Fraud check",
          "SuspendedAt": "2026-11-30T12:00:00+00:00",
          "CreatedAt": "2026-11-30T12:00:00+00:00",
          "UpdatedAt": "2026-11-30T13:00:00+00:00",
          "Version": 4,
          "CreationFingerprint": "fp",
          "ExternalId": "dir-1",
          "ClaimSecretHash": "abc",
          "Staff": [
            {
              "UserId": "usr_owner",
              "Email": "ana@example.com",
              "Role": "owner",
              "AddedAt": "2026-11-30T12:00:00+00:00"
            }
          ],
          "Invitations": [
            {
              "SecretHash": "def",
              "Email": "bo@example.com",
              "ExpiresAt": "2026-12-07T12:00:00+00:00",
              "AcceptedBy": "usr_bo"
            }
          ],
          "Products": [
            {
              "ProductId": "prd_1",
              "Status": "published"
            },
            {
              "ProductId": "prd_2",
              "Status": "draft",
              "Handle": "green-tea"
            }
          ]
        }
        """;

    private const string Order = """
        {
          "Created": true,
          "BuyerId": "usr_b",
          "SellerId": "sel_s",
          "SellerName": "Café Ana",
          "Currency": "CLP",
          "Status": "shipped",
          "Lines": [
            {
              "ProductId": "prd_1",
              "Sku": "A",
              "Title": "Café",
              "Quantity": 2,
              "UnitPrice": 8990,
              "Freight": 500,
              "Category": "coffee",
              "Total": 17980
            }
          ],
          "Subtotal": 17980,
          "ShippingCost": 500,
          "Total": 18480,
          "ShippingAddress": {
            "Name": "Ana",
            "Line1": "Calle 1",
            "City": "Santiago",
            "Region": null,
            "Country": "CL",
            "PostalCode": "8320000",
            "Phone": null
          },
          "Note": "Door",
          "RequiresConfirmation": true,
          "CheckoutFingerprint": "fp",
          "PlacedAt": "2026-11-30T12:00:00+00:00",
          "UpdatedAt": "2026-11-30T12:05:00+00:00",
          "PaidAt": "2026-11-30T12:02:00+00:00",
          "DecideBy": null,
          "Timeline": [
            {
              "Status": "placed",
              "At": "2026-11-30T12:00:00+00:00",
              "Note": null
            }
          ],
          "Payments": [
            {
              "PaymentId": "pay_1",
              "Attempt": 1,
              "Status": "succeeded",
              "Amount": 18480,
              "RedirectUrl": "https://pay/1",
              "Card": "visa 4242",
              "RefundDue": 100,
              "RefundedAmount": 200,
              "RefundIds": [
                "ref_1"
              ],
              "CreatedAt": "2026-11-30T12:00:00+00:00"
            }
          ],
          "CapturedPaymentId": "pay_1",
          "Shipment": {
            "ShipmentId": "shp_1",
            "TrackingNumber": "TRK1",
            "LabelUrl": "https://label/1",
            "Status": "inTransit"
          },
          "PendingStock": "releaseStock",
          "AppliedEvents": [
            "evt_1"
          ],
          "Notices": [
            {
              "Sequence": 3,
              "Status": "shipped",
              "At": "2026-11-30T12:00:00+00:00",
              "StatusChanged": true,
              "BuyerKind": "orderShipped",
              "StoreKind": null,
              "Amount": 5
            }
          ],
          "NoticeSequence": 3,
          "PricesIncludeTax": true,
          "TaxRatePpm": 190000,
          "LineTaxes": [ 2871 ],
          "Tax": 2871,
          "Discounts": [
            {
              "CouponId": "cpn_1",
              "Code": "SAVE5",
              "Automatic": false,
              "Description": null,
              "Amount": 500
            }
          ],
          "LineDiscounts": [ 500 ],
          "Discount": 500,
          "ReturnWindowDays": 30,
          "Returns": [
            {
              "ReturnId": "r1",
              "Lines": [ { "ProductId": "prd_1", "Sku": "A", "Quantity": 1 } ],
              "Reason": "Torn",
              "Status": "received",
              "RequestedAt": "2026-11-30T12:00:00+00:00",
              "DecidedAt": "2026-11-30T12:00:00+00:00",
              "Note": null,
              "RefundShipping": false,
              "WriteOff": true,
              "Shipment": { "ShipmentId": "shp_r1", "TrackingNumber": "TRK-R1", "LabelUrl": "https://label/r1", "Status": "delivered" },
              "ReceivedAt": "2026-11-30T12:00:00+00:00",
              "Refund": 4000,
              "RefundQueued": true,
              "StockPending": false
            }
          ],
          "CommissionBps": [ 800 ],
          "Ledger": [
            {
              "Sequence": 1,
              "Kind": "capture",
              "Debit": "gateway",
              "Credit": "store_payable",
              "Amount": 9200,
              "Source": "pay_1",
              "At": "2026-11-30T12:00:00+00:00"
            }
          ]
        }
        """;

    private const string Questions = """
        {
          "SellerId": "sel_s",
          "ProductTitle": "Café",
          "Questions": [
            {
              "QuestionId": "q1",
              "AskerId": "usr_a",
              "AskerName": "Ana",
              "Text": "Decaf?",
              "AskedAt": "2026-11-30T12:00:00+00:00",
              "IdempotencyKey": "k",
              "Answer": "No",
              "AnsweredAt": "2026-11-30T13:00:00+00:00",
              "Hidden": true
            }
          ],
          "Outbox": [
            {
              "UserId": "usr_a",
              "SellerId": null,
              "Draft": {
                "SourceKey": "question:q1:answered",
                "Kind": "questionAnswered",
                "Title": "Answered",
                "Body": "Yes",
                "Link": "/products/p#q1",
                "Facts": { "product": "Café" }
              }
            }
          ]
        }
        """;

    private const string Reviews = """
        {
          "SellerId": "sel_s",
          "ProductTitle": "Café",
          "Reviews": [
            {
              "ReviewId": "r1",
              "OrderId": "ord_1",
              "Sku": "A",
              "AuthorId": "usr_a",
              "AuthorName": "Ana",
              "Rating": 4,
              "Text": "Good",
              "CreatedAt": "2026-11-30T12:00:00+00:00",
              "Reply": "Thanks",
              "RepliedAt": "2026-12-01T12:00:00+00:00"
            }
          ],
          "RatingSum": 4,
          "RatingPublished": false,
          "Outbox": [
            {
              "UserId": null,
              "SellerId": "sel_s",
              "Draft": {
                "SourceKey": "review:r1:posted",
                "Kind": "questionAnswered",
                "Title": "Answered",
                "Body": "Yes",
                "Link": "/products/p#q1",
                "Facts": { "product": "Café" }
              }
            }
          ]
        }
        """;

    private const string Cart = """
        {
          "Lines": [
            {
              "ProductId": "prd_1",
              "Sku": "A",
              "Quantity": 2,
              "PriceWhenAdded": 8990,
              "Currency": "CLP",
              "ProductVersion": 3,
              "AddedAt": "2026-11-30T12:00:00+00:00"
            }
          ],
          "UpdatedAt": "2026-11-30T12:00:00+00:00",
          "MergedGuests": [
            "gst_1"
          ],
          "Checkouts": [
            {
              "Key": "k1",
              "Fingerprint": "fp",
              "OrderIds": [
                "ord_1"
              ],
              "Refused": [
                {
                  "SellerId": "sel_2",
                  "Currency": "CLP",
                  "Code": "out-of-stock",
                  "Detail": "Short",
                  "Short": [
                    {
                      "ProductId": "prd_2",
                      "Sku": "B",
                      "Requested": 3,
                      "Available": 1
                    }
                  ],
                  "PriceChanges": [],
                  "CouponProblem": null
                }
              ],
              "Dropped": [
                {
                  "ProductId": "prd_2",
                  "Sku": "B",
                  "Requested": 3,
                  "Available": 1
                }
              ],
              "At": "2026-11-30T12:00:00+00:00"
            }
          ],
          "Coupons": [
            {
              "SellerId": "sel_1",
              "Code": "SAVE5"
            }
          ],
          "RecentAdds": [
            "op_1"
          ]
        }
        """;

    [Fact]
    public void A_store_is_stored_with_its_profile_staff_invitations_and_products_under_the_same_names()
    {
        var seller = new SellerState
        {
            Created = true, Name = "Café Ana", Description = "Coffee", RequiresConfirmation = false, Currency = "CLP", TaxRatePpm = 190_000, ReturnWindowDays = 14,
            LogoUrl = "https://example.com/logo.png", Contact = new StoreContact("ana@example.com", "+56 9", null, "Calle 1", "Santiago", "CL", "76.1"),
            Status = StoreStatus.Suspended, SuspendedReason = "Fraud check", SuspendedAt = At, CreatedAt = At, UpdatedAt = At.AddHours(1),
            Version = 4, CreationFingerprint = "fp", ExternalId = "dir-1", ClaimSecretHash = "abc",
            Staff = [new StaffEntry { UserId = "usr_owner", Email = "ana@example.com", Role = StaffRole.Owner, AddedAt = At }],
            Invitations = [new InvitationEntry { SecretHash = "def", Email = "bo@example.com", ExpiresAt = At.AddDays(7), AcceptedBy = "usr_bo" }],
            Products =
            [
                new StoreProductEntry { ProductId = "prd_1", Status = ProductStatus.Published },
                new StoreProductEntry { ProductId = "prd_2", Status = ProductStatus.Draft, Handle = "green-tea" },
            ],
        };

        Shape.Check(seller, Seller);
    }

    [Fact]
    public void An_order_is_stored_with_its_payments_shipment_notices_and_events_under_the_same_names()
    {
        var order = new OrderState
        {
            Created = true, BuyerId = "usr_b", SellerId = "sel_s", SellerName = "Café Ana", Currency = "CLP", Status = OrderStatus.Shipped,
            Lines = [new OrderLine("prd_1", "A", "Café", 2, 8990, 500, "coffee")], Subtotal = 17_980, ShippingCost = 500, Total = 18_480,
            ShippingAddress = new PostalAddress("Ana", "Calle 1", "Santiago", null, "CL", "8320000", null), Note = "Door", RequiresConfirmation = true,
            CheckoutFingerprint = "fp", PlacedAt = At, UpdatedAt = At.AddMinutes(5), PaidAt = At.AddMinutes(2), DecideBy = null,
            Timeline = [new OrderTimelineEntry(OrderStatus.Placed, At, null)],
            Payments =
            [
                new PaymentAttemptState
                {
                    PaymentId = "pay_1", Attempt = 1, Status = "succeeded", Amount = 18_480, RedirectUrl = "https://pay/1", Card = "visa 4242",
                    RefundDue = 100, RefundedAmount = 200, RefundIds = ["ref_1"], CreatedAt = At,
                },
            ],
            CapturedPaymentId = "pay_1",
            Shipment = new ShipmentState { ShipmentId = "shp_1", TrackingNumber = "TRK1", LabelUrl = "https://label/1", Status = "inTransit" },
            PendingStock = OrderEffects.ReleaseStock, AppliedEvents = ["evt_1"],
            Notices =
            [
                new OrderNotice
                {
                    Sequence = 3, Status = OrderStatus.Shipped, At = At, StatusChanged = true, BuyerKind = NotificationKind.OrderShipped,
                    StoreKind = null, Amount = 5,
                },
            ],
            NoticeSequence = 3,
            TaxRatePpm = 190_000,
            LineTaxes = [2_871],
            Tax = 2_871,
            Discounts = [new OrderDiscount("cpn_1", "SAVE5", false, null, 500)],
            LineDiscounts = [500],
            Discount = 500,
            Returns =
            [
                new ReturnState
                {
                    ReturnId = "r1", Lines = [new ReturnLine("prd_1", "A", 1)], Reason = "Torn", Status = ReturnStatus.Received, RequestedAt = At,
                    DecidedAt = At, WriteOff = true, ReceivedAt = At, Refund = 4000, RefundQueued = true,
                    Shipment = new ShipmentState { ShipmentId = "shp_r1", TrackingNumber = "TRK-R1", LabelUrl = "https://label/r1", Status = "delivered" },
                },
            ],
            CommissionBps = [800],
            Ledger = [new LedgerEntryState { Sequence = 1, Kind = "capture", Debit = "gateway", Credit = "store_payable", Amount = 9200, Source = "pay_1", At = At }],
        };

        Shape.Check(order, Order);
    }

    [Fact]
    public void Questions_and_reviews_are_stored_with_their_pending_notices_under_the_same_names()
    {
        var notice = new PendingNotice
        {
            UserId = "usr_a", SellerId = null,
            Draft = new NotificationDraft("question:q1:answered", NotificationKind.QuestionAnswered, "Answered", "Yes", "/products/p#q1",
                new Dictionary<string, string> { [NotificationFacts.Product] = "Café" }),
        };
        var questions = new QuestionsState
        {
            SellerId = "sel_s", ProductTitle = "Café",
            Questions =
            [
                new QuestionState
                {
                    QuestionId = "q1", AskerId = "usr_a", AskerName = "Ana", Text = "Decaf?", AskedAt = At, IdempotencyKey = "k", Answer = "No",
                    AnsweredAt = At.AddHours(1), Hidden = true,
                },
            ],
            Outbox = [notice],
        };
        var reviews = new ReviewsState
        {
            SellerId = "sel_s", ProductTitle = "Café", RatingSum = 4, RatingPublished = false,
            Reviews =
            [
                new ReviewState
                {
                    ReviewId = "r1", OrderId = "ord_1", Sku = "A", AuthorId = "usr_a", AuthorName = "Ana", Rating = 4, Text = "Good", CreatedAt = At,
                    Reply = "Thanks", RepliedAt = At.AddDays(1),
                },
            ],
            Outbox = [new PendingNotice { SellerId = "sel_s", Draft = notice.Draft with { SourceKey = "review:r1:posted" } }],
        };

        Shape.Check(questions, Questions);
        Shape.Check(reviews, Reviews);
    }

    [Fact]
    public void A_cart_is_stored_with_its_lines_merges_checkouts_and_additions_under_the_same_names()
    {
        var cart = new CartState
        {
            Lines = [new CartLineState { ProductId = "prd_1", Sku = "A", Quantity = 2, PriceWhenAdded = 8990, Currency = "CLP", ProductVersion = 3, AddedAt = At }],
            UpdatedAt = At, MergedGuests = ["gst_1"], RecentAdds = ["op_1"], Coupons = [new CartCouponState { SellerId = "sel_1", Code = "SAVE5" }],
            Checkouts =
            [
                new CheckoutRecord
                {
                    Key = "k1", Fingerprint = "fp", OrderIds = ["ord_1"], At = At,
                    Refused = [new CheckoutRefusal("sel_2", "CLP", "out-of-stock", "Short", [new ShortLine("prd_2", "B", 3, 1)], [])],
                    Dropped = [new ShortLine("prd_2", "B", 3, 1)],
                },
            ],
        };

        Shape.Check(cart, Cart);
    }

    private static class Shape
    {
        /// <summary>The state is written as the stored row reads, and the stored row reads back to the same state.</summary>
        public static void Check<T>(T state, string stored)
        {
            Assert.Equal(Compact(stored), Compact(StateJson.Serialize(state)));
            Assert.Equal(Compact(stored), Compact(StateJson.Serialize(StateJson.Deserialize<T>(stored))));
        }

        /// <summary>The same JSON on one line, every string escaped alike, properties in their order.</summary>
        private static string Compact(string json) => JsonNode.Parse(json)!.ToJsonString();
    }
}
