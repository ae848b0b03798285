namespace Marketplace.Contracts.Questions;

/// <summary>A question about a product as the caller may see it (<see cref="Mine"/> when the caller asked it).</summary>
[GenerateSerializer, Immutable, Alias("mk.QuestionView")]
public sealed record QuestionView(
    [property: Id(0)] string QuestionId,
    [property: Id(1)] string ProductId,
    [property: Id(2)] string AskerName,
    [property: Id(3)] string Text,
    [property: Id(4)] DateTimeOffset AskedAt,
    [property: Id(5)] string? Answer,
    [property: Id(6)] DateTimeOffset? AnsweredAt,
    [property: Id(7)] bool Hidden,
    [property: Id(8)] bool Mine);

[GenerateSerializer, Immutable, Alias("mk.QuestionPage")]
public sealed record QuestionPage(
    [property: Id(0)] IReadOnlyList<QuestionView> Items,
    [property: Id(1)] int Total);

/// <summary>
/// The questions about one product and their answers, keyed by product id. The public sees answered questions that
/// are not hidden; an asker also sees their own; the store's staff see everything and alone answer or hide.
/// </summary>
[Alias("mk.IProductQuestionsGrain")]
public interface IProductQuestionsGrain : IGrainWithStringKey
{
    /// <summary>Asks as the caller; the same Idempotency-Key from the same asker answers the same question.</summary>
    [Alias("Ask")]
    Task<QuestionView> Ask(string text, string askerName, string? idempotencyKey);

    /// <summary>Newest first, filtered for the caller (who may be anonymous).</summary>
    [Alias("List")]
    Task<QuestionPage> List(int page, int pageSize);

    /// <summary>The store answers (or corrects its answer); the asker is notified of the first answer.</summary>
    [Alias("Answer")]
    Task<QuestionView> Answer(string questionId, string text);

    [Alias("SetHidden")]
    Task<QuestionView> SetHidden(string questionId, bool hidden);
}
