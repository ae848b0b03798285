using System.Net;

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
}
