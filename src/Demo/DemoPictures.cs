using Marketplace.Demo.Imaging;

namespace Marketplace.Demo;

/// <summary>What a demo picture shows.</summary>
public enum Motif
{
    Bag,
    Mug,
    Sweater,
    Beanie,
    Scarf,
    Vase,
    Bowl,
    Plate,
    Peaks,
    Tent,
    Backpack,
    Book,
    Wallet,
    Belt,
    Tote,
    Blocks,
    Rings,
    Jar,
}

/// <summary>A generated picture: a motif in a product's colours. <see cref="Variation"/> picks small differences.</summary>
public sealed record Picture(Motif Motif, Rgb Background, Rgb Primary, Rgb Accent, int Variation);

/// <summary>
/// Draws demo product pictures and store logos from flat shapes, so the demo needs no image files and downloads
/// nothing. Motifs are drawn on a 100 × 100 grid that is scaled to the canvas.
/// </summary>
public static class DemoPictures
{
    public const int ProductSize = 480;
    public const int LogoSize = 240;

    private static readonly Rgb Cream = new(250, 247, 240);

    public static byte[] RenderProduct(Picture picture)
    {
        using var canvas = new RgbCanvas(ProductSize, ProductSize);
        canvas.VerticalGradient(picture.Background.Lighter(0.5), picture.Background);
        var frame = new Frame(canvas, 0, 0, ProductSize / 100.0);
        frame.Ellipse(50, 87, 31, 3.5, picture.Background.Darker(0.14));
        Draw(frame, picture.Motif, picture.Primary, picture.Accent, picture.Variation);
        return canvas.ToPng();
    }

    /// <summary>A round badge in the store's colours with its motif inside.</summary>
    public static byte[] RenderLogo(Picture picture)
    {
        using var canvas = new RgbCanvas(LogoSize, LogoSize);
        var paper = picture.Background.Lighter(0.6);
        canvas.VerticalGradient(paper, paper);
        var full = new Frame(canvas, 0, 0, LogoSize / 100.0);
        full.Ellipse(50, 50, 47, 47, picture.Primary);
        full.Ring(50, 50, 42, 42, 1.5, picture.Accent);
        var inner = new Frame(canvas, LogoSize * 0.2, LogoSize * 0.19, LogoSize * 0.6 / 100);
        Draw(inner, picture.Motif, picture.Accent, picture.Primary.Lighter(0.35), picture.Variation);
        return canvas.ToPng();
    }

    private static void Draw(Frame f, Motif motif, Rgb main, Rgb accent, int variation)
    {
        var dark = main.Darker(0.25);
        var light = main.Lighter(0.3);
        switch (motif)
        {
            case Motif.Bag:
                f.RoundedRectangle(30, 24, 70, 86, 4, main);
                f.Rectangle(30, 24, 70, 31, dark);
                for (var x = 32; x < 68; x += 4)
                {
                    f.Rectangle(x, 24, x + 2, 31, dark.Darker(0.2));
                }

                if (variation % 2 == 0)
                {
                    f.RoundedRectangle(36, 44, 64, 74, 3, accent);
                }
                else
                {
                    f.Ellipse(50, 59, 15, 15, accent);
                }

                f.Ellipse(50, 55, 5.5, 3.8, main);
                f.Line(46, 57, 54, 53, 0.9, accent);
                f.Rectangle(42, 64, 58, 65.5, dark);
                f.Ellipse(50, 37, 2.2, 2.2, dark);
                break;

            case Motif.Mug:
                f.Ring(68, 60, 10, 12, 4, main);
                f.RoundedRectangle(30, 40, 66, 85, 6, main);
                f.Ellipse(48, 40, 18, 4, light);
                f.Ellipse(48, 40.5, 15.5, 2.8, new Rgb(92, 58, 38));
                if (variation % 2 == 0)
                {
                    f.Rectangle(30, 60, 66, 64, accent);
                }
                else
                {
                    f.Ellipse(48, 63, 7, 7, accent);
                }

                foreach (var x in new[] { 40.0, 48, 56 })
                {
                    f.Line(x, 33, x + 3, 26, 1.4, Cream);
                    f.Line(x + 3, 26, x, 19, 1.4, Cream);
                }

                break;

            case Motif.Sweater:
                f.Polygon([(38, 20), (62, 20), (78, 26), (92, 60), (82, 64), (72, 42), (72, 86), (28, 86), (28, 42), (18, 64), (8, 60), (22, 26)],
                    Knit(main, accent, variation));
                f.Ellipse(50, 20, 10, 4, dark);
                f.Rectangle(28, 82, 72, 86, dark);
                break;

            case Motif.Beanie:
                f.Shape(24, 34, 76, 70, (x, y) => Math.Pow((x - 50) / 26, 2) + Math.Pow((y - 70) / 36, 2) <= 1, Knit(main, accent, variation));
                f.RoundedRectangle(22, 68, 78, 84, 4, (x, _) => (int)(x / 2.5) % 2 == 0 ? dark : dark.Darker(0.12));
                f.Ellipse(50, 32, 8, 8, accent);
                break;

            case Motif.Scarf:
                f.RoundedRectangle(38, 14, 62, 78, 3, Knit(main, accent, variation));
                for (var x = 40.0; x <= 60; x += 3.3)
                {
                    f.Line(x, 78, x, 88, 1.3, dark);
                }

                break;

            case Motif.Vase:
                f.RoundedRectangle(41, 26, 59, 50, 3, main);
                f.Ellipse(50, 63, 23, 22, (_, y) => y is > 58 and < 64 ? accent : main);
                f.Ellipse(50, 26, 11, 3.5, dark);
                f.Ellipse(50, 26, 8, 2.2, dark.Darker(0.35));
                if (variation % 2 == 1)
                {
                    f.Ring(68, 44, 7, 9, 2.5, main);
                }

                break;

            case Motif.Bowl:
                f.RoundedRectangle(40, 76, 60, 82, 1, dark);
                f.Shape(18, 48, 82, 80, (x, y) => Math.Pow((x - 50) / 32, 2) + Math.Pow((y - 48) / 30, 2) <= 1,
                    (_, y) => y is > 58 and < 62 ? accent : main);
                f.Ellipse(50, 48, 32, 6, light);
                f.Ellipse(50, 48.5, 28, 4.5, dark);
                break;

            case Motif.Plate:
                f.Ellipse(50, 64, 40, 15, light);
                f.Ellipse(50, 64, 33, 12, main);
                f.Ellipse(50, 64, 21, 7.5, variation % 2 == 0 ? light : accent);
                f.Ring(50, 64, 37, 13.8, 1, accent);
                break;

            case Motif.Peaks:
                f.Gradient(0, 0, 100, 100, accent.Lighter(0.55), accent.Lighter(0.15));
                f.Ellipse(20, 22, 8, 8, Cream);
                f.Polygon([(-4, 86), (32, 36), (62, 86)], main.Darker(0.12));
                f.Polygon([(28, 86), (64, 26), (104, 86)], main);
                f.Polygon([(64, 26), (56.8, 38), (61, 35), (64.5, 39.5), (68, 35.5), (72, 38)], Cream);
                f.Rectangle(0, 84, 100, 100, dark);
                break;

            case Motif.Tent:
                f.Rectangle(8, 84, 92, 86.5, dark.Darker(0.3));
                f.Polygon([(16, 84), (50, 28), (84, 84)], main);
                f.Polygon([(50, 28), (84, 84), (70, 84)], dark);
                f.Polygon([(42, 84), (50, 58), (58, 84)], accent.Darker(0.45));
                f.Line(50, 28, 50, 20, 1.5, dark);
                f.Line(16, 84, 6, 86, 0.8, dark);
                break;

            case Motif.Backpack:
                f.Ring(50, 22, 6, 5, 1.8, dark);
                f.RoundedRectangle(30, 24, 70, 86, 10, main);
                f.RoundedRectangle(32, 22, 68, 40, 8, dark);
                f.RoundedRectangle(36, 58, 64, 80, 5, dark);
                f.Line(40, 40, 40, 56, 2.2, accent);
                f.Line(60, 40, 60, 56, 2.2, accent);
                f.Rectangle(46, 62, 54, 66, accent);
                break;

            case Motif.Book:
                f.Rectangle(72, 18, 75, 84, Cream);
                f.Rectangle(30, 16, 72, 86, main);
                f.Rectangle(30, 16, 36, 86, dark);
                f.RoundedRectangle(42, 28, 66, 44, 2, accent);
                f.Rectangle(44, 52, 64, 54, light);
                f.Rectangle(47, 58, 61, 59.5, light);
                if (variation % 2 == 0)
                {
                    f.Ellipse(54, 72, 5, 5, accent);
                }
                else
                {
                    f.Polygon([(54, 66), (60, 77), (48, 77)], accent);
                }

                break;

            case Motif.Wallet:
                f.RoundedRectangle(24, 34, 76, 74, 6, main);
                f.RoundedRectangle(24, 34, 76, 52, 6, dark);
                for (var x = 28; x < 72; x += 4)
                {
                    f.Rectangle(x, 37, x + 2, 38, accent);
                    f.Rectangle(x, 70, x + 2, 71, accent);
                }

                f.Ellipse(50, 52, 3.2, 3.2, accent);
                break;

            case Motif.Belt:
                f.Polygon([(6, 66), (80, 38), (84, 50), (10, 78)], main);
                for (var i = 0; i < 5; i++)
                {
                    f.Ellipse(20 + i * 6, 68 - i * 2.3, 1.3, 1.3, dark.Darker(0.3));
                }

                f.Rectangle(76, 30, 80, 60, accent);
                f.Rectangle(92, 30, 96, 60, accent);
                f.Rectangle(76, 30, 96, 34, accent);
                f.Rectangle(76, 56, 96, 60, accent);
                f.Line(78, 45, 94, 45, 1.6, accent.Darker(0.2));
                break;

            case Motif.Tote:
                f.Ring(40, 42, 8, 15, 2.5, dark);
                f.Ring(60, 42, 8, 15, 2.5, dark);
                f.Polygon([(24, 44), (76, 44), (70, 86), (30, 86)], main);
                f.RoundedRectangle(38, 58, 62, 76, 3, dark);
                for (var x = 28; x < 72; x += 4)
                {
                    f.Rectangle(x, 47, x + 2, 48, accent);
                }

                break;

            case Motif.Blocks:
                Block(f, 20, 60, main);
                Block(f, 46, 60, accent);
                Block(f, 33, 36, main.Mix(accent, 0.5).Lighter(0.15));
                if (variation % 2 == 1)
                {
                    f.Ellipse(80, 78, 8, 8, accent.Darker(0.2));
                }

                break;

            case Motif.Rings:
                f.Rectangle(48, 26, 52, 82, dark);
                f.RoundedRectangle(26, 80, 74, 86, 2, dark);
                Rgb[] rings = [main, accent, main.Lighter(0.35), accent.Darker(0.2)];
                for (var i = 0; i < 4; i++)
                {
                    f.Ellipse(50, 73 - i * 10, 24 - i * 4, 5.5, rings[(i + variation) % 4]);
                }

                f.Ellipse(50, 32, 5, 5, accent);
                break;

            case Motif.Jar:
                f.RoundedRectangle(32, 32, 68, 86, 8, main);
                f.RoundedRectangle(36, 24, 64, 34, 2, accent);
                f.Rectangle(32, 50, 68, 70, Cream);
                f.Ellipse(50, 60, 6, 6, accent);
                f.Rectangle(36, 38, 39, 80, light);
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(motif), motif, "No drawing for this motif.");
        }
    }

    /// <summary>Stripes that zigzag like a knitted chevron; every other picture gets a plainer pattern.</summary>
    private static Func<double, double, Rgb> Knit(Rgb main, Rgb accent, int variation)
    {
        var dark = main.Darker(0.15);
        return variation % 2 == 0
            ? (x, y) => ((int)Math.Floor((y + Math.Abs(x % 10 - 5)) / 6) % 4) switch
            {
                1 => accent,
                3 => dark,
                _ => main,
            }
            : (x, y) => y is > 50 and < 58 ? accent : (int)(x / 3) % 2 == 0 ? main : dark;
    }

    private static void Block(Frame f, double left, double top, Rgb colour)
    {
        f.Rectangle(left, top, left + 24, top + 24, colour);
        f.Rectangle(left, top, left + 24, top + 3, colour.Lighter(0.25));
        f.Ellipse(left + 12, top + 13.5, 5, 5, colour.Lighter(0.4));
    }

    /// <summary>A square part of the canvas addressed on a 100 × 100 grid.</summary>
    private sealed class Frame(RgbCanvas canvas, double left, double top, double unit)
    {
        public void Rectangle(double l, double t, double r, double b, Rgb c) => canvas.Rectangle(X(l), Y(t), X(r), Y(b), c);

        public void RoundedRectangle(double l, double t, double r, double b, double radius, Rgb c) =>
            canvas.RoundedRectangle(X(l), Y(t), X(r), Y(b), radius * unit, c);

        public void RoundedRectangle(double l, double t, double r, double b, double radius, Func<double, double, Rgb> paint) =>
            canvas.RoundedRectangle(X(l), Y(t), X(r), Y(b), radius * unit, Pattern(paint));

        public void Ellipse(double cx, double cy, double rx, double ry, Rgb c) => canvas.Ellipse(X(cx), Y(cy), rx * unit, ry * unit, c);

        public void Ellipse(double cx, double cy, double rx, double ry, Func<double, double, Rgb> paint) =>
            canvas.Ellipse(X(cx), Y(cy), rx * unit, ry * unit, Pattern(paint));

        public void Ring(double cx, double cy, double rx, double ry, double thickness, Rgb c) =>
            canvas.Ring(X(cx), Y(cy), rx * unit, ry * unit, thickness * unit, c);

        public void Polygon(IReadOnlyList<(double X, double Y)> points, Rgb c) => canvas.Polygon(Map(points), c);

        public void Polygon(IReadOnlyList<(double X, double Y)> points, Func<double, double, Rgb> paint) =>
            canvas.Polygon(Map(points), Pattern(paint));

        public void Line(double x0, double y0, double x1, double y1, double thickness, Rgb c) =>
            canvas.Line(X(x0), Y(y0), X(x1), Y(y1), thickness * unit, c);

        public void Gradient(double l, double t, double r, double b, Rgb top, Rgb bottom) =>
            canvas.VerticalGradient(X(l), Y(t), X(r), Y(b), top, bottom);

        /// <summary>Any shape: <paramref name="inside"/> and <paramref name="paint"/> get grid coordinates.</summary>
        public void Shape(double l, double t, double r, double b, Func<double, double, bool> inside, Func<double, double, Rgb> paint) =>
            canvas.Fill(X(l), Y(t), X(r), Y(b), (x, y) => inside((x - left) / unit, (y - top) / unit), Pattern(paint));

        private double X(double value) => left + value * unit;

        private double Y(double value) => top + value * unit;

        private List<(double X, double Y)> Map(IReadOnlyList<(double X, double Y)> points) => points.Select(p => (X(p.X), Y(p.Y))).ToList();

        private Func<int, int, Rgb> Pattern(Func<double, double, Rgb> paint) =>
            (x, y) => paint((x + 0.5 - left) / unit, (y + 0.5 - top) / unit);
    }
}
