using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using MimeKit;

namespace Marketplace.Testing;

/// <summary>
/// What an smtp4dev server received, read through its REST API: <c>GET /api/messages</c> (paged summaries) and
/// <c>GET /api/messages/{id}/download</c> (the message as it arrived, byte for byte).
/// </summary>
public sealed class MailInbox : IDisposable
{
    private const int PageSize = 100;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient http;

    /// <param name="inboxUrl">The server's web address, e.g. <see cref="MailServer.InboxUrl"/> or the Mail URL <c>up</c> prints.</param>
    public MailInbox(Uri inboxUrl)
    {
        var root = inboxUrl.AbsoluteUri.EndsWith('/') ? inboxUrl : new Uri(inboxUrl.AbsoluteUri + "/");
        http = new HttpClient { BaseAddress = root, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Every message received, oldest first.</summary>
    public async Task<IReadOnlyList<ReceivedMail>> MessagesAsync(CancellationToken cancellationToken = default)
    {
        var messages = new List<ReceivedMail>();
        var seen = new HashSet<Guid>();
        // Oldest first, so that messages arriving meanwhile join the last page instead of shifting the pages read.
        for (var page = 1; ; page++)
        {
            var answer = await http.GetFromJsonAsync<SummaryPage>(
                string.Create(CultureInfo.InvariantCulture, $"api/messages?sortColumn=receivedDate&sortIsDescending=false&page={page}&pageSize={PageSize}"),
                Json, cancellationToken) ?? throw new InvalidOperationException("The mail server answered no page.");
            foreach (var summary in answer.Results.Where(s => seen.Add(s.Id)))
            {
                messages.Add(new ReceivedMail(summary.Id, summary.From ?? "", summary.To ?? [], summary.Subject ?? "", summary.ReceivedDate));
            }

            if (page >= answer.PageCount)
            {
                return messages;
            }
        }
    }

    /// <summary>The first message that matches, waiting for it to arrive.</summary>
    public async Task<ReceivedMail> WaitForAsync(Func<ReceivedMail, bool> match, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        (await WaitForCountAsync(match, 1, timeout, cancellationToken))[0];

    /// <summary>The messages that match once there are at least <paramref name="count"/> of them, oldest first.</summary>
    public async Task<IReadOnlyList<ReceivedMail>> WaitForCountAsync(
        Func<ReceivedMail, bool> match, int count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var messages = await MessagesAsync(cancellationToken);
            var matching = messages.Where(match).ToList();
            if (matching.Count >= count)
            {
                return matching;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException(
                    $"{matching.Count} of the {count} message(s) expected arrived within {timeout}; the inbox holds {messages.Count}:\n"
                    + string.Join('\n', messages.TakeLast(20).Select(m => $"  {m.ReceivedAt:HH:mm:ss.fff} {m.From} -> {string.Join(", ", m.To)}: {m.Subject}")));
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>The message as the server received it (RFC 5322), byte for byte.</summary>
    /// <remarks>Not <c>/raw</c> or <c>/source</c>: those answer text decoded with the session's encoding, which garbles 8-bit bodies.</remarks>
    public Task<byte[]> SourceAsync(ReceivedMail mail, CancellationToken cancellationToken = default) =>
        http.GetByteArrayAsync(new Uri($"api/messages/{mail.Id}/download", UriKind.Relative), cancellationToken);

    /// <summary>The message parsed: its headers (<c>Message-ID</c>, <c>List-Unsubscribe</c>, …) and its text and HTML bodies.</summary>
    public async Task<MimeMessage> LoadAsync(ReceivedMail mail, CancellationToken cancellationToken = default)
    {
        using var source = new MemoryStream(await SourceAsync(mail, cancellationToken));
        return await MimeMessage.LoadAsync(source, cancellationToken);
    }

    public void Dispose() => http.Dispose();

    private sealed record SummaryPage(List<Summary> Results, int PageCount);

    private sealed record Summary(Guid Id, string? From, List<string>? To, string? Subject, DateTimeOffset ReceivedDate);
}
