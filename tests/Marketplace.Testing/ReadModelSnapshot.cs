namespace Marketplace.Testing;

/// <summary>Every row of the read models (order listings and lines, search, store directory) as one text, for comparing.</summary>
public static class ReadModelSnapshot
{
    /// <summary>
    /// The rows in key order; search documents only when <paramref name="withDocuments"/> (an upgrade compares them by
    /// their words instead, since positions were written differently before).
    /// </summary>
    public static async Task<string> TakeAsync(TestDatabase database, bool withDocuments = true) => (await database.ScalarAsync<string>($"""
        SELECT concat_ws(E'\n',
            (SELECT string_agg(concat_ws('|', order_id, buyer_id, seller_id, seller_name, status, currency, total, refunded, item_count,
                                         placed_at, updated_at, paid_at, decide_by, needs_attention, state_version), E'\n' ORDER BY order_id)
             FROM order_listings),
            (SELECT string_agg(concat_ws('|', order_id, line_no, seller_id, product_id, sku, title, quantity, unit_price, freight),
                               E'\n' ORDER BY order_id, line_no) FROM order_listing_lines),
            (SELECT string_agg(concat_ws('|', product_id, seller_id, title, category, currency, price, image_key, in_stock, created_at,
                                         updated_at, state_version, rating_sum, rating_count{(withDocuments ? ", document" : "")}),
                               E'\n' ORDER BY product_id) FROM search_products),
            (SELECT string_agg(concat_ws('|', seller_id, name, status, owner_user_id, external_id, product_count, created_at, updated_at,
                                         state_version), E'\n' ORDER BY seller_id) FROM store_directory))
        """))!;
}
