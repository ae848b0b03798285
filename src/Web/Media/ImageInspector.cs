using System.Buffers.Binary;

namespace Marketplace.Web.Media;

/// <summary>What an uploaded file turned out to be, judged by its bytes rather than its name or declared type.</summary>
public sealed record ImageFormat(string ContentType, string Extension, int Width, int Height);

/// <summary>
/// Recognises JPEG, PNG and WebP by their signatures and reads the pixel size from their headers, without decoding
/// the image. Anything else, or a header that does not parse, is not an image we accept.
/// </summary>
public static class ImageInspector
{
    public const int MaxDimension = 12_000;

    public static ImageFormat? Inspect(ReadOnlySpan<byte> data)
    {
        var format = Png(data) ?? Jpeg(data) ?? WebP(data);
        return format is { Width: > 0 and <= MaxDimension, Height: > 0 and <= MaxDimension } ? format : null;
    }

    private static ImageFormat? Png(ReadOnlySpan<byte> d)
    {
        ReadOnlySpan<byte> signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (d.Length < 24 || !d[..8].SequenceEqual(signature) || !d.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return null;
        }

        return new ImageFormat("image/png", "png",
            (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(d[16..]), int.MaxValue),
            (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(d[20..]), int.MaxValue));
    }

    private static ImageFormat? Jpeg(ReadOnlySpan<byte> d)
    {
        if (d.Length < 4 || d[0] != 0xFF || d[1] != 0xD8 || d[2] != 0xFF)
        {
            return null;
        }

        // Walk the marker segments up to the first start-of-frame, which carries the size.
        var i = 2;
        while (i + 4 <= d.Length)
        {
            if (d[i] != 0xFF)
            {
                return null;
            }

            var marker = d[i + 1];
            if (marker == 0xFF)
            {
                i++;
                continue;
            }

            if (marker is 0xD8 or 0x01 or >= 0xD0 and <= 0xD7)
            {
                i += 2;
                continue;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(d[(i + 2)..]);
            if (length < 2)
            {
                return null;
            }

            var isFrame = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (isFrame)
            {
                return i + 9 <= d.Length
                    ? new ImageFormat("image/jpeg", "jpg",
                        BinaryPrimitives.ReadUInt16BigEndian(d[(i + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(d[(i + 5)..]))
                    : null;
            }

            if (marker is 0xD9 or 0xDA)
            {
                return null;
            }

            i += 2 + length;
        }

        return null;
    }

    private static ImageFormat? WebP(ReadOnlySpan<byte> d)
    {
        if (d.Length < 30 || !d[..4].SequenceEqual("RIFF"u8) || !d.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return null;
        }

        var chunk = d.Slice(12, 4);
        var body = d[20..];
        if (chunk.SequenceEqual("VP8 "u8))
        {
            // Lossy: a key frame starts with a 3-byte tag and the start code 9D 01 2A, then 14-bit width and height.
            if (body.Length < 10 || body[3] != 0x9D || body[4] != 0x01 || body[5] != 0x2A)
            {
                return null;
            }

            return new ImageFormat("image/webp", "webp",
                BinaryPrimitives.ReadUInt16LittleEndian(body[6..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(body[8..]) & 0x3FFF);
        }

        if (chunk.SequenceEqual("VP8L"u8))
        {
            // Lossless: signature 0x2F, then width-1 and height-1 in 14 bits each.
            if (body.Length < 5 || body[0] != 0x2F)
            {
                return null;
            }

            var bits = BinaryPrimitives.ReadUInt32LittleEndian(body[1..]);
            return new ImageFormat("image/webp", "webp", (int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }

        if (chunk.SequenceEqual("VP8X"u8))
        {
            // Extended: canvas width-1 and height-1 as 24-bit little-endian values after 4 bytes of flags.
            if (body.Length < 10)
            {
                return null;
            }

            return new ImageFormat("image/webp", "webp",
                (body[4] | body[5] << 8 | body[6] << 16) + 1, (body[7] | body[8] << 8 | body[9] << 16) + 1);
        }

        return null;
    }
}
