using Npgsql;

namespace Marketplace.ServiceDefaults;

/// <summary>The one connection pool a process keeps for its own statements (silos and web hosts alike).</summary>
public static class MarketplaceDatabase
{
    /// <summary>
    /// A pool whose connections go back without a reset statement (no code of ours changes session state, and a reset
    /// costs a round trip per use) and whose statements used repeatedly are prepared once per connection.
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString, string name)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString) { Name = name };
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
        builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        return builder.Build();
    }
}
