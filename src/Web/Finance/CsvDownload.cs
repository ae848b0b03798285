using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Finance;

/// <summary>A CSV file (<see cref="CsvResults"/>) answered from a page handler.</summary>
public sealed class CsvDownload(IResult file) : IActionResult
{
    public Task ExecuteResultAsync(ActionContext context) => file.ExecuteAsync(context.HttpContext);
}
