using System.Text;
using System.Text.Json;

namespace Marketplace.Sandbox.Infrastructure;

/// <summary>
/// An append-only file of JSON lines. Each line is a complete change (a resource with the idempotency answer that
/// created it), so a line torn by a crash is skipped as a whole and never half-applies.
/// </summary>
public sealed partial class Journal : IDisposable
{
    private readonly string path;
    private readonly ILogger<Journal> logger;
    private StreamWriter? writer;

    public Journal(string folder, ILogger<Journal> logger)
    {
        Directory.CreateDirectory(folder);
        path = Path.Combine(folder, "journal.jsonl");
        this.logger = logger;
    }

    public IEnumerable<JournalEntry> ReadAll()
    {
        if (!File.Exists(path))
        {
            yield break;
        }

        var lineNumber = 0;
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JournalEntry? entry;
            try
            {
                entry = JsonSerializer.Deserialize<JournalEntry>(line, SandboxJson.Options);
            }
            catch (JsonException)
            {
                entry = null;
            }

            if (entry is null)
            {
                LogUnreadableLine(lineNumber);
                continue;
            }

            yield return entry;
        }
    }

    /// <summary>Appends one entry; callers serialize appends (the ledger's lock).</summary>
    public void Append(JournalEntry entry)
    {
        writer ??= OpenForAppend();
        writer.Write(JsonSerializer.Serialize(entry, SandboxJson.Options));
        writer.Write('\n');
        // Handing the line to the OS is enough for a sandbox: a killed process loses nothing, only a machine crash can.
        writer.Flush();
    }

    public void Dispose() => writer?.Dispose();

    private StreamWriter OpenForAppend()
    {
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        // A crash may have left a partial last line; start on a fresh one so the next entry stays readable.
        if (stream.Position > 0)
        {
            stream.WriteByte((byte)'\n');
        }

        return new StreamWriter(stream, new UTF8Encoding(false));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Journal line {LineNumber} is unreadable and was skipped")]
    private partial void LogUnreadableLine(int lineNumber);
}

/// <summary>One line of the journal; the fields that are set say what happened.</summary>
public sealed record JournalEntry(
    Payment? Payment = null,
    Refund? Refund = null,
    Shipment? Shipment = null,
    IReadOnlyList<WebhookEvent>? Events = null,
    string? Delivered = null,
    string? Abandoned = null,
    IdempotentAnswer? Idempotency = null);
