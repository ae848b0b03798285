namespace Marketplace.Grains.Common;

/// <summary>Names of the grain storage providers the silo registers.</summary>
public static class StorageNames
{
    /// <summary>Durable grain state on PostgreSQL.</summary>
    public const string Marketplace = "marketplace";
}
