using Marketplace.Web.Accounts;
using Marketplace.Web.Catalog;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Marketplace.Web.Admin;

/// <summary>What operators look through: users, stores and the cluster's silos (for the admin API and the admin pages).</summary>
public sealed class AdminQueries(AccountsDbContext accounts, NpgsqlDataSource db, IGrainFactory grains)
{
    /// <summary>Users, newest first, searched by email or name.</summary>
    public async Task<PagedResponse<AdminUserResponse>> UsersAsync(string? q, Paging paging, CancellationToken ct)
    {
        var users = accounts.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var pattern = "%" + EscapeLike(q.Trim()) + "%";
            users = users.Where(u => EF.Functions.ILike(u.Email!, pattern, "\\") || EF.Functions.ILike(u.DisplayName, pattern, "\\"));
        }

        var total = await users.CountAsync(ct);
        var rows = await users.OrderByDescending(u => u.CreatedAt).ThenBy(u => u.Id).Skip(paging.Skip).Take(paging.PageSize)
            .Select(u => new
            {
                User = u,
                Roles = accounts.UserRoles.Where(r => r.UserId == u.Id).Select(r => r.RoleId).ToList(),
            })
            .ToListAsync(ct);
        var items = rows.Select(r => new AdminUserResponse(r.User.Id, r.User.Email!, r.User.DisplayName, r.Roles.Order(StringComparer.Ordinal).ToList(),
            r.User.SellerId, r.User.TwoFactorEnabled, r.User.LockoutEnd, r.User.CreatedAt)).ToList();
        return new PagedResponse<AdminUserResponse>(items, total, paging.Page, paging.PageSize);
    }

    /// <summary>Stores, newest first, searched by name, id or directory id; <paramref name="status"/> is active, suspended or null.</summary>
    public async Task<PagedResponse<AdminStoreResponse>> StoresAsync(string? q, string? status, Paging paging, CancellationToken ct)
    {
        const string Filter = "(@q IS NULL OR name ILIKE @pattern OR seller_id = @q OR external_id = @q) AND (@status IS NULL OR status = @status)";
        await using var count = db.CreateCommand($"SELECT count(*) FROM store_directory WHERE {Filter}");
        await using var query = db.CreateCommand(
            $"""
            SELECT seller_id, name, status, owner_user_id, external_id, product_count, created_at, updated_at
            FROM store_directory WHERE {Filter} ORDER BY created_at DESC, seller_id LIMIT @take OFFSET @skip
            """);
        foreach (var command in new[] { count, query })
        {
            var text = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
            command.Parameters.Add(new NpgsqlParameter<string?>("q", text) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string?>("pattern", text is null ? null : "%" + EscapeLike(text) + "%")
            { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string?>("status", status) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        }

        query.Parameters.AddWithValue("take", paging.PageSize);
        query.Parameters.AddWithValue("skip", paging.Skip);
        var total = Convert.ToInt32(await count.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        var items = new List<AdminStoreResponse>();
        await using var reader = await query.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            items.Add(new AdminStoreResponse(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt32(5),
                reader.GetFieldValue<DateTimeOffset>(6), reader.GetFieldValue<DateTimeOffset>(7)));
        }

        return new PagedResponse<AdminStoreResponse>(items, total, paging.Page, paging.PageSize);
    }

    /// <summary>The silos that are not dead, with their activations.</summary>
    public async Task<ClusterResponse> ClusterAsync()
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: false);
        var stats = await management.GetSimpleGrainStatistics();
        var silos = hosts
            .Where(h => h.Status != SiloStatus.Dead)
            .Select(h => new SiloResponse(
                h.SiloAddress.ToString(),
                System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(h.Status.ToString()),
                stats.Where(s => s.SiloAddress.Equals(h.SiloAddress)).Sum(s => s.ActivationCount),
                new DateTimeOffset(DateTime.SpecifyKind(h.StartTime, DateTimeKind.Utc)),
                h.SiloName))
            .ToList();
        return new ClusterResponse(silos);
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
