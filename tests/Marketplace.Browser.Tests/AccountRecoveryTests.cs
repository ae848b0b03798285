using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.Browser.Tests;

/// <summary>A person who forgot their password gets back in through the email the marketplace sends.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class AccountRecoveryTests(BrowserFixture fixture) : IAsyncLifetime
{
    private readonly People people = new(fixture);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => people.DisposeAsync();

    [Fact]
    public async Task A_forgotten_password_is_reset_from_the_emailed_link_which_then_ends_every_session_and_works_once()
    {
        var (email, password) = await fixture.RegisterShopperAsync();
        var laptop = await people.ArriveAsync("the shopper's laptop");
        await Journeys.SignInAsync(laptop, email, password);

        var phone = await people.ArriveAsync("the shopper's phone", BrowserFixture.Phone);
        await phone.GotoAsync("/account/login");
        await phone.GetByRole(AriaRole.Link, new() { Name = "Forgot your password?" }).ClickAsync();
        await phone.GetByLabel("Email").FillAsync(email);
        await phone.GetByRole(AriaRole.Button, new() { Name = "Email me a link" }).ClickAsync();
        await Expect(phone.Locator("[data-forgot-sent]")).ToBeVisibleAsync();

        var received = await fixture.Mail.Inbox.WaitForAsync(
            m => m.To.Contains(email, StringComparer.OrdinalIgnoreCase) && m.Subject.Contains("Reset", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        var message = await fixture.Mail.Inbox.LoadAsync(received);
        var link = ResetLink().Match(message.TextBody ?? "");
        Assert.True(link.Success, message.TextBody);
        Assert.StartsWith(fixture.MarketplaceOrigin, link.Value, StringComparison.Ordinal);

        await phone.GotoAsync(link.Value);
        const string newPassword = "forgotten then found again";
        await phone.GetByLabel("New password").FillAsync(newPassword);
        await phone.GetByRole(AriaRole.Button, new() { Name = "Save the new password" }).ClickAsync();
        await Expect(phone).ToHaveURLAsync(new Regex("/account/login$"));
        await Expect(phone.Locator("main")).ToContainTextAsync("Your password was changed");
        await Journeys.SignInAsync(phone, email, newPassword);

        await laptop.ReloadAsync();
        await Expect(laptop.Locator("details.menu summary")).ToHaveCountAsync(0);

        await phone.GotoAsync(link.Value);
        await phone.GetByLabel("New password").FillAsync("a third long passphrase");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Save the new password" }).ClickAsync();
        await Expect(phone.Locator("[data-link-refused]")).ToBeVisibleAsync();
    }

    [GeneratedRegex(@"http://\S+/account/reset-password\?token=[A-Za-z0-9_-]+")]
    private static partial Regex ResetLink();
}
