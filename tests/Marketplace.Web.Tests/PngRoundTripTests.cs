using System.Buffers.Binary;
using System.IO.Compression;
using Marketplace.Demo.Imaging;

namespace Marketplace.Web.Tests;

/// <summary>PngWriter's output decoded again by an independent reader: every filter it picks must undo exactly.</summary>
public sealed class PngRoundTripTests
{
    [Fact]
    public void Decoding_gives_back_every_pixel()
    {
        // Flat areas, gradients, hard edges and noise, so each of the five row filters gets chosen somewhere.
        var random = new Random(7);
        (byte, byte, byte) Pixel(int x, int y) => y switch
        {
            < 10 => (40, 90, 200),
            < 20 => ((byte)(x * 3), (byte)(y * 5), (byte)(x + y)),
            < 30 => x % 7 < 3 ? ((byte)255, (byte)0, (byte)0) : ((byte)0, (byte)0, (byte)255),
            _ => ((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)),
        };
        var expected = new List<(byte, byte, byte)>();
        for (var y = 0; y < 40; y++)
        {
            for (var x = 0; x < 50; x++)
            {
                expected.Add(Pixel(x, y));
            }
        }

        var png = PngWriter.Encode(50, 40, (x, y) => expected[y * 50 + x]);

        var decoded = Decode(png);
        Assert.Equal((50, 40), (decoded.Width, decoded.Height));
        Assert.Equal(expected, decoded.Pixels);
        Assert.True(decoded.Filters.Distinct().Count() >= 3, string.Join(",", decoded.Filters));
    }

    [Fact]
    public void A_flat_picture_compresses_to_almost_nothing()
    {
        using var canvas = new RgbCanvas(480, 480);
        canvas.VerticalGradient(new Rgb(240, 230, 220), new Rgb(200, 180, 160));
        canvas.Ellipse(240, 240, 120, 120, new Rgb(120, 60, 30));

        Assert.InRange(canvas.ToPng().Length, 100, 8_000);
    }

    /// <summary>A minimal PNG reader for 8-bit RGB images without interlacing, written from the specification.</summary>
    internal static (int Width, int Height, List<(byte R, byte G, byte B)> Pixels, List<byte> Filters) Decode(byte[] png)
    {
        var position = 8;
        int width = 0, height = 0;
        using var idat = new MemoryStream();
        while (position < png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(position));
            var type = System.Text.Encoding.ASCII.GetString(png, position + 4, 4);
            var data = png.AsSpan(position + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.Equal([8, 2, 0, 0, 0], data[8..13].ToArray());
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }

            position += 12 + length;
        }

        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }

        var raw = inflated.ToArray();
        var stride = width * 3;
        Assert.Equal(height * (stride + 1), raw.Length);
        var previous = new byte[stride];
        var pixels = new List<(byte, byte, byte)>();
        var filters = new List<byte>();
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            filters.Add(filter);
            var row = raw.AsSpan(y * (stride + 1) + 1, stride);
            for (var i = 0; i < stride; i++)
            {
                int a = i >= 3 ? row[i - 3] : 0, b = previous[i], c = i >= 3 ? previous[i - 3] : 0;
                var p = a + b - c;
                var predictor = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Math.Abs(p - a) <= Math.Abs(p - b) && Math.Abs(p - a) <= Math.Abs(p - c) ? a : Math.Abs(p - b) <= Math.Abs(p - c) ? b : c,
                    _ => throw new InvalidDataException($"Unknown filter {filter}."),
                };
                row[i] = (byte)(row[i] + predictor);
            }

            for (var i = 0; i < stride; i += 3)
            {
                pixels.Add((row[i], row[i + 1], row[i + 2]));
            }

            row.CopyTo(previous);
        }

        return (width, height, pixels, filters);
    }
}
