using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Testing;

namespace Marketplace.Web.Tests;

/// <summary>A silo cluster on its own database and the real web host in front of it.</summary>
public sealed class WebFixture : WebHostFixture
{
    protected override async Task<WebHostFactory> StartHostAsync()
    {
        await StartAsync("web");
        var factory = new WebHostFactory(this);
        _ = factory.Server; // start the host now, not in the first test
        return factory;
    }
}

[CollectionDefinition(Name)]
public sealed class WebCollection : ICollectionFixture<WebFixture>
{
    public const string Name = "web host";
}

