using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Marketplace.Web.Media;

/// <summary>Where uploaded files live. Keys are content hashes, so a blob never changes once written.</summary>
public interface IBlobStore
{
    /// <summary>Stores the bytes under the key unless a blob with that key exists already.</summary>
    Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>The blob as a file on disk, or null when there is none.</summary>
    FileInfo? Find(string key);
}

public static class BlobStoreExtensions
{
    /// <summary>
    /// Stores an image under its content hash and its format's extension, and describes it for a product; null when the
    /// bytes are not a JPEG, PNG or WebP image we accept (judged from the bytes, whatever the caller claims).
    /// </summary>
    public static async Task<ProductImage?> PutImageAsync(this IBlobStore blobs, byte[] bytes, CancellationToken cancellationToken = default)
    {
        if (ImageInspector.Inspect(bytes) is not { } format)
        {
            return null;
        }

        var key = $"{Convert.ToHexStringLower(SHA256.HashData(bytes))}.{format.Extension}";
        await blobs.PutAsync(key, bytes, cancellationToken);
        return new ProductImage(key, format.ContentType, format.Width, format.Height, bytes.Length);
    }
}

public sealed class BlobOptions
{
    /// <summary>The folder blobs are written to; shared by every web host of one installation.</summary>
    public string Path { get; set; } = "";
}

/// <summary>
/// Blobs as files under one folder, two levels of hash-prefix directories deep. Writes go to a temporary file that is
/// renamed into place, so a reader never sees half a blob.
/// </summary>
public sealed partial class FileSystemBlobStore : IBlobStore
{
    private readonly string root;

    public FileSystemBlobStore(string root)
    {
        this.root = System.IO.Path.GetFullPath(root);
        Directory.CreateDirectory(this.root);
    }

    public static bool IsValidKey(string? key) => key is not null && KeyPattern().IsMatch(key);

    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        if (File.Exists(path))
        {
            return;
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temporary, content, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    public FileInfo? Find(string key)
    {
        if (!IsValidKey(key))
        {
            return null;
        }

        var file = new FileInfo(PathOf(key));
        return file.Exists ? file : null;
    }

    private string PathOf(string key)
    {
        if (!IsValidKey(key))
        {
            throw new ArgumentException("Not a blob key.", nameof(key));
        }

        return System.IO.Path.Combine(root, key[..2], key[2..4], key);
    }

    [GeneratedRegex("^[a-f0-9]{64}\\.(jpg|png|webp)$")]
    private static partial Regex KeyPattern();
}
