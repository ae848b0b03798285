using Marketplace.Contracts.Notifications;
using Marketplace.Contracts.Questions;
using Marketplace.Grains.Common;
using Marketplace.Grains.Notifications;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Questions;

public sealed class QuestionsState
{
    /// <summary>The product's store, read once from the product (a product never changes store).</summary>
    public string SellerId { get; set; } = "";

    public string ProductTitle { get; set; } = "";

    /// <summary>Oldest first.</summary>
    public List<QuestionState> Questions { get; set; } = [];

    /// <summary>Notices stored with the question or answer that causes them, not yet delivered.</summary>
    public List<PendingNotice> Outbox { get; set; } = [];
}

public sealed class QuestionState
{
    public string QuestionId { get; set; } = "";

    public string AskerId { get; set; } = "";

    public string AskerName { get; set; } = "";

    public string Text { get; set; } = "";

    public DateTimeOffset AskedAt { get; set; }

    public string? IdempotencyKey { get; set; }

    public string? Answer { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }

    public bool Hidden { get; set; }
}

/// <summary>
/// Questions and answers of one product. The store hears of a question the moment it is stored
/// (<see cref="NotificationKind.QuestionAsked"/>), the asker of its first answer (<see cref="NotificationKind.QuestionAnswered"/>),
/// through the grain's <see cref="Outbox{TEntry}"/>: the notice is stored with the change and delivered after the write.
/// </summary>
public sealed class ProductQuestionsGrain(
    [PersistentState("questions", StorageNames.Marketplace)] IPersistentState<QuestionsState> state,
    TimeProvider clock,
    ILogger<ProductQuestionsGrain> logger) : Grain, IProductQuestionsGrain
{
    public const int MaxTextLength = 1_000;
    public const int MaxAnswerLength = 2_000;
    /// <summary>Unanswered questions one person may have open on one product.</summary>
    public const int MaxOpenPerAsker = 5;
    public const int MaxQuestions = 5_000;

    private Outbox<PendingNotice>? notices;

    private string ProductId => this.GetPrimaryKeyString();

    private QuestionsState Data => state.State;

    private Outbox<PendingNotice> Notices =>
        notices ??= PendingNotices.Outbox(this, GrainFactory, () => state.State.Outbox, SaveAsync, clock, logger);

    /// <summary>Notices a crash left stored and undelivered go out now.</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken) => Notices.ResumeAsync();

    public async Task<QuestionView> Ask(string text, string askerName, string? idempotencyKey)
    {
        var caller = CallerContext.Require();
        if (!caller.Roles.HasFlag(CallerRoles.Shopper))
        {
            throw DomainException.Forbidden("sign-in-to-ask", "Sign in to ask a question.");
        }

        var questions = Data.Questions;
        if (idempotencyKey is not null && questions.Find(q => q.AskerId == caller.UserId && q.IdempotencyKey == idempotencyKey) is { } asked)
        {
            return View(asked, caller);
        }

        var clean = UserText.Require(text, "text", MaxTextLength);
        await RequireProductAsync();
        if (questions.Count(q => q.AskerId == caller.UserId && q.Answer is null) >= MaxOpenPerAsker)
        {
            throw DomainException.Conflict("too-many-open-questions",
                $"You have {MaxOpenPerAsker} unanswered questions about this product; wait for the store to answer.");
        }

        if (questions.Count >= MaxQuestions)
        {
            throw DomainException.Conflict("questions-full", "This product takes no more questions.");
        }

        var question = new QuestionState
        {
            QuestionId = GrainKeys.NewQuestionId(ProductId), AskerId = caller.UserId, AskerName = askerName.Trim(), Text = clean,
            AskedAt = clock.GetUtcNow(), IdempotencyKey = idempotencyKey,
        };
        questions.Add(question);
        Notify(null, Data.SellerId, new NotificationDraft($"question:{question.QuestionId}:asked", NotificationKind.QuestionAsked,
            $"New question about {Data.ProductTitle}", UserText.Excerpt(clean), Link(question), AboutProduct()));
        await SaveAndNotifyAsync();
        return View(question, caller);
    }

    public Task<QuestionPage> List(int page, int pageSize)
    {
        var caller = CallerContext.Current;
        var staff = caller is not null && (caller.IsAdmin || caller.ActsFor(Data.SellerId));
        var visible = Data.Questions
            .Where(q => staff || (q.Answer is not null && !q.Hidden) || q.AskerId == caller?.UserId)
            .Reverse()
            .ToList();
        var items = visible.Skip((Math.Max(page, 1) - 1) * pageSize).Take(pageSize).Select(q => View(q, caller)).ToList();
        return Task.FromResult(new QuestionPage(items, visible.Count));
    }

    public async Task<QuestionView> Answer(string questionId, string text)
    {
        var (question, caller) = RequireStaffOn(questionId);
        var clean = UserText.Require(text, "text", MaxAnswerLength);
        var first = question.Answer is null;
        question.Answer = clean;
        question.AnsweredAt = clock.GetUtcNow();
        if (first)
        {
            Notify(question.AskerId, null, new NotificationDraft($"question:{question.QuestionId}:answered", NotificationKind.QuestionAnswered,
                $"Your question about {Data.ProductTitle} was answered", UserText.Excerpt(clean), Link(question), AboutProduct()));
        }

        await SaveAndNotifyAsync();
        return View(question, caller);
    }

    public async Task<QuestionView> SetHidden(string questionId, bool hidden)
    {
        var (question, caller) = RequireStaffOn(questionId);
        if (question.Hidden != hidden)
        {
            question.Hidden = hidden;
            await SaveAndNotifyAsync();
        }

        return View(question, caller);
    }

    /// <summary>Questions are asked only about products the public can see; the store is learned from the product.</summary>
    private async Task RequireProductAsync()
    {
        var product = await GrainFactory.GetGrain<IProductGrain>(ProductId).GetDetails();
        if (product is null || !product.IsPublic)
        {
            throw DomainException.NotFound("The product");
        }

        Data.SellerId = product.SellerId;
        Data.ProductTitle = product.Title;
    }

    private (QuestionState Question, Caller Caller) RequireStaffOn(string questionId)
    {
        var caller = CallerContext.Require();
        var question = Data.Questions.Find(q => q.QuestionId == questionId) ?? throw DomainException.NotFound("The question");
        if (!caller.ActsFor(Data.SellerId))
        {
            throw DomainException.Forbidden("not-store-staff", "Only the product's store answers or hides its questions.");
        }

        return (question, caller);
    }

    private Dictionary<string, string> AboutProduct() => new() { [NotificationFacts.Product] = Data.ProductTitle };

    private void Notify(string? userId, string? sellerId, NotificationDraft draft) =>
        Data.Outbox.Add(new PendingNotice { UserId = userId, SellerId = sellerId, Draft = draft });

    /// <summary>Stores the state (decision and notices together), then delivers the notices.</summary>
    private async Task SaveAndNotifyAsync()
    {
        await SaveAsync();
        await Notices.DeliverAsync();
    }

    private async Task SaveAsync()
    {
        await state.WriteOrReloadAsync(this);
        Notices.Written();
    }

    private string Link(QuestionState question) => $"/products/{ProductId}#{question.QuestionId}";

    private QuestionView View(QuestionState q, Caller? caller) => new(q.QuestionId, ProductId, q.AskerName, q.Text, q.AskedAt, q.Answer,
        q.AnsweredAt, q.Hidden, caller is not null && q.AskerId == caller.UserId);
}
