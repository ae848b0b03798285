using Marketplace.Grains.Catalog;
using Marketplace.Grains.Orders;
using Marketplace.Grains.Questions;
using Marketplace.Grains.Reviews;
using Marketplace.Grains.Storage;
using Npgsql;

namespace Marketplace.Grains.Integrations;

/// <summary>The integration events of one grain state.</summary>
public sealed record IntegrationEventRows(IReadOnlyList<IntegrationEvent> Events);

/// <summary>
/// Writes a state's integration events in the same transaction as the state row (the storage provider's read-model
/// path). It is a log, not a read model: a state that goes away takes nothing with it, and a rebuild of the read models
/// leaves it alone (it is not in <see cref="ReadModelRebuilder.All"/>), since emptying it would send every event again.
/// </summary>
public abstract class IntegrationEventLog<TState> : ReadModel<TState, IntegrationEventRows>
    where TState : class
{
    public override IReadOnlyList<string> Tables { get; } = ["integration_events"];

    public override IntegrationEventRows? Project(string grainKey, TState state, int version) =>
        Events(grainKey, state, version) is { Count: > 0 } events ? new IntegrationEventRows(events) : null;

    protected abstract IReadOnlyList<IntegrationEvent> Events(string grainKey, TState state, int version);

    protected override void AddUpserts(NpgsqlBatch batch, IReadOnlyList<(IntegrationEventRows Row, bool IsNew)> rows) =>
        IntegrationEventInserts.Add(batch, rows.SelectMany(r => r.Row.Events).ToList());

    protected override void AddRemovals(NpgsqlBatch batch, string[] keys)
    {
    }

    public override void AddClear(NpgsqlBatch batch)
    {
    }
}

/// <summary>The one statement that stores integration events, for the grain-state logs and the inventory's writes.</summary>
public static class IntegrationEventInserts
{
    /// <summary>Stores events; one already stored (the same change written again) is kept as it was.</summary>
    public static void Add(NpgsqlBatch batch, IReadOnlyList<IntegrationEvent> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO integration_events (event_id, kind, store_id, resource, version, at, data)
            SELECT u.event_id, u.kind, u.store_id, u.resource, u.version, u.at, u.data::jsonb
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::timestamptz[], $7::text[])
                AS u (event_id, kind, store_id, resource, version, at, data)
            ON CONFLICT (event_id) DO NOTHING
            """)
        {
            Parameters =
            {
                new() { Value = events.Select(e => e.EventId).ToArray() },
                new() { Value = events.Select(e => e.Kind).ToArray() },
                new() { Value = events.Select(e => e.StoreId).ToArray() },
                new() { Value = events.Select(e => e.Resource).ToArray() },
                new() { Value = events.Select(e => e.Version).ToArray() },
                new() { Value = events.Select(e => e.At.UtcDateTime).ToArray() },
                new() { Value = events.Select(e => e.Data).ToArray() },
            },
        });
    }
}

/// <summary>The logs of every grain state that reports to integrators (registered beside the read models).</summary>
public static class IntegrationEventLogs
{
    public static IReadOnlyList<IReadModel> All { get; } =
        [new OrderEventLog(), new ProductEventLog(), new QuestionEventLog(), new ReviewEventLog()];
}

internal sealed class OrderEventLog : IntegrationEventLog<OrderState>
{
    public override string StateName => "order";

    protected override IReadOnlyList<IntegrationEvent> Events(string grainKey, OrderState state, int version) =>
        IntegrationEvents.OfOrder(grainKey, state, version);
}

internal sealed class ProductEventLog : IntegrationEventLog<ProductState>
{
    public override string StateName => "product";

    protected override IReadOnlyList<IntegrationEvent> Events(string grainKey, ProductState state, int version) =>
        IntegrationEvents.OfProduct(grainKey, state) is { } e ? [e] : [];
}

internal sealed class QuestionEventLog : IntegrationEventLog<QuestionsState>
{
    public override string StateName => "questions";

    protected override IReadOnlyList<IntegrationEvent> Events(string grainKey, QuestionsState state, int version) =>
        IntegrationEvents.OfQuestions(grainKey, state);
}

internal sealed class ReviewEventLog : IntegrationEventLog<ReviewsState>
{
    public override string StateName => "reviews";

    protected override IReadOnlyList<IntegrationEvent> Events(string grainKey, ReviewsState state, int version) =>
        IntegrationEvents.OfReviews(grainKey, state);
}
