using Marketplace.Testing;

namespace Marketplace.Grains.Tests;

/// <summary>One cluster (one silo, its own database) shared by the tests of the collection; tests use fresh ids.</summary>
public sealed class ClusterFixture : MarketplaceCluster, IAsyncLifetime
{
    public ValueTask InitializeAsync() => new(StartAsync("grains"));
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "grain cluster";
}
