namespace Marketplace.Web.Shared;

/// <summary>
/// The web pages' texts. Pages write English and ask the localizer (<c>T["…"]</c>), which answers from
/// Resources/Web/Text.{culture}.resx, or the English text itself when a culture has no entry.
/// </summary>
public sealed class Text;
