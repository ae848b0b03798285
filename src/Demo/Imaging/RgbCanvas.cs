using System.Buffers;

namespace Marketplace.Demo.Imaging;

/// <summary>An opaque colour.</summary>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    /// <summary>The colour <paramref name="amount"/> of the way (0..1) towards <paramref name="other"/>.</summary>
    public Rgb Mix(Rgb other, double amount) => new(Blend(R, other.R, amount), Blend(G, other.G, amount), Blend(B, other.B, amount));

    public Rgb Lighter(double amount) => Mix(new Rgb(255, 255, 255), amount);

    public Rgb Darker(double amount) => Mix(new Rgb(0, 0, 0), amount);

    /// <summary>Reads "#rrggbb".</summary>
    public static Rgb Parse(string hex) =>
        hex is ['#', _, _, _, _, _, _]
            ? new Rgb(Convert.ToByte(hex[1..3], 16), Convert.ToByte(hex[3..5], 16), Convert.ToByte(hex[5..7], 16))
            : throw new FormatException($"'{hex}' is not a #rrggbb colour.");

    private static byte Blend(byte from, byte to, double amount) =>
        (byte)Math.Clamp(Math.Round(from + (to - from) * Math.Clamp(amount, 0, 1)), 0, 255);
}

/// <summary>
/// A rectangle of RGB pixels to paint flat shapes on, then encode as PNG. A pixel belongs to a shape when its centre
/// does; there is no anti-aliasing: hard edges and flat colour keep the files small. Shapes are filled a row at a
/// time from their left and right edges, so a solid fill costs a memory write per pixel and little else.
/// </summary>
/// <remarks>The pixels come from a shared pool (a picture is large enough for the large object heap): dispose it.</remarks>
public sealed class RgbCanvas : IDisposable
{
    private byte[] buffer;

    public RgbCanvas(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
        buffer = ArrayPool<byte>.Shared.Rent(width * height * 3);
        Pixels.Clear();
    }

    public int Width { get; }

    public int Height { get; }

    private Span<byte> Pixels => buffer.AsSpan(0, Width * Height * 3);

    public byte[] ToPng() => PngWriter.Encode(Width, Height, Pixels);

    public void Dispose()
    {
        var returned = Interlocked.Exchange(ref buffer, []);
        if (returned.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(returned);
        }
    }

    /// <summary>A top-to-bottom gradient over the whole canvas.</summary>
    public void VerticalGradient(Rgb top, Rgb bottom) => VerticalGradient(0, 0, Width, Height, top, bottom);

    /// <summary>A top-to-bottom gradient over a rectangle.</summary>
    public void VerticalGradient(double left, double top, double right, double bottom, Rgb topColour, Rgb bottomColour)
    {
        var height = Math.Max(1, bottom - top);
        Rows(top, bottom, _ => (left, right), (_, y) => topColour.Mix(bottomColour, (y + 0.5 - top) / height), perRow: true);
    }

    public void Rectangle(double left, double top, double right, double bottom, Rgb colour) =>
        Rows(top, bottom, _ => (left, right), colour);

    public void RoundedRectangle(double left, double top, double right, double bottom, double radius, Rgb colour) =>
        Rows(top, bottom, y => RoundedSpan(left, top, right, bottom, radius, y), colour);

    /// <summary>A rounded rectangle painted with a pattern (the function gets pixel coordinates).</summary>
    public void RoundedRectangle(double left, double top, double right, double bottom, double radius, Func<int, int, Rgb> paint) =>
        Rows(top, bottom, y => RoundedSpan(left, top, right, bottom, radius, y), paint);

    public void Ellipse(double centreX, double centreY, double radiusX, double radiusY, Rgb colour) =>
        Rows(centreY - radiusY, centreY + radiusY, y => EllipseSpan(centreX, centreY, radiusX, radiusY, y), colour);

    public void Ellipse(double centreX, double centreY, double radiusX, double radiusY, Func<int, int, Rgb> paint) =>
        Rows(centreY - radiusY, centreY + radiusY, y => EllipseSpan(centreX, centreY, radiusX, radiusY, y), paint);

    /// <summary>The band between an ellipse and the one <paramref name="thickness"/> pixels inside it.</summary>
    public void Ring(double centreX, double centreY, double radiusX, double radiusY, double thickness, Rgb colour)
    {
        var innerX = radiusX - thickness;
        var innerY = radiusY - thickness;
        for (var y = FirstRow(centreY - radiusY); y <= LastRow(centreY + radiusY); y++)
        {
            var (from, to) = EllipseSpan(centreX, centreY, radiusX, radiusY, y + 0.5);
            if (innerX <= 0 || innerY <= 0 || Math.Abs(y + 0.5 - centreY) > innerY)
            {
                Span(y, from, to, colour);
                continue;
            }

            var (innerFrom, innerTo) = EllipseSpan(centreX, centreY, innerX, innerY, y + 0.5);
            Span(y, from, Math.BitDecrement(innerFrom), colour);
            Span(y, Math.BitIncrement(innerTo), to, colour);
        }
    }

    public void Polygon(IReadOnlyList<(double X, double Y)> points, Rgb colour) => Polygon(points, (_, _) => colour);

    /// <summary>A convex or concave polygon, filled by the even-odd rule and painted with a pattern.</summary>
    public void Polygon(IReadOnlyList<(double X, double Y)> points, Func<int, int, Rgb> paint)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(points.Count, 3);
        var crossings = new List<double>(points.Count);
        for (var y = FirstRow(points.Min(p => p.Y)); y <= LastRow(points.Max(p => p.Y)); y++)
        {
            var centre = y + 0.5;
            crossings.Clear();
            for (int i = 0, j = points.Count - 1; i < points.Count; j = i++)
            {
                var (xi, yi) = points[i];
                var (xj, yj) = points[j];
                if ((yi > centre) != (yj > centre))
                {
                    crossings.Add((xj - xi) * (centre - yi) / (yj - yi) + xi);
                }
            }

            crossings.Sort();
            for (var k = 0; k + 1 < crossings.Count; k += 2)
            {
                Span(y, crossings[k], crossings[k + 1], paint);
            }
        }
    }

    /// <summary>A straight band between two points, <paramref name="thickness"/> pixels wide, with square ends.</summary>
    public void Line(double x0, double y0, double x1, double y1, double thickness, Rgb colour)
    {
        var length = Math.Sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0));
        if (length < 0.5)
        {
            return;
        }

        var nx = -(y1 - y0) / length * thickness / 2;
        var ny = (x1 - x0) / length * thickness / 2;
        Polygon([(x0 + nx, y0 + ny), (x1 + nx, y1 + ny), (x1 - nx, y1 - ny), (x0 - nx, y0 - ny)], colour);
    }

    /// <summary>
    /// Any shape: paints every pixel in the box whose centre satisfies <paramref name="inside"/> (which gets the
    /// centre's coordinates). Slower than the shapes above, for the odd one they do not cover.
    /// </summary>
    public void Fill(double left, double top, double right, double bottom, Func<double, double, bool> inside, Func<int, int, Rgb> paint)
    {
        for (var y = FirstRow(top); y <= LastRow(bottom); y++)
        {
            for (var x = Math.Max(0, (int)Math.Floor(left)); x <= Math.Min(Width - 1, (int)Math.Ceiling(right)); x++)
            {
                if (inside(x + 0.5, y + 0.5))
                {
                    Set(x, y, paint(x, y));
                }
            }
        }
    }

    private static (double From, double To) EllipseSpan(double centreX, double centreY, double radiusX, double radiusY, double y)
    {
        var dy = (y - centreY) / radiusY;
        if (dy * dy > 1)
        {
            return (1, 0);
        }

        var half = radiusX * Math.Sqrt(1 - dy * dy);
        return (centreX - half, centreX + half);
    }

    private static (double From, double To) RoundedSpan(double left, double top, double right, double bottom, double radius, double y)
    {
        var dy = Math.Max(top + radius - y, y - (bottom - radius));
        if (dy <= 0)
        {
            return (left, right);
        }

        var inset = radius - Math.Sqrt(Math.Max(0, radius * radius - dy * dy));
        return (left + inset, right - inset);
    }

    private int FirstRow(double top) => Math.Max(0, (int)Math.Ceiling(top - 0.5));

    private int LastRow(double bottom) => Math.Min(Height - 1, (int)Math.Floor(bottom - 0.5));

    private void Rows(double top, double bottom, Func<double, (double From, double To)> span, Rgb colour)
    {
        for (var y = FirstRow(top); y <= LastRow(bottom); y++)
        {
            var (from, to) = span(y + 0.5);
            Span(y, from, to, colour);
        }
    }

    /// <summary>Rows painted by a function; <paramref name="perRow"/> asks it once per row (for gradients).</summary>
    private void Rows(double top, double bottom, Func<double, (double From, double To)> span, Func<int, int, Rgb> paint, bool perRow = false)
    {
        for (var y = FirstRow(top); y <= LastRow(bottom); y++)
        {
            var (from, to) = span(y + 0.5);
            if (perRow)
            {
                Span(y, from, to, paint(0, y));
            }
            else
            {
                Span(y, from, to, paint);
            }
        }
    }

    /// <summary>Paints the pixels of row y whose centres lie between <paramref name="from"/> and <paramref name="to"/>.</summary>
    private void Span(int y, double from, double to, Rgb colour)
    {
        var (x0, x1) = Columns(from, to);
        if (x0 > x1)
        {
            return;
        }

        var row = Pixels.Slice((y * Width + x0) * 3, (x1 - x0 + 1) * 3);
        for (var i = 0; i < row.Length; i += 3)
        {
            row[i] = colour.R;
            row[i + 1] = colour.G;
            row[i + 2] = colour.B;
        }
    }

    private void Span(int y, double from, double to, Func<int, int, Rgb> paint)
    {
        var (x0, x1) = Columns(from, to);
        for (var x = x0; x <= x1; x++)
        {
            Set(x, y, paint(x, y));
        }
    }

    private (int First, int Last) Columns(double from, double to) =>
        (Math.Max(0, (int)Math.Ceiling(from - 0.5)), Math.Min(Width - 1, (int)Math.Floor(to - 0.5)));

    private void Set(int x, int y, Rgb colour)
    {
        var i = (y * Width + x) * 3;
        buffer[i] = colour.R;
        buffer[i + 1] = colour.G;
        buffer[i + 2] = colour.B;
    }
}
