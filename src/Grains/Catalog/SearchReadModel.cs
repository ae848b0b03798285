using System.Globalization;
using System.Text;
using Marketplace.Grains.Storage;
using Npgsql;

namespace Marketplace.Grains.Catalog;

/// <summary>A searchable product as <c>search_products</c> keeps it; whether it is in stock comes from its SKUs.</summary>
public sealed record SearchRow(
    string ProductId,
    string SellerId,
    string Title,
    string Category,
    string Currency,
    long Price,
    string? ImageKey,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int StateVersion,
    long RatingSum,
    int RatingCount,
    string Document);

/// <summary>
/// <c>search_products</c> from a product's state: a row while the product is published, a tombstone in
/// <c>search_removals</c> when it stops being searchable. Every row carries the id of the transaction that wrote it
/// (<c>change_xid</c>), which the web hosts' indexes follow. <c>in_stock</c> is read from the product's SKU rows locked
/// FOR SHARE, so a product write racing a stock change waits for it and sees its result; the inventory's writes keep it
/// current afterwards (<see cref="Inventory.PostgresInventoryStore"/>).
/// </summary>
public sealed class SearchReadModel : ReadModel<ProductState, SearchRow>
{
    public override string StateName => "product";

    public override IReadOnlyList<string> Tables { get; } = ["search_products"];

    public override SearchRow? Project(string grainKey, ProductState state, int version) =>
        !state.Created || state.Status != ProductStatus.Published
            ? null
            : new SearchRow(grainKey, state.SellerId, state.Title, state.Category, state.Currency, state.Price,
                state.Images.FirstOrDefault()?.Key, state.CreatedAt, state.UpdatedAt, version, state.RatingSum, state.RatingCount,
                Document(state));

    /// <summary>
    /// The words a product is found by, folded like queries, each once with the weight of the best place it appears in:
    /// A title, B category, C attributes and variant options, D description. Written in PostgreSQL's tsvector text form
    /// (<c>'cafe':1A 'colombia':2A</c>), which the web hosts' indexes read.
    /// </summary>
    public static string Document(ProductState state)
    {
        var words = new Dictionary<string, (int Position, char Weight)>(StringComparer.Ordinal);
        var position = 0;
        void Add(string? text, char weight)
        {
            foreach (var word in TextFolding.Words(text))
            {
                position++;
                if (!words.TryGetValue(word, out var seen))
                {
                    words[word] = (position, weight);
                }
                else if (weight < seen.Weight)
                {
                    words[word] = (seen.Position, weight);
                }
            }
        }

        Add(state.Title, 'A');
        Add(state.Category.Replace('-', ' '), 'B');
        Add(string.Join(' ', state.Attributes.Select(a => a.Key + " " + a.Value)), 'C');
        Add(string.Join(' ', state.Variants.SelectMany(v => v.Options.Values)), 'C');
        Add(state.Description, 'D');

        var document = new StringBuilder();
        foreach (var (word, (at, weight)) in words.OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            if (document.Length > 0)
            {
                document.Append(' ');
            }

            document.Append('\'').Append(word).Append("':").Append(Math.Min(at, 16383).ToString(CultureInfo.InvariantCulture)).Append(weight);
        }

        return document.ToString();
    }

    protected override void AddUpserts(NpgsqlBatch batch, IReadOnlyList<(SearchRow Row, bool IsNew)> rows)
    {
        var r = rows.Select(x => x.Row).OrderBy(x => x.ProductId, StringComparer.Ordinal).ToList();
        batch.BatchCommands.Add(Statement("""
            INSERT INTO search_products AS s (product_id, seller_id, title, category, currency, price, image_key, in_stock,
                                              created_at, updated_at, state_version, rating_sum, rating_count, document, change_xid)
            SELECT u.product_id, u.seller_id, u.title, u.category, u.currency, u.price, u.image_key, k.in_stock,
                   u.created_at, u.updated_at, u.state_version, u.rating_sum, u.rating_count, u.document, pg_current_xact_id()
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::timestamptz[],
                        $9::timestamptz[], $10::integer[], $11::bigint[], $12::integer[], $13::text[])
                     AS u(product_id, seller_id, title, category, currency, price, image_key, created_at, updated_at,
                          state_version, rating_sum, rating_count, document)
            CROSS JOIN LATERAL (
                SELECT coalesce(bool_or(i.on_hand > i.reserved), false) AS in_stock
                FROM (SELECT on_hand, reserved FROM inventory_skus WHERE product_id = u.product_id FOR SHARE) i) k
            ON CONFLICT (product_id) DO UPDATE
                SET seller_id = EXCLUDED.seller_id, title = EXCLUDED.title, category = EXCLUDED.category,
                    currency = EXCLUDED.currency, price = EXCLUDED.price, image_key = EXCLUDED.image_key,
                    in_stock = EXCLUDED.in_stock, updated_at = EXCLUDED.updated_at, state_version = EXCLUDED.state_version,
                    rating_sum = EXCLUDED.rating_sum, rating_count = EXCLUDED.rating_count, document = EXCLUDED.document,
                    change_xid = EXCLUDED.change_xid
            """,
            r.Select(x => x.ProductId).ToArray(), r.Select(x => x.SellerId).ToArray(), r.Select(x => x.Title).ToArray(),
            r.Select(x => x.Category).ToArray(), r.Select(x => x.Currency).ToArray(), r.Select(x => x.Price).ToArray(),
            TextOrNull(r.Select(x => x.ImageKey)), Utc(r.Select(x => x.CreatedAt)), Utc(r.Select(x => x.UpdatedAt)),
            r.Select(x => x.StateVersion).ToArray(), r.Select(x => x.RatingSum).ToArray(), r.Select(x => x.RatingCount).ToArray(),
            r.Select(x => x.Document).ToArray()));
    }

    /// <summary>Removed rows leave a tombstone, so the web hosts' indexes drop them too.</summary>
    protected override void AddRemovals(NpgsqlBatch batch, string[] keys) => batch.BatchCommands.Add(Statement("""
        WITH removed AS (DELETE FROM search_products WHERE product_id = ANY ($1) RETURNING product_id)
        INSERT INTO search_removals (product_id) SELECT product_id FROM removed
        """, [keys]));

    public override void AddClear(NpgsqlBatch batch) => batch.BatchCommands.Add(new NpgsqlBatchCommand("""
        WITH removed AS (DELETE FROM search_products RETURNING product_id)
        INSERT INTO search_removals (product_id) SELECT product_id FROM removed
        """));
}
