using System.Globalization;
using Npgsql;
using Orleans.Storage;

namespace Marketplace.Grains.Storage;

/// <summary>
/// The grain storage provider of the marketplace's grains (<c>[PersistentState(..., "marketplace")]</c>): one row per
/// grain state in <c>grain_states</c>, keyed by state name and grain key, with a version for optimistic concurrency and
/// the state as plain JSON. Writes go through the silo's <see cref="StateWriter"/>, which commits them in shared
/// transactions together with the read-model rows each state projects to. Orleans' own tables (membership, reminders)
/// stay with Orleans' ADO.NET providers.
/// </summary>
public sealed class GrainStateStorage(NpgsqlDataSource db, StateWriter writer, ReadModelCatalog readModels) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var command = db.CreateCommand("SELECT version, payload FROM grain_states WHERE grain_type = $1 AND grain_key = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = stateName });
        command.Parameters.Add(new NpgsqlParameter { Value = KeyOf(grainId) });
        await using var reader = await command.ExecuteReaderAsync();
        if (await reader.ReadAsync())
        {
            grainState.State = StateJson.Deserialize<T>(reader.GetString(1));
            grainState.ETag = reader.GetInt32(0).ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
        else
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = KeyOf(grainId);
        var expected = ExpectedVersion(grainState.ETag);
        var write = new StateWrite(stateName, key, expected, StateJson.Serialize(grainState.State), Project(stateName, key, grainState.State, expected));
        await writer.WriteAsync(write);
        grainState.ETag = write.Version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (ExpectedVersion(grainState.ETag) is { } expected)
        {
            var key = KeyOf(grainId);
            var removals = readModels.For(stateName).Select(m => (m, new ProjectedRow(key, null, IsNew: false))).ToList();
            await writer.WriteAsync(new StateWrite(stateName, key, expected, payload: null, removals));
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    /// <summary>The key a grain's row is stored under: the grain's own key (the state name tells grain classes apart).</summary>
    public static string KeyOf(GrainId grainId) => grainId.Key.ToString()!;

    private List<(IReadModel, ProjectedRow)> Project<T>(string stateName, string key, T state, int? expected)
    {
        var models = readModels.For(stateName);
        if (models.Count == 0 || state is null)
        {
            return [];
        }

        var version = (expected ?? 0) + 1;
        return models.Select(m => (m, new ProjectedRow(key, m.Project(key, state, version), IsNew: expected is null))).ToList();
    }

    private static int? ExpectedVersion(string? etag) =>
        etag is null ? null : int.Parse(etag, NumberStyles.None, CultureInfo.InvariantCulture);
}
