using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Testing;

namespace Marketplace.Web.Tests;

/// <summary>Product Q&amp;A and reviews through the API, with the store and the asker told live.</summary>
[Collection(OrdersWebCollection.Name)]
public sealed class FeedbackTests(OrdersWebFixture fixture)
{
    [Fact]
    public async Task A_question_reaches_the_store_live_and_its_answer_reaches_the_asker()
    {
        using var seller = fixture.CreateClient();
        var productId = await seller.CreateProductAsync(await seller.CreateStoreAsync());
        await using var store = await HubClient.ConnectAsync(fixture.BaseUrl, seller.DefaultRequestHeaders.Authorization!.Parameter!);
        var (asker, account) = await ShopSteps.ShopperAsync(fixture);
        await using var askerHub = await HubClient.ConnectAsync(fixture.BaseUrl, account.AccessToken);
        using var anonymous = fixture.CreateClient();

        using var ask = new HttpRequestMessage(HttpMethod.Post, $"/api/products/{productId}/questions") { Content = JsonContent.Create(new { text = "  Is it whole bean?  " }) };
        ask.Headers.Add("Idempotency-Key", "q-1");
        using var asked = await asker.SendAsync(ask);
        Assert.Equal(HttpStatusCode.Created, asked.StatusCode);
        var question = await asked.ReadJsonAsync();
        var questionId = question.GetProperty("questionId").GetString()!;
        Assert.Equal(("Is it whole bean?", true), (question.GetProperty("text").GetString(), question.GetProperty("mine").GetBoolean()));

        var news = await store.WaitForAsync("Notification", p => p.GetProperty("kind").GetString() == "questionAsked");
        Assert.Equal(("Is it whole bean?", $"/products/{productId}#{questionId}"), (news.GetProperty("body").GetString(), news.GetProperty("link").GetString()));
        // Pushed worded in every language of the site; each page shows its own.
        Assert.StartsWith("Nueva pregunta sobre ", news.GetProperty("words").GetProperty("es").GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(news.GetProperty("title").GetString(), news.GetProperty("words").GetProperty("en").GetProperty("title").GetString());

        using var again = new HttpRequestMessage(HttpMethod.Post, $"/api/products/{productId}/questions") { Content = JsonContent.Create(new { text = "Is it whole bean?" }) };
        again.Headers.Add("Idempotency-Key", "q-1");
        Assert.Equal(questionId, (await (await asker.SendAsync(again)).ReadJsonAsync()).GetProperty("questionId").GetString());

        // Pending: the asker and the store see it, the public does not.
        Assert.Equal(0, (await anonymous.GetFromJsonAsync<JsonElement>($"/api/products/{productId}/questions")).GetProperty("total").GetInt32());
        Assert.Equal(1, (await asker.GetFromJsonAsync<JsonElement>($"/api/products/{productId}/questions")).GetProperty("total").GetInt32());
        Assert.Equal(1, (await seller.GetFromJsonAsync<JsonElement>($"/api/products/{productId}/questions")).GetProperty("total").GetInt32());

        using var otherStore = fixture.CreateClient();
        await otherStore.CreateStoreAsync("Otra tienda");
        Assert.Equal(HttpStatusCode.Forbidden, (await otherStore.PostAsJsonAsync($"/api/questions/{questionId}/answer", new { text = "No" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await asker.PostAsJsonAsync($"/api/questions/{questionId}/answer", new { text = "No" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await seller.PostAsJsonAsync($"/api/questions/{questionId}/answer", new { text = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await seller.PostAsJsonAsync("/api/questions/qst_nope/answer", new { text = "Yes" })).StatusCode);

        (await seller.PostAsJsonAsync($"/api/questions/{questionId}/answer", new { text = "Yes, whole bean." })).EnsureSuccessStatusCode();
        var answered = await askerHub.WaitForAsync("Notification", p => p.GetProperty("kind").GetString() == "questionAnswered");
        Assert.Equal("Yes, whole bean.", answered.GetProperty("body").GetString());
        var listed = (await anonymous.GetFromJsonAsync<JsonElement>($"/api/products/{productId}/questions")).GetProperty("items");
        Assert.Equal(("Yes, whole bean.", false), (listed[0].GetProperty("answer").GetString(), listed[0].GetProperty("mine").GetBoolean()));

        (await seller.PostAsync($"/api/questions/{questionId}/hide", null)).EnsureSuccessStatusCode();
        Assert.Equal(0, (await anonymous.GetFromJsonAsync<JsonElement>($"/api/products/{productId}/questions")).GetProperty("total").GetInt32());
        (await seller.PostAsync($"/api/questions/{questionId}/unhide", null)).EnsureSuccessStatusCode();
        Assert.Equal(1, (await anonymous.GetFromJsonAsync<JsonElement>($"/api/products/{productId}/questions")).GetProperty("total").GetInt32());
        Assert.DoesNotContain(askerHub.Received("Notification"), e => e.Payload.GetProperty("kind").GetString() == "questionAsked");
    }

    [Fact]
    public async Task Questions_are_refused_when_too_long_about_unknown_products_or_when_too_many_are_open()
    {
        using var seller = fixture.CreateClient();
        var storeId = await seller.CreateStoreAsync();
        var productId = await seller.CreateProductAsync(storeId);
        var draftId = await seller.CreateProductAsync(storeId, ApiClient.Product(status: "draft"));
        var (asker, _) = await ShopSteps.ShopperAsync(fixture);

        Assert.Equal(HttpStatusCode.BadRequest, (await asker.PostAsJsonAsync($"/api/products/{productId}/questions", new { text = new string('x', 1001) })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await asker.PostAsJsonAsync($"/api/products/{productId}/questions", new { text = 5 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await asker.PostAsJsonAsync($"/api/products/{draftId}/questions", new { text = "Hello?" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await asker.PostAsJsonAsync("/api/products/prd_00000000000000000000000000/questions", new { text = "Hello?" })).StatusCode);
        var ids = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            using var asked = await asker.PostAsJsonAsync($"/api/products/{productId}/questions", new { text = $"Question {i}?" });
            Assert.Equal(HttpStatusCode.Created, asked.StatusCode);
            Assert.True(ids.Add((await asked.ReadJsonAsync()).GetProperty("questionId").GetString()!), "question ids must be unique");
        }

        using var sixth = await asker.PostAsJsonAsync($"/api/products/{productId}/questions", new { text = "One more?" });
        Assert.Equal(HttpStatusCode.Conflict, sixth.StatusCode);
        Assert.Equal("too-many-open-questions", (await sixth.ReadJsonAsync()).GetProperty("code").GetString());
        Assert.Equal(5, (await seller.GetFromJsonAsync<JsonElement>($"/api/products/{productId}/questions")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Only_buyers_of_delivered_orders_review_once_per_line_and_the_rating_shows_on_the_product_and_in_search()
    {
        using var seller = fixture.CreateClient();
        var storeId = await seller.CreateStoreAsync("Tostaduría Reseñas");
        (await seller.PutAsJsonAsync($"/api/sellers/{storeId}", new { name = "Tostaduría Reseñas", requiresConfirmation = false })).EnsureSuccessStatusCode();
        var productId = await seller.CreateProductAsync(storeId);
        await using var store = await HubClient.ConnectAsync(fixture.BaseUrl, seller.DefaultRequestHeaders.Authorization!.Parameter!);
        var (first, _) = await ShopSteps.ShopperAsync(fixture);

        using var early = await first.PostAsJsonAsync($"/api/products/{productId}/reviews", new { rating = 5, text = "Great" });
        Assert.Equal((HttpStatusCode.Forbidden, "review-needs-delivered-order"), (early.StatusCode, (await early.ReadJsonAsync()).GetProperty("code").GetString()));

        await ShopSteps.AddAsync(first, productId, "CAFE-250", 1);
        var orderId = await ShopSteps.BuyAndDeliverAsync(first, seller, "review-1");
        // The store followed the order live: changes that notify nobody (awaiting payment) and ones that do (paid).
        foreach (var status in new[] { "awaitingPayment", "paid", "shipped", "delivered" })
        {
            await store.WaitForAsync("OrderChanged", p => p.GetProperty("orderId").GetString() == orderId && p.GetProperty("status").GetString() == status);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await first.PostAsJsonAsync($"/api/products/{productId}/reviews", new { rating = 6, text = "Too good" })).StatusCode);
        using var posted = await first.PostAsJsonAsync($"/api/products/{productId}/reviews", new { rating = 5, text = "Lovely chocolate notes." });
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var review = await posted.ReadJsonAsync();
        var reviewId = review.GetProperty("reviewId").GetString()!;
        Assert.Equal(("CAFE-250", true), (review.GetProperty("sku").GetString(), review.GetProperty("mine").GetBoolean()));
        using var twice = await first.PostAsJsonAsync($"/api/products/{productId}/reviews", new { rating = 1, text = "Again", orderId });
        Assert.Equal((HttpStatusCode.Conflict, "already-reviewed"), (twice.StatusCode, (await twice.ReadJsonAsync()).GetProperty("code").GetString()));
        var news = await store.WaitForAsync("Notification", p => p.GetProperty("kind").GetString() == "reviewPosted");
        Assert.Equal("Lovely chocolate notes.", news.GetProperty("body").GetString());

        // Naming someone else's order does not make a stranger a buyer.
        var (stranger, _) = await ShopSteps.ShopperAsync(fixture);
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.PostAsJsonAsync($"/api/products/{productId}/reviews", new { rating = 1, text = "Bad", orderId })).StatusCode);

        var (second, _) = await ShopSteps.ShopperAsync(fixture);
        await ShopSteps.AddAsync(second, productId, "CAFE-1K", 1);
        await ShopSteps.BuyAndDeliverAsync(second, seller, "review-2");
        (await second.PostAsJsonAsync($"/api/products/{productId}/reviews", new { rating = 2 })).EnsureSuccessStatusCode();

        var rating = (await first.GetFromJsonAsync<JsonElement>($"/api/products/{productId}")).GetProperty("rating");
        Assert.Equal((3.5, 2), (rating.GetProperty("average").GetDouble(), rating.GetProperty("count").GetInt32()));
        var page = await first.GetFromJsonAsync<JsonElement>($"/api/products/{productId}/reviews?pageSize=1");
        Assert.Equal((2, 1, 3.5), (page.GetProperty("total").GetInt32(), page.GetProperty("items").GetArrayLength(),
            page.GetProperty("rating").GetProperty("average").GetDouble()));
        var found = await ShopSteps.EventuallyAsync(first, $"/api/search?sellerId={storeId}",
            r => r.GetProperty("items").GetArrayLength() == 1 && r.GetProperty("items")[0].GetProperty("rating").GetProperty("count").GetInt32() == 2);
        Assert.Equal(3.5, found.GetProperty("items")[0].GetProperty("rating").GetProperty("average").GetDouble());

        using var otherStore = fixture.CreateClient();
        await otherStore.CreateStoreAsync("Otra tienda");
        Assert.Equal(HttpStatusCode.Forbidden, (await otherStore.PostAsJsonAsync($"/api/reviews/{reviewId}/reply", new { text = "Hm" })).StatusCode);
        using var reply = await seller.PostAsJsonAsync($"/api/reviews/{reviewId}/reply", new { text = "Thank you!" });
        Assert.Equal("Thank you!", (await reply.ReadJsonAsync()).GetProperty("reply").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await seller.PostAsJsonAsync($"/api/reviews/{reviewId}/reply", new { text = "Again" })).StatusCode);
        var listed = await first.GetFromJsonAsync<JsonElement>($"/api/products/{productId}/reviews");
        Assert.Equal("Thank you!", listed.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("reviewId").GetString() == reviewId)
            .GetProperty("reply").GetString());
    }

    [Fact]
    public async Task Asking_is_rate_limited_per_user()
    {
        await using var limited = new WebHostFactory(fixture, new Dictionary<string, string>
        {
            ["RateLimits:Enabled"] = "true",
            ["RateLimits:QuestionsPerHour"] = "2",
        });
        using var seller = limited.CreateClient();
        var productId = await seller.CreateProductAsync(await seller.CreateStoreAsync());
        using var asker = limited.CreateClient();
        asker.UseToken((await asker.RegisterAsync()).AccessToken);

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await asker.PostAsJsonAsync($"/api/products/{productId}/questions", new { text = $"Q{i}?" })).StatusCode);
        }

        using var third = await asker.PostAsJsonAsync($"/api/products/{productId}/questions", new { text = "Q3?" });
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.True(third.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.OK, (await asker.GetAsync($"/api/products/{productId}/questions")).StatusCode); // reading is not asking
        using var other = limited.CreateClient();
        other.UseToken((await other.RegisterAsync()).AccessToken);
        Assert.Equal(HttpStatusCode.Created, (await other.PostAsJsonAsync($"/api/products/{productId}/questions", new { text = "Mine?" })).StatusCode);
    }
}
