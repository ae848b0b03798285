using Marketplace.Contracts.Common;
namespace Marketplace.Grains.Tests;

public sealed class GrainKeysTests
{
    [Fact]
    public void Question_and_review_ids_name_their_product_and_nothing_else_parses()
    {
        var productId = GrainKeys.NewProductId();

        var question = GrainKeys.NewQuestionId(productId);
        var review = GrainKeys.ReviewId(productId, "ord_0123456789abcdef0123456789", "CAFE-250");

        Assert.True(GrainKeys.TryParseQuestionId(question, out var fromQuestion));
        Assert.True(GrainKeys.TryParseReviewId(review, out var fromReview));
        Assert.Equal((productId, productId), (fromQuestion, fromReview));
        Assert.Equal(review, GrainKeys.ReviewId(productId, "ord_0123456789abcdef0123456789", "CAFE-250"));
        Assert.NotEqual(review, GrainKeys.ReviewId(productId, "ord_0123456789abcdef0123456789", "CAFE-1K"));
        Assert.NotEqual(question, GrainKeys.NewQuestionId(productId));
        Assert.False(GrainKeys.TryParseReviewId(question, out _));
        foreach (var bad in new[] { "", "qst_", "qst_nope", question.ToUpperInvariant(), question + "0", question.Replace('_', '-'), "../" + question })
        {
            Assert.False(GrainKeys.TryParseQuestionId(bad, out _), bad);
        }
    }
}
