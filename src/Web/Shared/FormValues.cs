namespace Marketplace.Web.Shared;

/// <summary>What forms send, read the same way everywhere.</summary>
public static class FormValues
{
    /// <summary>A field's text without surrounding spaces, or null when nothing was written.</summary>
    public static string? OrNull(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
