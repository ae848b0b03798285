using System.Text;
using Marketplace.Contracts.Catalog;
using Marketplace.Web.Catalog;

namespace Marketplace.Web.Tests;

public sealed class CatalogCsvTests
{
    private static CatalogFile Read(string text) => CatalogCsv.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void Rows_of_one_handle_are_one_product_with_its_variants()
    {
        var file = Read("""
            handle,title,category,currency,price,sku,options,variant_price,stock,status
            tea,Green tea,tea,usd,4.50,T-1,size=50 g; tin=yes,,10,published
            tea,,,,,T-2,size=100 g,8.00,5,
            mug,Mug,kitchen,CLP,12990,M-1,,,3,
            """);
        Assert.Empty(file.Errors);
        Assert.Equal(3, file.Rows);
        var tea = file.Products.Single(p => p.Handle == "tea");
        Assert.Equal((2, "USD", 450L, ProductStatus.Published), (tea.Line, tea.Draft.Currency, tea.Draft.Price, tea.Draft.Status));
        Assert.Equal([2, 3], tea.VariantLines);
        Assert.Equal(("T-2", 800L, 5), (tea.Draft.Variants[1].Sku, tea.Draft.Variants[1].Price!.Value, tea.Draft.Variants[1].Stock));
        Assert.Equal("yes", tea.Draft.Variants[0].Options["tin"]);
        Assert.Null(tea.Images); // no images column: the product keeps its own
        Assert.Null(tea.Draft.Attributes);
        Assert.Equal(ProductStatus.Draft, file.Products.Single(p => p.Handle == "mug").Draft.Status);
    }

    [Fact]
    public void Formula_cells_round_trip_through_the_apostrophe()
    {
        Assert.Equal("'=SUM(A1)", CatalogCsv.Escape("=SUM(A1)"));
        Assert.Equal("'-5 %", CatalogCsv.Escape("-5 %"));
        Assert.Equal("''quoted", CatalogCsv.Escape("'quoted"));
        Assert.Equal("plain", CatalogCsv.Escape("plain"));
        var file = Read("handle,title,category,currency,price,sku,stock\nx,'=HYPERLINK(\"http://a\"),misc,CLP,1,'@S,1\n");
        Assert.Empty(file.Errors);
        Assert.Equal("=HYPERLINK(\"http://a\")", file.Products[0].Draft.Title);
        Assert.Equal("@S", file.Products[0].Draft.Variants[0].Sku);
    }

    [Theory]
    [InlineData("", 1, null)]
    [InlineData("handle,title\nx,y\n", 1, "category")]
    [InlineData("handle,title,category,currency,price,sku,stock,colour\n", 1, "colour")]
    [InlineData("handle,title,category,currency,price,sku,stock\nx,T,c,CLP,1,S\n", 2, null)]
    [InlineData("handle,title,category,currency,price,sku,stock\nx y,T,c,CLP,1,S,1\n", 2, "handle")]
    [InlineData("handle,title,category,currency,price,sku,stock\nx,T,c,USD,1.005,S,1\n", 2, "price")]
    [InlineData("handle,title,category,currency,price,sku,stock\nx,T,c,CLP,-1,S,1\n", 2, "price")]
    [InlineData("handle,title,category,currency,price,sku,stock\nx,T,c,CLP,1,S,-1\n", 2, "stock")]
    [InlineData("handle,title,category,currency,price,sku,stock\nx,T,c,CLP,1,,1\n", 2, "sku")]
    [InlineData("handle,title,category,currency,price,sku,stock\nx,\"unterminated,c,CLP,1,S,1\n", 2, null)]
    public void A_problem_names_its_line_and_column(string text, int line, string? column)
    {
        var file = Read(text);
        Assert.Empty(file.Products);
        Assert.Contains(file.Errors, e => e.Line == line && e.Column == column);
    }
}
