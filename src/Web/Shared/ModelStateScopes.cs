using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Marketplace.Web.Shared;

public static class ModelStateScopes
{
    /// <summary>
    /// Whether one form of a page is valid: a page with several forms binds them all, but only the posted one counts.
    /// The other forms' errors are removed.
    /// </summary>
    public static bool IsValid(this ModelStateDictionary state, string prefix)
    {
        foreach (var key in state.Keys.Where(k => !k.StartsWith(prefix + ".", StringComparison.Ordinal) && k != prefix).ToList())
        {
            state.Remove(key);
        }

        return state.IsValid;
    }
}
