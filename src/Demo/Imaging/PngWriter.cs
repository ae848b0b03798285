using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace Marketplace.Demo.Imaging;

/// <summary>
/// Writes small RGB PNG images (for generated demo pictures) with nothing but the platform's zlib: the signature,
/// an IHDR chunk, one IDAT chunk of filtered scanlines, and IEND. Each scanline gets the filter that leaves the
/// smallest residuals (the heuristic libpng uses), which shrinks flat areas and gradients to a few bytes a row.
/// </summary>
public static class PngWriter
{
    private const int BytesPerPixel = 3;
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>Encodes a width × height image whose pixel colours come from <paramref name="pixel"/> (r, g, b).</summary>
    public static byte[] Encode(int width, int height, Func<int, int, (byte R, byte G, byte B)> pixel)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var rgb = new byte[width * height * BytesPerPixel];
        var i = 0;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var (r, g, b) = pixel(x, y);
                rgb[i++] = r;
                rgb[i++] = g;
                rgb[i++] = b;
            }
        }

        return Encode(width, height, rgb);
    }

    /// <summary>Encodes a width × height image given as rows of r, g, b bytes, top row first.</summary>
    public static byte[] Encode(int width, int height, ReadOnlySpan<byte> rgb)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var stride = width * BytesPerPixel;
        if (rgb.Length != stride * height)
        {
            throw new ArgumentException($"Expected {stride * height} bytes for {width} × {height} RGB pixels.", nameof(rgb));
        }

        // Pooled: a picture's filtered rows are large enough for the large object heap, and allocating them for every
        // picture of a catalog makes the garbage collector stop the whole process again and again.
        var length = height * (1 + stride);
        var filtered = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            return Encode(width, height, rgb, stride, filtered.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(filtered);
        }
    }

    private static byte[] Encode(int width, int height, ReadOnlySpan<byte> rgb, int stride, Span<byte> filtered)
    {
        Span<byte> candidate = new byte[stride];
        ReadOnlySpan<byte> previous = new byte[stride]; // the row above the first is all zeros
        for (var y = 0; y < height; y++)
        {
            var row = rgb.Slice(y * stride, stride);
            var output = filtered.Slice(y * (1 + stride), 1 + stride);
            var best = long.MaxValue;
            for (byte filter = 0; filter <= 4; filter++)
            {
                var cost = Filter(filter, row, previous, candidate);
                if (cost < best)
                {
                    best = cost;
                    output[0] = filter;
                    candidate.CopyTo(output[1..]);
                }
            }

            previous = row;
        }

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(filtered);
        }

        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bits per channel
        header[9] = 2; // colour type: RGB
        WriteChunk(png, "IHDR"u8, header);
        WriteChunk(png, "IDAT"u8, compressed.ToArray());
        WriteChunk(png, "IEND"u8, []);
        return png.ToArray();
    }

    /// <summary>
    /// Applies one of the five PNG filters (none, sub, up, average, Paeth) to a row and answers the sum of the residuals
    /// read as signed bytes: small residuals are what deflate compresses best. One loop per filter keeps the inner
    /// loops free of branches; the first pixel has no left neighbour, which counts as zero.
    /// </summary>
    private static long Filter(byte filter, ReadOnlySpan<byte> row, ReadOnlySpan<byte> above, Span<byte> output)
    {
        const int b = BytesPerPixel;
        switch (filter)
        {
            case 0:
                row.CopyTo(output);
                break;
            case 1:
                row[..b].CopyTo(output);
                for (var i = b; i < row.Length; i++)
                {
                    output[i] = (byte)(row[i] - row[i - b]);
                }

                break;
            case 2:
                for (var i = 0; i < row.Length; i++)
                {
                    output[i] = (byte)(row[i] - above[i]);
                }

                break;
            case 3:
                for (var i = 0; i < b; i++)
                {
                    output[i] = (byte)(row[i] - above[i] / 2);
                }

                for (var i = b; i < row.Length; i++)
                {
                    output[i] = (byte)(row[i] - (row[i - b] + above[i]) / 2);
                }

                break;
            default:
                for (var i = 0; i < b; i++)
                {
                    output[i] = (byte)(row[i] - above[i]);
                }

                for (var i = b; i < row.Length; i++)
                {
                    output[i] = (byte)(row[i] - Paeth(row[i - b], above[i], above[i - b]));
                }

                break;
        }

        long cost = 0;
        foreach (var residual in output)
        {
            cost += Math.Abs((int)(sbyte)residual);
        }

        return cost;
    }

    private static int Paeth(int left, int up, int upLeft)
    {
        var estimate = left + up - upLeft;
        var toLeft = Math.Abs(estimate - left);
        var toUp = Math.Abs(estimate - up);
        var toUpLeft = Math.Abs(estimate - upLeft);
        return toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft;
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        output.Write(number);
        output.Write(type);
        output.Write(data);
        var crc = Crc(0xFFFFFFFFu, type);
        crc = Crc(crc, data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(number, crc);
        output.Write(number);
    }

    private static uint Crc(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
