using Npgsql;

namespace Marketplace.Grains.Storage;

/// <summary>
/// Rebuilds read models from grain state with the same C# projections the storage provider applies (what
/// <c>./marketplace reindex</c> runs). One read model is rebuilt in one transaction that locks its tables against
/// writers: a grain write that comes meanwhile waits and lands after the rebuild, so nothing is lost and nothing is
/// applied twice. Safe while the cluster runs.
/// </summary>
public sealed class ReadModelRebuilder(NpgsqlDataSource db)
{
    private const int Chunk = 500;

    /// <summary>Every read model of the marketplace's grain states.</summary>
    public static IReadOnlyList<IReadModel> All { get; } =
    [
        new Orders.OrderListingReadModel(),
        new Finance.OrderLedgerReadModel(),
        new Insights.OrderEventsReadModel(),
        new Catalog.SearchReadModel(),
        new Catalog.StoreDirectoryReadModel(),
    ];

    /// <summary>Rebuilds one read model; answers how many grain states have a row in it.</summary>
    public async Task<int> RebuildAsync(IReadModel model, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var clear = new NpgsqlBatch(connection, transaction))
        {
            clear.BatchCommands.Add(new NpgsqlBatchCommand($"LOCK TABLE {string.Join(", ", model.Tables)} IN EXCLUSIVE MODE"));
            model.AddClear(clear);
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        var rows = 0;
        var after = "";
        while (true)
        {
            var page = new List<ProjectedRow>(Chunk);
            await using (var read = new NpgsqlCommand("""
                SELECT grain_key, version, payload FROM grain_states
                WHERE grain_type = $1 AND grain_key > $2 ORDER BY grain_key LIMIT $3
                """, connection, transaction))
            {
                read.Parameters.Add(new NpgsqlParameter { Value = model.StateName });
                read.Parameters.Add(new NpgsqlParameter { Value = after });
                read.Parameters.Add(new NpgsqlParameter { Value = Chunk });
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var key = reader.GetString(0);
                    var state = model.ReadState(reader.GetString(2));
                    page.Add(new ProjectedRow(key, model.Project(key, state, reader.GetInt32(1)), IsNew: true));
                    after = key;
                }
            }

            if (page.Count == 0)
            {
                break;
            }

            var present = page.Where(p => p.Row is not null).ToList();
            rows += present.Count;
            if (present.Count > 0)
            {
                await using var write = new NpgsqlBatch(connection, transaction);
                model.AddWrites(write, present);
                await write.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return rows;
    }

    /// <summary>Rebuilds every read model; answers the rows of each, by the first table's name.</summary>
    public async Task<IReadOnlyDictionary<string, int>> RebuildAllAsync(CancellationToken cancellationToken = default)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var model in All)
        {
            counts[model.Tables[0]] = await RebuildAsync(model, cancellationToken);
        }

        return counts;
    }
}
