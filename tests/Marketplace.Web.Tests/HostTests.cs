using System.Net;
using Marketplace.Web.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Web.Tests;

[Collection(WebCollection.Name)]
public sealed class HostTests(WebFixture fixture)
{
    private readonly HttpClient http = fixture.CreateClient();

    [Fact]
    public async Task The_openapi_document_describes_the_api()
    {
        var document = await (await http.GetAsync("/openapi/v1.json")).ReadJsonAsync();
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/sellers", out _));
        Assert.True(paths.TryGetProperty("/api/sellers/{sellerId}/products", out _));
        Assert.True(paths.TryGetProperty("/api/products/{productId}/stock", out _));
    }

    [Fact]
    public async Task The_api_reference_page_is_served_without_external_scripts()
    {
        var response = await http.GetAsync("/docs/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("openapi/v1.json", html, StringComparison.Ordinal);
        Assert.Contains("<script src=\"scalar.js\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        var script = await http.GetAsync("/docs/scalar.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_answer(string path) =>
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(path)).StatusCode);

    /// <summary>
    /// The accounts tables (Identity, Data Protection, the OpenID Connect provider's stores) are created by the
    /// migrator's SQL, not by EF; every table and column the EF model maps must exist under the name it maps to.
    /// </summary>
    [Fact]
    public async Task Every_table_and_column_the_accounts_model_maps_exists_in_the_migrated_database()
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var model = scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Model;
        var missing = new List<string>();
        foreach (var entity in model.GetEntityTypes().Where(e => e.GetTableName() is not null))
        {
            var table = entity.GetTableName()!;
            var store = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(table, entity.GetSchema());
            foreach (var property in entity.GetProperties())
            {
                var column = property.GetColumnName(store)!;
                var exists = await fixture.Database.ScalarAsync<long>(
                    "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = @table AND column_name = @column",
                    ("table", table), ("column", column));
                if (exists != 1)
                {
                    missing.Add($"{table}.{column}");
                }
            }
        }

        Assert.Contains(model.GetEntityTypes(), e => e.GetTableName() == "oidc_tokens");
        Assert.Empty(missing);
    }
}
