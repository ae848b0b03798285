using Marketplace.Grains.Storage;
using Npgsql;

namespace Marketplace.Grains.Catalog;

/// <summary>A store as <c>store_directory</c> lists it (admin lists, the directory integration, search facets).</summary>
public sealed record StoreDirectoryRow(
    string SellerId,
    string Name,
    string Status,
    string? OwnerUserId,
    string? ExternalId,
    int ProductCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int StateVersion);

/// <summary><c>store_directory</c> from a store's state, once the store is created; rows carry their transaction id.</summary>
public sealed class StoreDirectoryReadModel : ReadModel<SellerState, StoreDirectoryRow>
{
    public override string StateName => "seller";

    public override IReadOnlyList<string> Tables { get; } = ["store_directory"];

    public override StoreDirectoryRow? Project(string grainKey, SellerState state, int version) => !state.Created
        ? null
        : new StoreDirectoryRow(
            grainKey, state.Name, StateJson.Name(state.Status), state.Staff.FirstOrDefault(s => s.Role == StaffRole.Owner)?.UserId,
            state.ExternalId, state.Products.Count, state.CreatedAt, state.UpdatedAt > state.CreatedAt ? state.UpdatedAt : state.CreatedAt,
            version);

    protected override void AddUpserts(NpgsqlBatch batch, IReadOnlyList<(StoreDirectoryRow Row, bool IsNew)> rows)
    {
        var r = rows.Select(x => x.Row).ToList();
        batch.BatchCommands.Add(Statement("""
            INSERT INTO store_directory (seller_id, name, status, owner_user_id, external_id, product_count, created_at, updated_at,
                                         state_version, change_xid)
            SELECT u.*, pg_current_xact_id()
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::integer[], $7::timestamptz[],
                        $8::timestamptz[], $9::integer[]) AS u
            ON CONFLICT (seller_id) DO UPDATE
                SET name = EXCLUDED.name, status = EXCLUDED.status, owner_user_id = EXCLUDED.owner_user_id,
                    external_id = EXCLUDED.external_id, product_count = EXCLUDED.product_count,
                    updated_at = EXCLUDED.updated_at, state_version = EXCLUDED.state_version, change_xid = EXCLUDED.change_xid
            """,
            r.Select(x => x.SellerId).ToArray(), r.Select(x => x.Name).ToArray(), r.Select(x => x.Status).ToArray(),
            TextOrNull(r.Select(x => x.OwnerUserId)), TextOrNull(r.Select(x => x.ExternalId)), r.Select(x => x.ProductCount).ToArray(),
            Utc(r.Select(x => x.CreatedAt)), Utc(r.Select(x => x.UpdatedAt)), r.Select(x => x.StateVersion).ToArray()));
    }

    protected override void AddRemovals(NpgsqlBatch batch, string[] keys) =>
        batch.BatchCommands.Add(Statement("DELETE FROM store_directory WHERE seller_id = ANY ($1)", [keys]));
}
