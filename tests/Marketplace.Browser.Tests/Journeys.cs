using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.Browser.Tests;

/// <summary>Steps that several browser tests take the same way a person does.</summary>
public static class Journeys
{
    public static readonly TimeSpan LiveWait = TimeSpan.FromSeconds(15);

    public static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("details.menu summary")).ToBeVisibleAsync();
    }

    /// <summary>The live script marks the page once its subscriptions are in place.</summary>
    public static Task WaitLiveAsync(IPage page) =>
        Expect(page.Locator("body")).ToHaveAttributeAsync("data-live-state", "connected", new() { Timeout = (float)LiveWait.TotalMilliseconds });

    /// <summary>Searches with the site's search box until the new product is indexed (the search read model catches up in seconds).</summary>
    public static async Task SearchUntilFoundAsync(IPage page, string word, string title)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search products" }).First.FillAsync(word);
            await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).First.ClickAsync();
            await page.WaitForURLAsync(new Regex("/search\\?"));
            if (await page.GetByRole(AriaRole.Link, new() { Name = title }).CountAsync() > 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"'{title}' did not appear in the search for '{word}'.");
            }

            await Task.Delay(500);
        }
    }
}
