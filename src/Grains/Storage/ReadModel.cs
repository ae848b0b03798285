using Npgsql;

namespace Marketplace.Grains.Storage;

/// <summary>The row a grain state projects to in one read model, as the storage provider carries it to the batch.</summary>
/// <param name="Key">The grain's key, which is the read model's key too.</param>
/// <param name="Row">The projected row, or null when the state has no row in this read model (it is removed).</param>
/// <param name="IsNew">The grain's state is written for the first time (or again after a clear).</param>
public sealed record ProjectedRow(string Key, object? Row, bool IsNew);

/// <summary>
/// A read model derived from one kind of grain state (named by its <c>[PersistentState]</c> state name). The storage
/// provider projects a state when the grain writes it, on the grain's own turn, and applies the rows in the same
/// transaction as the state row, set-based across every grain of the batch; <see cref="ReadModelRebuilder"/> projects
/// the stored states again to rebuild it. No rule of the projection lives in SQL.
/// </summary>
public interface IReadModel
{
    /// <summary>The state name of the grain state it reads.</summary>
    string StateName { get; }

    /// <summary>The tables it writes, in the order a rebuild locks and empties them.</summary>
    IReadOnlyList<string> Tables { get; }

    /// <summary>The row of this state; null when the state has none here.</summary>
    object? Project(string grainKey, object state, int version);

    /// <summary>A stored state of the kind it reads, from its JSON.</summary>
    object ReadState(string json);

    /// <summary>Adds the statements that store <paramref name="rows"/> (a null row removes its key).</summary>
    void AddWrites(NpgsqlBatch batch, IReadOnlyList<ProjectedRow> rows);

    /// <summary>Adds the statements that empty the read model before a rebuild.</summary>
    void AddClear(NpgsqlBatch batch);
}

/// <summary>A read model of <typeparamref name="TState"/> with rows of <typeparamref name="TRow"/>.</summary>
public abstract class ReadModel<TState, TRow> : IReadModel
    where TState : class
    where TRow : class
{
    public abstract string StateName { get; }

    public abstract IReadOnlyList<string> Tables { get; }

    /// <summary>The pure projection: state in, row out (null when the state has no row).</summary>
    public abstract TRow? Project(string grainKey, TState state, int version);

    object? IReadModel.Project(string grainKey, object state, int version) =>
        state is TState typed ? Project(grainKey, typed, version) : null;

    object IReadModel.ReadState(string json) => StateJson.Deserialize<TState>(json);

    void IReadModel.AddWrites(NpgsqlBatch batch, IReadOnlyList<ProjectedRow> rows)
    {
        var upserts = rows.Where(r => r.Row is not null).Select(r => (Row: (TRow)r.Row!, r.IsNew)).ToList();
        var removed = rows.Where(r => r.Row is null).Select(r => r.Key).ToArray();
        if (removed.Length > 0)
        {
            AddRemovals(batch, removed);
        }

        if (upserts.Count > 0)
        {
            AddUpserts(batch, upserts);
        }
    }

    public virtual void AddClear(NpgsqlBatch batch)
    {
        foreach (var table in Tables.Reverse())
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"DELETE FROM {table}"));
        }
    }

    /// <summary>Stores these rows, replacing what their keys had.</summary>
    protected abstract void AddUpserts(NpgsqlBatch batch, IReadOnlyList<(TRow Row, bool IsNew)> rows);

    /// <summary>Removes these keys' rows.</summary>
    protected abstract void AddRemovals(NpgsqlBatch batch, string[] keys);

    /// <summary>A statement with positional parameters ($1, $2, …) in the order given.</summary>
    protected static NpgsqlBatchCommand Statement(string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value });
        }

        return command;
    }

    /// <summary>Timestamps as PostgreSQL's timestamptz takes them in arrays: UTC <see cref="DateTime"/>s.</summary>
    protected static DateTime[] Utc(IEnumerable<DateTimeOffset> values) => values.Select(v => v.UtcDateTime).ToArray();

    /// <summary>An array of optional timestamps (nulls need the type named).</summary>
    protected static NpgsqlParameter UtcOrNull(IEnumerable<DateTimeOffset?> values) => new()
    {
        Value = values.Select(v => v?.UtcDateTime).ToArray(),
        NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.TimestampTz,
    };

    /// <summary>An array of optional strings (nulls need the type named).</summary>
    protected static NpgsqlParameter TextOrNull(IEnumerable<string?> values) => new()
    {
        Value = values.ToArray(),
        NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text,
    };
}

/// <summary>The read models of the silo, by the state name they read.</summary>
public sealed class ReadModelCatalog(IEnumerable<IReadModel> readModels)
{
    private readonly Dictionary<string, IReadModel[]> byState = readModels
        .GroupBy(m => m.StateName, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);

    public IEnumerable<IReadModel> All => byState.Values.SelectMany(m => m);

    public IReadOnlyList<IReadModel> For(string stateName) => byState.GetValueOrDefault(stateName) ?? [];
}
