using System.Net.Http.Json;
using System.Text.Json;

namespace Marketplace.Testing;

/// <summary>Following an announcement through the admin API.</summary>
public static class AnnouncementProgress
{
    /// <summary>Reads the announcement until all its emails are queued and none waits any more; answers its last view.</summary>
    public static async Task<JsonElement> WaitUntilSentAsync(this HttpClient admin, string announcementId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var view = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/announcements/{announcementId}");
            if (view.GetProperty("status").GetString() == "queued" && view.GetProperty("queued").GetInt64() == 0)
            {
                return view;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Announcement {announcementId} was not sent within {timeout}: {view}");
            }

            await Task.Delay(250);
        }
    }
}
