using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Marketplace.Web.Shared;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Web.Tests;

/// <summary>
/// Every endpoint the web host maps, called as every kind of caller, with the status each must get. The endpoint list
/// comes from the app itself, so a new endpoint without a decision here fails the test.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class AccessMatrixTests(WebFixture fixture)
{
    public enum Who
    {
        Anonymous,
        Guest,
        Shopper,
        SellerA,
        SellerB,
        SuspendedSeller,
        Integration,
        Admin,
        /// <summary>Store A's own API key (X-Api-Key): store A's staff where store keys are let in, nobody elsewhere.</summary>
        StoreKeyA,
    }

    private static readonly Who[] Everyone = Enum.GetValues<Who>();

    /// <summary>A webhook endpoint at a public documentation address (TEST-NET-3) that nothing here answers.</summary>
    private static readonly object Webhook = new { url = "https://203.0.113.10/hooks", events = new[] { "order.paid" } };

    private const string NoEndpoint = "whe_00000000000000000000000000000000";

    [Fact]
    public async Task Every_endpoint_answers_each_caller_as_decided()
    {
        var world = await World.CreateAsync(fixture);
        var cases = Cases(world);

        var mapped = fixture.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => $"{method} {e.RoutePattern.RawText}"))
            .ToHashSet(StringComparer.Ordinal);
        var undecided = mapped.Except(cases.Keys).Order().ToList();
        var stale = cases.Keys.Except(mapped).Order().ToList();
        Assert.True(undecided.Count == 0, "Endpoints without an access decision: " + string.Join(", ", undecided));
        Assert.True(stale.Count == 0, "Decisions for endpoints that no longer exist: " + string.Join(", ", stale));

        var failures = new List<string>();
        foreach (var (endpoint, @case) in cases.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            // Callers that are refused go first, so the one allowed to change something does it last.
            foreach (var who in Everyone.OrderBy(w => Expect(@case, w) < 300 ? 1 : 0))
            {
                // Redirects are answers too: the API must never send one, a page sends a signed-out person to sign in.
                using var http = fixture.Factory.CreateClient(new() { AllowAutoRedirect = false });
                using var request = @case.Build(who);
                await world.AuthenticateAsync(request, who, @case.FreshSession);
                using var response = await http.SendAsync(request);
                var expected = Expect(@case, who);
                if ((int)response.StatusCode != expected)
                {
                    failures.Add($"{endpoint} as {who}: expected {expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
                else if (WrongRedirect(@case, who, response) is { } wrong)
                {
                    failures.Add($"{endpoint} as {who}: {wrong}");
                }
                else if (SecurityHeaderTests.Missing(response, request.RequestUri!.IsAbsoluteUri ? request.RequestUri.AbsolutePath : request.RequestUri.OriginalString) is { } missing)
                {
                    failures.Add($"{endpoint} as {who}: {missing}");
                }
                // Every refusal of the API is problem details, and so is every 401/403 anywhere; the SignalR transport's
                // own protocol errors (a GET that is not a WebSocket, say) are its plain text.
                else if (expected >= 400 && !World.IsPage(request)
                    && (request.RequestUri!.OriginalString.StartsWith("/api", StringComparison.Ordinal) || expected is 401 or 403)
                    && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    failures.Add($"{endpoint} as {who}: {expected} without problem details");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>
    /// A store's key is store A's staff on the endpoints that let store keys in, and no credential anywhere else (the
    /// header is not read there, so it gets what an anonymous caller gets).
    /// </summary>
    private static int Expect(Case @case, Who who) =>
        who != Who.StoreKeyA ? @case.Expected(who) : @case.Expected(@case.StoreKey ? Who.SellerA : Who.Anonymous);

    private static string? WrongRedirect(Case @case, Who who, HttpResponseMessage response)
    {
        if (@case.Location?.Invoke(who) is not { } expected)
        {
            return null;
        }

        var location = response.Headers.Location;
        var actual = location is null ? null : location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
        return actual?.StartsWith(expected, StringComparison.Ordinal) == true ? null : $"expected a redirect to {expected}, got {actual}";
    }

    /// <summary>What the page rows share.</summary>
    private static class Pages
    {
        public const string Home = "GET ";
        public const string SignIn = "/account/login?returnUrl=";

        public const string Denied = "/account/denied";

        public static bool SignedIn(Who who) => who is not (Who.Anonymous or Who.Guest or Who.Integration or Who.StoreKeyA);

        public static bool IsSeller(Who who) => who is Who.SellerA or Who.SellerB or Who.SuspendedSeller;

        public static Func<Who, string?> LoginUnless(Func<Who, bool> allowed) => who => allowed(who) ? null : SignIn;

        /// <summary>A console page: <paramref name="member"/>s get it (200, or what <paramref name="allowed"/> says), other accounts the "not allowed" page, the rest the sign-in page.</summary>
        public static Case Console(string path, Func<Who, bool> member, Func<Who, int>? allowed = null) =>
            new(_ => new HttpRequestMessage(HttpMethod.Get, path),
                who => member(who) ? allowed?.Invoke(who) ?? 200 : 302,
                Location: who => member(who) ? null : SignedIn(who) ? Denied : SignIn);
    }

    /// <param name="StoreKey">The endpoint lets a store's API key in (see <see cref="Expect"/>).</param>
    private sealed record Case(
        Func<Who, HttpRequestMessage> Build, Func<Who, int> Expected, bool FreshSession = false, Func<Who, string?>? Location = null,
        bool StoreKey = false);

    private static Dictionary<string, Case> Cases(World w)
    {
        static HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);
        static HttpRequestMessage Send(HttpMethod method, string path, object? body = null) =>
            new(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        static Case Open(Func<Who, HttpRequestMessage> build, int status) => new(build, _ => status);

        // Statuses for endpoints closed to anonymous callers (401) and guests (403).
        static Func<Who, int> Only(int allowed, params Who[] who) => caller =>
            who.Contains(caller) ? allowed
            : caller is Who.Anonymous or Who.Integration ? 401
            : 403;
        static Func<Who, int> Users(int status) => caller =>
            caller is Who.Anonymous or Who.Integration ? 401 : caller == Who.Guest ? 403 : status;

        static Func<Who, int> Visitors(int status) => caller => caller is Who.Anonymous or Who.Integration ? 401 : status;

        static Case Dashboard(string path, int admin = 200) => new(_ => Get(path), Only(admin, Who.Admin));

        var a = w.StoreA;
        return new Dictionary<string, Case>(StringComparer.Ordinal)
        {
            // Accounts: open to everyone; the body decides.
            ["POST /api/auth/register"] = Open(_ => Send(HttpMethod.Post, "/api/auth/register",
                new { email = ApiClient.NewEmail(), password = TestSecrets.Password, displayName = "New", role = "shopper" }), 201),
            ["POST /api/auth/login"] = Open(_ => Send(HttpMethod.Post, "/api/auth/login",
                new { email = ApiClient.NewEmail("nobody"), password = TestSecrets.Password }), 401),
            ["POST /api/auth/refresh"] = Open(_ => Send(HttpMethod.Post, "/api/auth/refresh", new { refreshToken = "not-a-token" }), 401),
            ["POST /api/auth/logout"] = new(_ => Send(HttpMethod.Post, "/api/auth/logout"),
                caller => caller is Who.Anonymous or Who.Guest or Who.Integration ? 401 : 204, FreshSession: true),
            ["POST /api/auth/guest"] = Open(_ => Send(HttpMethod.Post, "/api/auth/guest"), 200),

            ["GET /api/me/"] = new(_ => Get("/api/me"), Users(200)),
            // Email: the same answer for any address; links that are not ours are refused; the caller's own address.
            ["POST /api/auth/password/forgot"] = Open(_ => Send(HttpMethod.Post, "/api/auth/password/forgot", new { email = ApiClient.NewEmail("nobody") }), 202),
            ["POST /api/auth/password/reset"] = Open(_ => Send(HttpMethod.Post, "/api/auth/password/reset",
                new { token = "bm90LWEtdG9rZW4", password = "a long enough passphrase" }), 400),
            ["POST /api/auth/email/verify"] = Open(_ => Send(HttpMethod.Post, "/api/auth/email/verify", new { token = "bm90LWEtdG9rZW4" }), 400),
            // Accounts registered through the API have not confirmed their address; the seeded admin has.
            ["POST /api/me/email/verification"] = new(_ => Send(HttpMethod.Post, "/api/me/email/verification"),
                caller => caller == Who.Admin ? 409 : Users(202)(caller)),
            ["POST /api/me/email"] = new(_ => Send(HttpMethod.Post, "/api/me/email", new { newEmail = ApiClient.NewEmail("moved"), password = "not the password" }),
                Users(403)),
            ["PUT /api/me/culture"] = new(_ => Send(HttpMethod.Put, "/api/me/culture", new { culture = "en" }), Users(204)),
            ["GET /api/me/notification-preferences/"] = new(_ => Get("/api/me/notification-preferences"), Users(200)),
            ["PUT /api/me/notification-preferences/"] = new(_ => Send(HttpMethod.Put, "/api/me/notification-preferences",
                new { kinds = new { reviews = "digest" } }), Users(200)),
            ["POST /api/me/two-factor/setup"] = new(_ => Send(HttpMethod.Post, "/api/me/two-factor/setup"), Users(200)),
            // Cases run in key order, so no one has started enrolment yet.
            ["POST /api/me/two-factor/enable"] = new(_ => Send(HttpMethod.Post, "/api/me/two-factor/enable", new { code = "000000" }), Users(409)),
            ["POST /api/me/two-factor/disable"] = new(_ => Send(HttpMethod.Post, "/api/me/two-factor/disable", new { code = "000000" }), Users(204)),
            ["POST /api/me/two-factor/recovery-codes"] = new(_ => Send(HttpMethod.Post, "/api/me/two-factor/recovery-codes", new { code = "000000" }), Users(409)),
            // A bogus invitation to store A: refused, and sellers of other stores are told they cannot join a second one.
            ["POST /api/invitations/accept"] = new(_ => Send(HttpMethod.Post, "/api/invitations/accept", new { token = a + ".bogus" }),
                caller => caller is Who.SellerB or Who.SuspendedSeller ? 409 : Users(403)(caller)),

            // Stores.
            ["POST /api/sellers/"] = new(_ => Send(HttpMethod.Post, "/api/sellers", new { name = "Admin's store" }), Only(201, Who.Admin)),
            ["GET /api/sellers/{sellerId}"] = Open(_ => Get($"/api/sellers/{a}"), 200),
            ["PUT /api/sellers/{sellerId}"] = new(_ => Send(HttpMethod.Put, $"/api/sellers/{a}", new { name = "Café Ana" }), Only(200, Who.SellerA)),
            ["GET /api/sellers/{sellerId}/products"] = Open(_ => Get($"/api/sellers/{a}/products"), 200),
            ["POST /api/sellers/{sellerId}/products"] = new(_ => Send(HttpMethod.Post, $"/api/sellers/{a}/products", ApiClient.Product()), Only(201, Who.SellerA), StoreKey: true),
            ["POST /api/sellers/{sellerId}/invitations"] = new(_ => Send(HttpMethod.Post, $"/api/sellers/{a}/invitations", new { email = ApiClient.NewEmail("staff") }),
                Only(201, Who.SellerA)),
            ["GET /api/sellers/{sellerId}/staff"] = new(_ => Get($"/api/sellers/{a}/staff"), Only(200, Who.SellerA, Who.Admin)),
            ["DELETE /api/sellers/{sellerId}/staff/{userId}"] = new(_ => Send(HttpMethod.Delete, $"/api/sellers/{a}/staff/usr_nobody"), Only(404, Who.SellerA)),

            // Products.
            ["GET /api/products/{productId}"] = Open(_ => Get($"/api/products/{w.ProductA}"), 200),
            ["PUT /api/products/{productId}"] = new(_ =>
            {
                var put = Send(HttpMethod.Put, $"/api/products/{w.ProductA}", ApiClient.Product());
                put.Headers.IfMatch.Add(EntityTagHeaderValue.Any);
                return put;
            }, Only(200, Who.SellerA), StoreKey: true),
            ["DELETE /api/products/{productId}"] = new(_ => Send(HttpMethod.Delete, $"/api/products/{w.ProductA2}"), Only(200, Who.SellerA), StoreKey: true),
            ["POST /api/products/{productId}/images"] = new(_ => new HttpRequestMessage(HttpMethod.Post, $"/api/products/{w.ProductA}/images")
            {
                Content = ProductApiTests.Png(4, 4),
            }, Only(201, Who.SellerA), StoreKey: true),
            ["DELETE /api/products/{productId}/images/{key}"] = new(_ => Send(HttpMethod.Delete, $"/api/products/{w.ProductA}/images/none.png"),
                Only(200, Who.SellerA), StoreKey: true),
            ["GET /api/search"] = Open(_ => Get("/api/search?q=cafe"), 200),
            ["GET /media/{key}"] = Open(_ => Get("/media/" + new string('0', 64) + ".png"), 404),
            // The benchmark module is off here: its whole prefix is one 404 for everyone (its routes are in OnlineMarketplaceTests).
            ["GET /om/{**rest}"] = Open(_ => Get("/om/seller/dashboard/1"), 404),
            ["PUT /api/products/{productId}/stock"] = new(_ => Send(HttpMethod.Put, $"/api/products/{w.ProductA}/stock",
                new { items = new[] { new { sku = "CAFE-250", onHand = 30 } } }), Only(200, Who.SellerA), StoreKey: true),

            // Carts: everyone with a token has their own, guests included.
            ["GET /api/cart/"] = new(_ => Get("/api/cart"), Visitors(200)),
            ["POST /api/cart/items"] = new(_ => Send(HttpMethod.Post, "/api/cart/items", new { productId = w.ProductA, sku = "CAFE-250", quantity = 1 }),
                Visitors(200)),
            ["PATCH /api/cart/items/{productId}/{sku}"] = new(_ => Send(HttpMethod.Patch, $"/api/cart/items/{w.ProductA}/NOT-IN-CART", new { quantity = 2 }),
                Visitors(404)),
            ["POST /api/cart/merge"] = new(_ => Send(HttpMethod.Post, "/api/cart/merge", new { guestToken = "not-a-token" }), Users(400)),
            ["DELETE /api/cart/items/{productId}/{sku}"] = new(_ => Send(HttpMethod.Delete, $"/api/cart/items/{w.ProductA}/NOT-IN-CART"), Visitors(200)),

            // Orders: the world's shopper bought from store A. Checkout runs before anything is added to the carts.
            ["POST /api/cart/checkout"] = new(_ =>
            {
                var checkout = Send(HttpMethod.Post, "/api/cart/checkout", new { shippingAddress = World.Address });
                checkout.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
                return checkout;
            }, caller => caller is Who.Guest or Who.Admin ? 403 : Users(409)(caller)),
            ["GET /api/orders/"] = new(_ => Get("/api/orders"), Users(200)),
            ["GET /api/orders/{orderId}"] = new(_ => Get($"/api/orders/{w.Order}"), Only(200, Who.Shopper, Who.SellerA, Who.Admin), StoreKey: true),
            ["POST /api/orders/{orderId}/accept"] = new(who => Send(HttpMethod.Post,
                $"/api/orders/{(who == Who.StoreKeyA ? w.OrderForKeyToAccept : w.Order)}/accept", new { shippingCost = 100 }), Only(200, Who.SellerA), StoreKey: true),
            // Buyer and store may both cancel, each an order of its own here.
            ["POST /api/orders/{orderId}/cancel"] = new(who => Send(HttpMethod.Post,
                $"/api/orders/{(who switch { Who.SellerA => w.OrderForStoreToCancel, Who.StoreKeyA => w.OrderForKeyToCancel, _ => w.OrderForBuyerToCancel })}/cancel",
                new { reason = "Matrix" }), Only(200, Who.Shopper, Who.SellerA), StoreKey: true),
            ["POST /api/orders/{orderId}/pay"] = new(_ => Send(HttpMethod.Post, $"/api/orders/{w.Order}/pay"), Only(200, Who.Shopper)),
            // By now the order awaits payment: the store may no longer reject it, nor ship it yet.
            ["POST /api/orders/{orderId}/reject"] = new(_ => Send(HttpMethod.Post, $"/api/orders/{w.Order}/reject", new { reason = "Matrix" }),
                Only(409, Who.SellerA), StoreKey: true),
            ["POST /api/orders/{orderId}/ship"] = new(_ => Send(HttpMethod.Post, $"/api/orders/{w.Order}/ship"), Only(409, Who.SellerA), StoreKey: true),
            // Returns: the buyer asks (this order is not delivered: 409), only its store decides (there is no return r1: 404).
            ["POST /api/orders/{orderId}/returns/"] = new(_ => Send(HttpMethod.Post, $"/api/orders/{w.Order}/returns",
                new { lines = new[] { new { sku = "CAFE-250", quantity = 1 } }, reason = "Matrix" }), Only(409, Who.Shopper)),
            ["POST /api/orders/{orderId}/returns/{returnId}/approve"] = new(_ => Send(HttpMethod.Post, $"/api/orders/{w.Order}/returns/r1/approve", new { }),
                Only(404, Who.SellerA)),
            ["POST /api/orders/{orderId}/returns/{returnId}/reject"] = new(_ => Send(HttpMethod.Post, $"/api/orders/{w.Order}/returns/r1/reject",
                new { reason = "Matrix" }), Only(404, Who.SellerA)),
            ["GET /api/seller/orders"] = new(_ => Get("/api/seller/orders"), Only(200, Who.SellerA, Who.SellerB, Who.SuspendedSeller), StoreKey: true),
            ["GET /api/seller/dashboard"] = new(_ => Get("/api/seller/dashboard"), Only(200, Who.SellerA, Who.SellerB, Who.SuspendedSeller)),
            // Providers sign instead of authenticating: an unsigned event is refused whoever sends it.
            ["POST /api/webhooks/payments"] = Open(_ => Send(HttpMethod.Post, "/api/webhooks/payments", new { id = "evt_1" }), 401),
            ["POST /api/webhooks/shipping"] = Open(_ => Send(HttpMethod.Post, "/api/webhooks/shipping", new { id = "evt_1" }), 401),

            // Notifications: every account has its own inbox.
            ["GET /api/notifications/"] = new(_ => Get("/api/notifications?unread=true"), Users(200)),
            ["POST /api/notifications/{notificationId}/read"] = new(_ => Send(HttpMethod.Post, "/api/notifications/ntf_unknown/read"), Users(404)),
            ["POST /api/notifications/read-all"] = new(_ => Send(HttpMethod.Post, "/api/notifications/read-all"), Users(200)),

            // Q&A and reviews: anyone reads; shoppers ask; buyers of delivered orders review; the product's store answers.
            ["GET /api/products/{productId}/questions/"] = Open(_ => Get($"/api/products/{w.ProductA}/questions"), 200),
            ["POST /api/products/{productId}/questions/"] = new(_ => Send(HttpMethod.Post, $"/api/products/{w.ProductA}/questions",
                new { text = "Is it whole bean?" }), caller => caller switch
                {
                    Who.Anonymous or Who.Integration => 401,
                    Who.Guest or Who.Admin => 403,
                    _ => 201,
                }),
            ["POST /api/questions/{questionId}/answer"] = new(_ => Send(HttpMethod.Post, $"/api/questions/{w.Question}/answer",
                new { text = "Yes, whole bean." }), Only(200, Who.SellerA)),
            ["POST /api/questions/{questionId}/hide"] = new(_ => Send(HttpMethod.Post, $"/api/questions/{w.Question}/hide"), Only(200, Who.SellerA)),
            ["POST /api/questions/{questionId}/unhide"] = new(_ => Send(HttpMethod.Post, $"/api/questions/{w.Question}/unhide"), Only(200, Who.SellerA)),
            ["GET /api/products/{productId}/reviews/"] = Open(_ => Get($"/api/products/{w.ProductA}/reviews"), 200),
            ["POST /api/products/{productId}/reviews/"] = new(_ => Send(HttpMethod.Post, $"/api/products/{w.ProductA}/reviews",
                new { rating = 5, text = "Lovely" }), caller => caller is Who.Anonymous or Who.Integration ? 401 : 403),
            ["POST /api/reviews/{reviewId}/reply"] = new(_ => Send(HttpMethod.Post,
                $"/api/reviews/rev_{w.ProductA[4..]}_00000000/reply", new { text = "Thanks" }), Only(404, Who.SellerA, Who.SellerB, Who.SuspendedSeller)),

            // Admin.
            ["GET /api/admin/users"] = new(_ => Get("/api/admin/users?q=test"), Only(200, Who.Admin)),
            ["GET /api/admin/stores"] = new(_ => Get("/api/admin/stores"), Only(200, Who.Admin)),
            ["POST /api/admin/stores/{sellerId}/suspend"] = new(_ => Send(HttpMethod.Post, $"/api/admin/stores/{w.StoreC}/suspend", new { reason = "Audit" }),
                Only(200, Who.Admin)),
            ["POST /api/admin/stores/{sellerId}/reinstate"] = new(_ => Send(HttpMethod.Post, $"/api/admin/stores/{w.StoreC}/reinstate"), Only(200, Who.Admin)),
            ["POST /api/admin/stores/{sellerId}/claim-code"] = new(_ => Send(HttpMethod.Post, $"/api/admin/stores/{w.StoreC}/claim-code"), Only(200, Who.Admin)),
            ["GET /api/admin/api-keys"] = new(_ => Get("/api/admin/api-keys"), Only(200, Who.Admin)),
            ["POST /api/admin/api-keys"] = new(_ => Send(HttpMethod.Post, "/api/admin/api-keys", new { name = "Matrix", scopes = new[] { "directory" } }),
                Only(201, Who.Admin)),
            ["DELETE /api/admin/api-keys/{keyId:guid}"] = new(_ => Send(HttpMethod.Delete, $"/api/admin/api-keys/{Guid.NewGuid()}"), Only(404, Who.Admin)),
            ["GET /api/admin/cluster"] = new(_ => Get("/api/admin/cluster"), Only(200, Who.Admin)),
            ["GET /api/admin/commission"] = new(_ => Get("/api/admin/commission"), Only(200, Who.Admin)),
            ["PUT /api/admin/commission"] = new(_ => Send(HttpMethod.Put, "/api/admin/commission", new { defaultRate = 8 }), Only(200, Who.Admin)),
            ["GET /api/admin/ledger/check"] = new(_ => Get("/api/admin/ledger/check"), Only(200, Who.Admin)),
            ["GET /api/admin/tax-rates"] = new(_ => Get("/api/admin/tax-rates"), Only(200, Who.Admin)),
            ["PUT /api/admin/tax-rates"] = new(_ => Send(HttpMethod.Put, "/api/admin/tax-rates", new { countries = new Dictionary<string, Dictionary<string, decimal>> { ["US"] = new() { ["CA"] = 7.25m } } }), Only(200, Who.Admin)),
            ["POST /api/admin/payouts"] = new(_ =>
            {
                var payout = Send(HttpMethod.Post, "/api/admin/payouts", new { periodEnd = DateTimeOffset.UtcNow.AddDays(-1) });
                payout.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
                return payout;
            }, Only(201, Who.Admin)),
            ["GET /api/admin/payouts"] = new(_ => Get("/api/admin/payouts"), Only(200, Who.Admin)),
            ["GET /api/admin/payouts/{payoutId}"] = new(_ => Get("/api/admin/payouts/po_nothing"), Only(404, Who.Admin)),
            ["GET /api/admin/payouts/{payoutId}.csv"] = new(_ => Get("/api/admin/payouts/po_nothing.csv"), Only(404, Who.Admin)),
            ["POST /api/admin/payouts/{payoutId}/paid"] = new(_ => Send(HttpMethod.Post, "/api/admin/payouts/po_nothing/paid"), Only(404, Who.Admin)),
            // A store's statement is its own: the caller's store, never one named in the request.
            ["GET /api/seller/statements"] = new(_ => Get("/api/seller/statements?from=2026-01-01&to=2026-02-01"), Only(200, Who.SellerA, Who.SellerB, Who.SuspendedSeller)),
            ["GET /api/seller/statements.csv"] = new(_ => Get("/api/seller/statements.csv?from=2026-01-01&to=2026-02-01"), Only(200, Who.SellerA, Who.SellerB, Who.SuspendedSeller)),
            // Coupons are the caller's store's: created, listed and deleted there, never in a store named in the request.
            ["POST /api/seller/coupons/"] = new(_ => Send(HttpMethod.Post, "/api/seller/coupons",
                new { code = "M" + Guid.NewGuid().ToString("N")[..10], kind = "percent", value = 10 }), Only(201, Who.SellerA, Who.SellerB, Who.SuspendedSeller)),
            ["GET /api/seller/coupons/"] = new(_ => Get("/api/seller/coupons"), Only(200, Who.SellerA, Who.SellerB, Who.SuspendedSeller)),
            ["DELETE /api/seller/coupons/{code}"] = new(_ => Send(HttpMethod.Delete, "/api/seller/coupons/NOT-A-COUPON"),
                Only(404, Who.SellerA, Who.SellerB, Who.SuspendedSeller)),
            // Reports: a store's are its own staff's (the caller's store, never one named in the request); the marketplace's are the admin's.
            ["GET /api/seller/reports/sales"] = new(_ => Get("/api/seller/reports/sales?interval=week"), Only(200, Who.SellerA, Who.SellerB, Who.SuspendedSeller)),
            ["GET /api/seller/reports/funnel"] = new(_ => Get("/api/seller/reports/funnel"), Only(200, Who.SellerA, Who.SellerB, Who.SuspendedSeller)),
            ["GET /api/seller/reports/top-products"] = new(_ => Get("/api/seller/reports/top-products"), Only(200, Who.SellerA, Who.SellerB, Who.SuspendedSeller)),
            ["GET /api/seller/reports/returning-buyers"] = new(_ => Get("/api/seller/reports/returning-buyers"),
                Only(200, Who.SellerA, Who.SellerB, Who.SuspendedSeller)),
            ["GET /api/admin/reports/gmv"] = new(_ => Get("/api/admin/reports/gmv?interval=month"), Only(200, Who.Admin)),
            ["GET /api/admin/reports/stores"] = new(_ => Get("/api/admin/reports/stores"), Only(200, Who.Admin)),
            ["GET /api/admin/reports/search-gaps"] = new(_ => Get("/api/admin/reports/search-gaps"), Only(200, Who.Admin)),
            ["POST /api/admin/etl/run"] = new(_ => Send(HttpMethod.Post, "/api/admin/etl/run", new { rebuild = false }), Only(202, Who.Admin)),
            ["GET /api/admin/etl"] = new(_ => Get("/api/admin/etl"), Only(200, Who.Admin)),
            // Recommendations: with a product for anyone; for the visitor and their cart with any token (a guest's too).
            ["GET /api/products/{productId}/recommendations"] = Open(_ => Get($"/api/products/{w.ProductA}/recommendations?kind=similar"), 200),
            ["GET /api/recommendations/for-you"] = new(_ => Get("/api/recommendations/for-you"), Visitors(200)),
            ["GET /api/cart/recommendations"] = new(_ => Get("/api/cart/recommendations"), Visitors(200)),
            ["POST /api/admin/exports/graph"] = new(_ => Send(HttpMethod.Post, "/api/admin/exports/graph", new { month = "2025-01" }), Only(202, Who.Admin)),
            ["POST /api/admin/exports/parquet"] = new(_ => Send(HttpMethod.Post, "/api/admin/exports/parquet"), Only(202, Who.Admin)),
            ["GET /api/admin/exports/"] = new(_ => Get("/api/admin/exports"), Only(200, Who.Admin)),
            ["GET /api/admin/exports/{exportId}"] = new(_ => Get("/api/admin/exports/exp_nothing"), Only(404, Who.Admin)),
            ["GET /api/admin/exports/{exportId}/files/{name}"] = new(_ => Get("/api/admin/exports/exp_nothing/files/x.csv"), Only(404, Who.Admin)),
            // Catalog spreadsheets: the caller's store's (a dry run of a one-row file here), for its staff and its key.
            ["POST /api/seller/catalog/imports"] = new(_ => new HttpRequestMessage(HttpMethod.Post, "/api/seller/catalog/imports?dryRun=true")
            {
                Content = new MultipartFormDataContent
                {
                    { new StringContent("handle,title,category,currency,price,sku,stock\nm,Matrix,misc,CLP,100,M-1,1\n"), "file", "matrix.csv" },
                },
            }, Only(202, Who.SellerA, Who.SellerB, Who.SuspendedSeller), StoreKey: true),
            ["GET /api/seller/catalog/imports"] = new(_ => Get("/api/seller/catalog/imports"), Only(200, Who.SellerA, Who.SellerB, Who.SuspendedSeller), StoreKey: true),
            ["GET /api/seller/catalog/imports/{importId}"] = new(_ => Get("/api/seller/catalog/imports/imp_nothing"),
                Only(404, Who.SellerA, Who.SellerB, Who.SuspendedSeller), StoreKey: true),
            ["POST /api/seller/catalog/imports/{importId}/cancel"] = new(_ => Send(HttpMethod.Post, "/api/seller/catalog/imports/imp_nothing/cancel"),
                Only(404, Who.SellerA, Who.SellerB, Who.SuspendedSeller), StoreKey: true),
            ["GET /api/seller/catalog/export"] = new(_ => Get("/api/seller/catalog/export"), Only(200, Who.SellerA, Who.SellerB, Who.SuspendedSeller), StoreKey: true),
            // A store's API keys are made and revoked by its staff with their own token (a key makes no keys).
            ["POST /api/seller/api-keys/"] = new(_ => Send(HttpMethod.Post, "/api/seller/api-keys", new { name = "Matrix" }),
                Only(201, Who.SellerA, Who.SellerB, Who.SuspendedSeller)),
            ["GET /api/seller/api-keys/"] = new(_ => Get("/api/seller/api-keys"), Only(200, Who.SellerA, Who.SellerB, Who.SuspendedSeller)),
            ["DELETE /api/seller/api-keys/{keyId:guid}"] = new(_ => Send(HttpMethod.Delete, $"/api/seller/api-keys/{Guid.NewGuid()}"),
                Only(404, Who.SellerA, Who.SellerB, Who.SuspendedSeller)),
            // Webhooks: a store's endpoints are its staff's (created for the caller's store; another's answers 404), the
            // marketplace's the admins'. The address is a public one that nothing here answers.
            ["POST /api/seller/webhooks/"] = new(_ => Send(HttpMethod.Post, "/api/seller/webhooks", Webhook), Only(201, Who.SellerA, Who.SellerB, Who.SuspendedSeller), StoreKey: true),
            ["GET /api/seller/webhooks/"] = new(_ => Get("/api/seller/webhooks"), Only(200, Who.SellerA, Who.SellerB, Who.SuspendedSeller), StoreKey: true),
            ["GET /api/seller/webhooks/{endpointId}"] = new(_ => Get($"/api/seller/webhooks/{NoEndpoint}"), Only(404, Who.SellerA, Who.SellerB, Who.SuspendedSeller), StoreKey: true),
            ["PUT /api/seller/webhooks/{endpointId}"] = new(_ => Send(HttpMethod.Put, $"/api/seller/webhooks/{NoEndpoint}", Webhook),
                Only(404, Who.SellerA, Who.SellerB, Who.SuspendedSeller), StoreKey: true),
            ["DELETE /api/seller/webhooks/{endpointId}"] = new(_ => Send(HttpMethod.Delete, $"/api/seller/webhooks/{NoEndpoint}"),
                Only(404, Who.SellerA, Who.SellerB, Who.SuspendedSeller), StoreKey: true),
            ["POST /api/seller/webhooks/{endpointId}/secret"] = new(_ => Send(HttpMethod.Post, $"/api/seller/webhooks/{NoEndpoint}/secret"),
                Only(404, Who.SellerA, Who.SellerB, Who.SuspendedSeller), StoreKey: true),
            ["GET /api/seller/webhooks/{endpointId}/deliveries"] = new(_ => Get($"/api/seller/webhooks/{NoEndpoint}/deliveries"),
                Only(404, Who.SellerA, Who.SellerB, Who.SuspendedSeller), StoreKey: true),
            ["POST /api/seller/webhooks/{endpointId}/deliveries/{deliveryId:long}/redeliver"] = new(
                _ => Send(HttpMethod.Post, $"/api/seller/webhooks/{NoEndpoint}/deliveries/1/redeliver"), Only(404, Who.SellerA, Who.SellerB, Who.SuspendedSeller), StoreKey: true),
            ["POST /api/admin/webhooks/"] = new(_ => Send(HttpMethod.Post, "/api/admin/webhooks", Webhook), Only(201, Who.Admin)),
            ["GET /api/admin/webhooks/"] = new(_ => Get("/api/admin/webhooks"), Only(200, Who.Admin)),
            ["GET /api/admin/webhooks/{endpointId}"] = new(_ => Get($"/api/admin/webhooks/{NoEndpoint}"), Only(404, Who.Admin)),
            ["PUT /api/admin/webhooks/{endpointId}"] = new(_ => Send(HttpMethod.Put, $"/api/admin/webhooks/{NoEndpoint}", Webhook), Only(404, Who.Admin)),
            ["DELETE /api/admin/webhooks/{endpointId}"] = new(_ => Send(HttpMethod.Delete, $"/api/admin/webhooks/{NoEndpoint}"), Only(404, Who.Admin)),
            ["POST /api/admin/webhooks/{endpointId}/secret"] = new(_ => Send(HttpMethod.Post, $"/api/admin/webhooks/{NoEndpoint}/secret"), Only(404, Who.Admin)),
            ["GET /api/admin/webhooks/{endpointId}/deliveries"] = new(_ => Get($"/api/admin/webhooks/{NoEndpoint}/deliveries"), Only(404, Who.Admin)),
            ["POST /api/admin/webhooks/{endpointId}/deliveries/{deliveryId:long}/redeliver"] = new(
                _ => Send(HttpMethod.Post, $"/api/admin/webhooks/{NoEndpoint}/deliveries/1/redeliver"), Only(404, Who.Admin)),
            // The OpenID Connect provider's administration is the admins'.
            ["POST /api/admin/oidc/clients"] = new(_ => Send(HttpMethod.Post, "/api/admin/oidc/clients",
                new { displayName = "Matrix", redirectUris = new[] { "http://127.0.0.1:9/cb" } }), Only(201, Who.Admin)),
            ["GET /api/admin/oidc/clients"] = new(_ => Get("/api/admin/oidc/clients"), Only(200, Who.Admin)),
            ["GET /api/admin/oidc/clients/{clientId}"] = new(_ => Get("/api/admin/oidc/clients/no-such-client"), Only(404, Who.Admin)),
            ["DELETE /api/admin/oidc/clients/{clientId}"] = new(_ => Send(HttpMethod.Delete, "/api/admin/oidc/clients/no-such-client"), Only(404, Who.Admin)),
            ["POST /api/admin/oidc/clients/{clientId}/secret"] = new(_ => Send(HttpMethod.Post, "/api/admin/oidc/clients/no-such-client/secret"), Only(404, Who.Admin)),
            ["GET /api/admin/oidc/keys"] = new(_ => Get("/api/admin/oidc/keys"), Only(200, Who.Admin)),
            ["POST /api/admin/oidc/keys/rotate"] = new(_ => Send(HttpMethod.Post, "/api/admin/oidc/keys/rotate"), Only(200, Who.Admin)),
            // Deleting one's own account needs the password (none of the world's accounts is deleted here).
            ["POST /api/me/delete"] = new(_ => Send(HttpMethod.Post, "/api/me/delete", new { password = "not-the-password-1" }),
                caller => caller is Who.Anonymous or Who.Integration ? 401 : 403),
            // Anyone with a token, guests included, may stop being recorded.
            ["PUT /api/insights/consent"] = new(_ => Send(HttpMethod.Put, "/api/insights/consent", new { record = true }), Visitors(204)),
            // A shopper enters a code only for a store in the cart (none here holds anything of this one).
            ["POST /api/cart/coupons/"] = new(_ => Send(HttpMethod.Post, "/api/cart/coupons", new { sellerId = w.StoreC, code = "ANY-CODE" }), Visitors(400)),
            ["DELETE /api/cart/coupons/{sellerId}"] = new(_ => Send(HttpMethod.Delete, $"/api/cart/coupons/{w.StoreC}"), Visitors(200)),
            ["POST /api/admin/announcements/"] = new(_ => Send(HttpMethod.Post, "/api/admin/announcements", new
            {
                segment = "storeBuyers", sellerId = a, subject = new { en = "Matrix", es = "Matriz" }, body = new { en = "Hello.", es = "Hola." },
            }), Only(202, Who.Admin)),
            ["GET /api/admin/announcements/"] = new(_ => Get("/api/admin/announcements"), Only(200, Who.Admin)),
            ["GET /api/admin/announcements/{announcementId}"] = new(_ => Get("/api/admin/announcements/ann_nothing"), Only(404, Who.Admin)),
            // A store may announce once a week: only its own staff get that far (this is the world's only one).
            ["POST /api/sellers/{sellerId}/announcements/"] = new(_ => Send(HttpMethod.Post, $"/api/sellers/{a}/announcements", new
            {
                subject = new { en = "Matrix", es = "Matriz" }, body = new { en = "Hello.", es = "Hola." },
            }), Only(202, Who.SellerA)),
            ["GET /api/sellers/{sellerId}/announcements/"] = new(_ => Get($"/api/sellers/{a}/announcements"), Only(200, Who.SellerA, Who.Admin)),

            // Integrations: an API key, never a user token.
            ["PUT /api/integrations/directory/sellers/{externalId}"] = new(_ => Send(HttpMethod.Put, $"/api/integrations/directory/sellers/matrix-{Guid.NewGuid():N}",
                new { name = "Ferretería Central" }), caller => caller == Who.Integration ? 201 : 401),
            ["POST /api/integrations/directory/sellers/{externalId}/claim-code"] = new(_ => Send(HttpMethod.Post,
                $"/api/integrations/directory/sellers/{w.DirectoryExternalId}/claim-code"), caller => caller == Who.Integration ? 200 : 401),

            // The live hub: guests and accounts connect; API keys are not for it. (Negotiation is a POST; a plain GET
            // with a valid token reaches SignalR, which wants a WebSocket and says 400.)
            ["GET /hubs/market/negotiate"] = new(_ => Send(HttpMethod.Post, "/hubs/market/negotiate?negotiateVersion=1"), Visitors(200)),
            ["GET /hubs/market"] = new(_ => Get("/hubs/market"), Visitors(400)),

            // Web pages: people are known by the sign-in cookie of the sign-in page; pages that need an account send
            // everyone else to sign in, and someone else's order is as absent as a missing one.
            // The OpenID Connect provider's endpoints speak the protocol to everyone alike: an authorization or token
            // request without its parameters is a protocol error, user info wants one of the provider's own tokens
            // (the marketplace's API tokens are not), and end session signs out whoever is there and goes home.
            ["GET connect/authorize"] = Open(_ => Get("/connect/authorize"), 400),
            ["POST /connect/token"] = Open(_ => Send(HttpMethod.Post, "/connect/token"), 400),
            ["GET /connect/userinfo"] = Open(_ => Get("/connect/userinfo"), 401),
            ["POST /connect/userinfo"] = Open(_ => Send(HttpMethod.Post, "/connect/userinfo"), 400), // a POST must be a form
            ["GET /connect/logout"] = new(_ => Get("/connect/logout"), _ => 302, FreshSession: true, Location: _ => "/"),
            ["POST /connect/logout"] = Open(_ => Send(HttpMethod.Post, "/connect/logout"), 400),
            // Sign-in with the directory is not configured here: its endpoints are absent, and the link page has
            // nothing to link.
            ["GET /account/external"] = Open(_ => Get("/account/external"), 404),
            ["GET /account/external/callback"] = Open(_ => Get("/account/external/callback"), 404),
            ["POST /account/external/callback"] = Open(_ => Send(HttpMethod.Post, "/account/external/callback"), 404),
            ["GET account/external/link"] = new(_ => Get("/account/external/link"), _ => 302, Location: _ => "/account/login"),
            [Pages.Home] = Open(_ => Get("/"), 200),
            ["GET Index"] = Open(_ => Get("/Index"), 200),
            ["GET search"] = Open(_ => Get("/search?q=cafe"), 200),
            ["GET products/{productId}/{slug?}"] = new(_ => Get($"/products/{w.ProductA}"), _ => 301,
                Location: _ => $"/products/{w.ProductA}/cafe-de-colombia"),
            ["GET stores/{sellerId}"] = Open(_ => Get($"/stores/{a}"), 200),
            ["GET cart"] = Open(_ => Get("/cart"), 200),
            ["GET checkout"] = new(_ => Get($"/checkout?seller={a}"), _ => 302, Location: who => Pages.SignedIn(who) ? "/cart" : Pages.SignIn),
            ["GET orders"] = new(_ => Get("/orders"), who => Pages.SignedIn(who) ? 200 : 302, Location: who => Pages.SignedIn(who) ? null : Pages.SignIn),
            ["GET orders/index"] = new(_ => Get("/orders/index"), who => Pages.SignedIn(who) ? 200 : 302, Location: who => Pages.SignedIn(who) ? null : Pages.SignIn),
            ["GET orders/{orderId}"] = new(_ => Get($"/orders/{w.Order}"), who => who switch
            {
                Who.Shopper or Who.SellerA or Who.Admin => 200,
                Who.SellerB or Who.SuspendedSeller => 404,
                _ => 302,
            }, Location: who => Pages.SignedIn(who) ? null : Pages.SignIn),
            ["GET notifications"] = new(_ => Get("/notifications"), who => Pages.SignedIn(who) ? 200 : 302,
                Location: who => Pages.SignedIn(who) ? null : Pages.SignIn),
            ["GET account/login"] = Open(_ => Get("/account/login"), 200),
            ["GET account/register"] = Open(_ => Get("/account/register"), 200),
            ["GET account/logout"] = new(_ => Get("/account/logout"), _ => 302, Location: _ => "/"),
            ["GET account/denied"] = Open(_ => Get("/account/denied"), 403),
            ["GET error/{code:int?}"] = Open(_ => Get("/error/404"), 404),
            ["GET /culture"] = new(_ => Get("/culture?lang=es&returnUrl=/search"), _ => 302, Location: _ => "/search"),
            ["GET account/security"] = new(_ => Get("/account/security"), who => Pages.SignedIn(who) ? 200 : 302, Location: Pages.LoginUnless(Pages.SignedIn)),
            ["GET account/email"] = new(_ => Get("/account/email"), who => Pages.SignedIn(who) ? 200 : 302, Location: Pages.LoginUnless(Pages.SignedIn)),
            ["GET account/notifications"] = new(_ => Get("/account/notifications"), who => Pages.SignedIn(who) ? 200 : 302,
                Location: Pages.LoginUnless(Pages.SignedIn)),
            ["GET account/forgot-password"] = Open(_ => Get("/account/forgot-password"), 200),
            // Pages that links in emails open: a link that is not ours says so on the page.
            ["GET account/reset-password"] = Open(_ => Get("/account/reset-password?token=bogus"), 200),
            ["GET account/verify-email"] = Open(_ => Get("/account/verify-email?token=bogus"), 200),
            ["GET unsubscribe"] = Open(_ => Get("/unsubscribe?token=bogus"), 400),
            ["GET account/invitation"] = new(_ => Get("/account/invitation?token=bogus"), who => Pages.SignedIn(who) ? 404 : 302,
                Location: Pages.LoginUnless(Pages.SignedIn)),
            // The seller console: sellers see their own store's; other accounts are turned away, others asked to sign in.
            ["GET seller"] = Pages.Console("/seller", Pages.IsSeller),
            ["GET seller/orders"] = Pages.Console("/seller/orders?status=paid", Pages.IsSeller),
            ["GET seller/products"] = Pages.Console("/seller/products", Pages.IsSeller),
            ["GET seller/products/new"] = Pages.Console("/seller/products/new", Pages.IsSeller),
            ["GET seller/products/{productId}/edit"] = Pages.Console($"/seller/products/{w.ProductA}/edit", Pages.IsSeller,
                allowed: who => who == Who.SellerA ? 200 : 404),
            ["GET seller/questions"] = Pages.Console("/seller/questions", Pages.IsSeller),
            ["GET seller/reviews"] = Pages.Console("/seller/reviews", Pages.IsSeller),
            ["GET seller/settings"] = Pages.Console("/seller/settings", Pages.IsSeller),
            ["GET seller/staff"] = Pages.Console("/seller/staff", Pages.IsSeller),
            ["GET seller/announcements"] = Pages.Console("/seller/announcements", Pages.IsSeller),
            ["GET seller/statements"] = Pages.Console("/seller/statements", Pages.IsSeller),
            ["GET seller/coupons"] = Pages.Console("/seller/coupons", Pages.IsSeller),
            ["GET seller/reports"] = Pages.Console("/seller/reports?interval=Week", Pages.IsSeller),
            ["GET seller/webhooks"] = Pages.Console("/seller/webhooks", Pages.IsSeller),
            ["GET seller/api-keys"] = Pages.Console("/seller/api-keys", Pages.IsSeller),
            ["GET seller/catalog"] = Pages.Console("/seller/catalog", Pages.IsSeller),
            ["GET admin"] = Pages.Console("/admin", who => who == Who.Admin),
            ["GET admin/users"] = Pages.Console("/admin/users?q=test", who => who == Who.Admin),
            ["GET admin/stores"] = Pages.Console("/admin/stores", who => who == Who.Admin),
            ["GET admin/api-keys"] = Pages.Console("/admin/api-keys", who => who == Who.Admin),
            ["GET admin/sign-on"] = Pages.Console("/admin/sign-on", who => who == Who.Admin),
            ["GET admin/email"] = Pages.Console("/admin/email?status=queued", who => who == Who.Admin),
            ["GET admin/announcements"] = Pages.Console("/admin/announcements", who => who == Who.Admin),
            ["GET admin/payouts"] = Pages.Console("/admin/payouts", who => who == Who.Admin),
            ["GET admin/commission"] = Pages.Console("/admin/commission", who => who == Who.Admin),
            ["GET admin/reports"] = Pages.Console("/admin/reports", who => who == Who.Admin),
            ["GET admin/webhooks"] = Pages.Console("/admin/webhooks", who => who == Who.Admin),
            ["GET admin/email/preview/html"] = Pages.Console("/admin/email/preview/html?kind=verify-email&lang=es", who => who == Who.Admin),
            // The live script's token needs the page's form token: without one nobody gets it.
            ["POST /live/token"] = Open(_ => Send(HttpMethod.Post, "/live/token"), 400),
            // Operations: the dashboard cookie is traded for an admin's bearer token; the dashboard itself is admin-only.
            ["POST /api/admin/dashboard/session"] = new(_ => Send(HttpMethod.Post, "/api/admin/dashboard/session"), Only(204, Who.Admin)),
            ["DELETE /api/admin/dashboard/session"] = new(_ => Send(HttpMethod.Delete, "/api/admin/dashboard/session"), Only(204, Who.Admin)),
            ["GET /admin/dashboard/"] = Dashboard("/admin/dashboard/"),
            ["GET /admin/dashboard/index.html"] = Dashboard("/admin/dashboard/index.html"),
            ["GET /admin/dashboard/index.css"] = Dashboard("/admin/dashboard/index.css"),
            ["GET /admin/dashboard/index.min.js"] = Dashboard("/admin/dashboard/index.min.js"),
            ["GET /admin/dashboard/favicon.ico"] = Dashboard("/admin/dashboard/favicon.ico"),
            ["GET /admin/dashboard/fonts/{**path}"] = Dashboard("/admin/dashboard/fonts/none.woff", admin: 404),
            ["GET /admin/dashboard/img/{**path}"] = Dashboard("/admin/dashboard/img/none.png", admin: 404),
            ["GET /admin/dashboard/version"] = Dashboard("/admin/dashboard/version"),
            ["GET /admin/dashboard/DashboardCounters"] = Dashboard("/admin/dashboard/DashboardCounters"),
            ["GET /admin/dashboard/ClusterStats"] = Dashboard("/admin/dashboard/ClusterStats"),
            ["GET /admin/dashboard/GrainTypes"] = Dashboard("/admin/dashboard/GrainTypes"),
            ["GET /admin/dashboard/GrainState"] = Dashboard("/admin/dashboard/GrainState"),
            ["GET /admin/dashboard/GrainStats/{*grainName}"] = Dashboard("/admin/dashboard/GrainStats/CartGrain"),
            ["GET /admin/dashboard/HistoricalStats/{*path}"] = Dashboard($"/admin/dashboard/HistoricalStats/{w.Silo}"),
            ["GET /admin/dashboard/LifecycleStages"] = Dashboard("/admin/dashboard/LifecycleStages"),
            ["GET /admin/dashboard/Reminders"] = Dashboard("/admin/dashboard/Reminders"),
            ["GET /admin/dashboard/Reminders/{page:int}"] = Dashboard("/admin/dashboard/Reminders/1"),
            ["GET /admin/dashboard/SiloCounters/{*address}"] = Dashboard($"/admin/dashboard/SiloCounters/{w.Silo}"),
            ["GET /admin/dashboard/SiloMetadata/{*address}"] = Dashboard($"/admin/dashboard/SiloMetadata/{w.Silo}"),
            ["GET /admin/dashboard/SiloProperties/{*address}"] = Dashboard($"/admin/dashboard/SiloProperties/{w.Silo}"),
            ["GET /admin/dashboard/SiloStats/{*address}"] = Dashboard($"/admin/dashboard/SiloStats/{w.Silo}"),
            ["GET /admin/dashboard/TopGrainMethods"] = Dashboard("/admin/dashboard/TopGrainMethods"),
            // Streaming every grain call through a web host is off (DashboardOptions.HideTrace).
            ["GET /admin/dashboard/Trace"] = Dashboard("/admin/dashboard/Trace", admin: 403),

            // Outside the API.
            ["GET /metrics"] = Open(_ => Get("/metrics"), 200),
            ["GET /health/live"] = Open(_ => Get("/health/live"), 200),
            ["GET /health/ready"] = Open(_ => Get("/health/ready"), 200),
            ["GET /openapi/{documentName}.json"] = Open(_ => Get("/openapi/v1.json"), 200),
            ["GET /docs/{documentName?}"] = Open(_ => Get("/docs/"), 200),
            ["GET /docs/scalar.js"] = Open(_ => Get("/docs/scalar.js"), 200),
            ["GET /docs/scalar.aspnetcore.js"] = Open(_ => Get("/docs/scalar.aspnetcore.js"), 200),
            ["GET /docs/favicon.svg"] = Open(_ => Get("/docs/favicon.svg"), 200),
            ["GET /embed/marketplace.js"] = Open(_ => Get("/embed/marketplace.js"), 200),
        };
    }

    /// <summary>The callers and the things they act on.</summary>
    internal sealed class World
    {
        private readonly Dictionary<Who, string> tokens = [];
        private readonly Dictionary<Who, string> emails = [];
        private readonly WebFixture fixture;
        private string apiKey = "";
        private string storeKey = "";

        private World(WebFixture fixture) => this.fixture = fixture;

        public string StoreA { get; private set; } = "";

        public string ProductA { get; private set; } = "";

        /// <summary>A second product of store A, for the archive case.</summary>
        public string ProductA2 { get; private set; } = "";

        public string StoreC { get; private set; } = "";

        public string DirectoryExternalId { get; } = "matrix-" + Guid.NewGuid().ToString("N");

        public static object Address { get; } = new { name = "Ana Pérez", line1 = "Av. Providencia 1234", city = "Santiago", country = "CL" };

        /// <summary>Orders the shopper placed with store A (a quoting store): one to drive, one each to cancel.</summary>
        public string Order { get; private set; } = "";

        public string OrderForBuyerToCancel { get; private set; } = "";

        public string OrderForStoreToCancel { get; private set; } = "";

        /// <summary>Orders store A's API key accepts and cancels (the store's staff act on the others).</summary>
        public string OrderForKeyToAccept { get; private set; } = "";

        public string OrderForKeyToCancel { get; private set; } = "";

        public string Question { get; private set; } = "";

        /// <summary>A live silo, as the dashboard names silos in its paths.</summary>
        public string Silo { get; private set; } = "";

        public static async Task<World> CreateAsync(WebFixture fixture)
        {
            var w = new World(fixture);
            using var http = fixture.CreateClient();
            var guest = await (await http.PostAsync("/api/auth/guest", null)).ReadJsonAsync();
            w.tokens[Who.Guest] = guest.GetProperty("accessToken").GetString()!;

            foreach (var (who, role) in new[] { (Who.Shopper, "shopper"), (Who.SellerA, "seller"), (Who.SellerB, "seller"), (Who.SuspendedSeller, "seller") })
            {
                var account = await http.RegisterAsync(role, storeName: $"Store of {who}");
                w.tokens[who] = account.AccessToken;
                w.emails[who] = account.Email;
                if (who == Who.SellerA)
                {
                    w.StoreA = account.SellerId!;
                    http.UseToken(account.AccessToken);
                    w.ProductA = await http.CreateProductAsync(w.StoreA);
                    w.ProductA2 = await http.CreateProductAsync(w.StoreA);
                    w.storeKey = (await (await http.PostAsJsonAsync("/api/seller/api-keys", new { name = "Matrix ERP" })).ReadJsonAsync())
                        .GetProperty("key").GetString()!;
                    http.UseToken(null);
                }
            }

            http.UseToken(w.tokens[Who.Shopper]);
            var orders = new List<string>();
            foreach (var i in Enumerable.Range(0, 5))
            {
                (await http.PostAsJsonAsync("/api/cart/items", new { productId = w.ProductA, sku = "CAFE-250", quantity = 1 })).EnsureSuccessStatusCode();
                using var checkout = new HttpRequestMessage(HttpMethod.Post, "/api/cart/checkout") { Content = JsonContent.Create(new { shippingAddress = Address }) };
                checkout.Headers.Add("Idempotency-Key", $"matrix-{i}");
                using var placed = await http.SendAsync(checkout);
                Assert.True(placed.IsSuccessStatusCode, await placed.Content.ReadAsStringAsync());
                orders.Add((await placed.ReadJsonAsync()).GetProperty("orders")[0].GetProperty("orderId").GetString()!);
            }

            (w.Order, w.OrderForBuyerToCancel, w.OrderForStoreToCancel) = (orders[0], orders[1], orders[2]);
            (w.OrderForKeyToAccept, w.OrderForKeyToCancel) = (orders[3], orders[4]);
            var asked = await http.PostAsJsonAsync($"/api/products/{w.ProductA}/questions", new { text = "Does it ship today?" });
            Assert.True(asked.IsSuccessStatusCode, await asked.Content.ReadAsStringAsync());
            w.Question = (await asked.ReadJsonAsync()).GetProperty("questionId").GetString()!;
            var hosts = await fixture.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            w.Silo = hosts.Keys.First().ToParsableString();
            http.UseToken(null);

            using var admin = await fixture.CreateAdminClientAsync();
            w.tokens[Who.Admin] = admin.DefaultRequestHeaders.Authorization!.Parameter!;
            var suspended = (await admin.GetFromJsonAsync<System.Text.Json.JsonElement>(
                $"/api/admin/users?q={Uri.EscapeDataString(w.emails[Who.SuspendedSeller])}")).GetProperty("items")[0].GetProperty("sellerId").GetString();
            (await admin.PostAsJsonAsync($"/api/admin/stores/{suspended}/suspend", new { reason = "Matrix" })).EnsureSuccessStatusCode();
            var storeC = await admin.PostAsJsonAsync("/api/sellers", new { name = "Unclaimed" });
            w.StoreC = (await storeC.ReadJsonAsync()).GetProperty("sellerId").GetString()!;
            var key = await admin.PostAsJsonAsync("/api/admin/api-keys", new { name = "Matrix directory", scopes = new[] { "directory" } });
            w.apiKey = (await key.ReadJsonAsync()).GetProperty("apiKey").GetString()!;

            using var directory = fixture.CreateClient();
            directory.DefaultRequestHeaders.Add("X-Api-Key", w.apiKey);
            var synced = await directory.PutAsJsonAsync($"/api/integrations/directory/sellers/{w.DirectoryExternalId}", new { name = "Directory store" });
            Assert.True(synced.IsSuccessStatusCode, await synced.Content.ReadAsStringAsync());
            return w;
        }

        /// <summary>A route value naming something of this world, so a request gets past the lookup to what it does.</summary>
        public string ValueFor(string routeParameter) => routeParameter switch
        {
            "sellerId" => StoreA,
            "productId" => ProductA,
            "orderId" => Order,
            "questionId" => Question,
            "reviewId" => $"rev_{ProductA[4..]}_00000000",
            "externalId" => DirectoryExternalId,
            "notificationId" => "ntf_unknown",
            "userId" => "usr_nobody",
            "keyId" => Guid.NewGuid().ToString(),
            "key" => "none.png",
            "sku" => "CAFE-250",
            "documentName" => "v1",
            _ => "x",
        };

        /// <summary>The web pages, which know people by their sign-in cookie (a bearer token means nothing there).</summary>
        public static bool IsPage(HttpRequestMessage request)
        {
            var uri = request.RequestUri!;
            var path = uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString.Split('?')[0];
            return WebUi.IsPage(new PathString(path.StartsWith('/') ? path : "/" + path));
        }

        public async Task AuthenticateAsync(HttpRequestMessage request, Who who, bool freshSession)
        {
            if (IsPage(request))
            {
                // A page that ends the session gets a session of its own, so the other pages keep theirs.
                if (await PageCookieAsync(who, keep: !freshSession) is { } cookie)
                {
                    request.Headers.Add("Cookie", cookie);
                }

                return;
            }

            if (who is Who.Integration or Who.StoreKeyA)
            {
                request.Headers.Add("X-Api-Key", who == Who.Integration ? apiKey : storeKey);
                return;
            }

            if (!tokens.TryGetValue(who, out var token))
            {
                return;
            }

            if (freshSession && emails.TryGetValue(who, out var email))
            {
                using var http = fixture.CreateClient();
                token = await http.LoginAsync(email, TestSecrets.Password);
            }
            else if (freshSession && who == Who.Admin)
            {
                using var http = fixture.CreateClient();
                token = await http.LoginAsync(TestSecrets.AdminEmail, TestSecrets.AdminPassword);
            }

            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        private readonly Dictionary<Who, string?> pageCookies = [];

        /// <summary>Signs in through the sign-in page, as a browser does, and keeps the session cookie (none for guests and keys).</summary>
        private async Task<string?> PageCookieAsync(Who who, bool keep)
        {
            if (keep && pageCookies.TryGetValue(who, out var known))
            {
                return known;
            }

            string? cookie = null;
            var email = who == Who.Admin ? TestSecrets.AdminEmail : emails.GetValueOrDefault(who);
            if (email is not null)
            {
                using var http = fixture.Factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
                cookie = await SignInPage.CookieAsync(http, email, who == Who.Admin ? TestSecrets.AdminPassword : TestSecrets.Password);
            }

            if (keep)
            {
                pageCookies[who] = cookie;
            }

            return cookie;
        }
    }
}
