using System.Globalization;
using System.Text;

namespace Doudi.Server.Demo;

/// <summary>
/// A generated, fictional map of the demo townships (no real geography is bundled): a grid of cells whose shared
/// corners and edge midpoints are jittered by a seeded generator, so the townships tile without gaps and look like a
/// county. Coordinates are arbitrary (0–100); the console draws them with ECharts' own projection.
/// </summary>
public static class DemoMap
{
    public static string Generate(IReadOnlyList<string> townships, int seed)
    {
        var cols = (int)Math.Ceiling(Math.Sqrt(townships.Count * 1.5));
        var rows = (int)Math.Ceiling(townships.Count / (double)cols);
        var rnd = new Random(seed); // System.Random with a seed is stable for a given .NET major version; the map is only decoration
        const double w = 100, h = 70;
        double cw = w / cols, ch = h / rows;
        var corner = new (double X, double Y)[cols + 1, rows + 1];
        for (var i = 0; i <= cols; i++)
            for (var j = 0; j <= rows; j++)
            {
                var edge = i == 0 || j == 0 || i == cols || j == rows;
                corner[i, j] = (i * cw + (edge ? 0 : (rnd.NextDouble() - 0.5) * cw * 0.5), j * ch + (edge ? 0 : (rnd.NextDouble() - 0.5) * ch * 0.5));
            }
        // Midpoints of horizontal and vertical edges, shared by the two cells beside them.
        var hm = new (double X, double Y)[cols, rows + 1];
        var vm = new (double X, double Y)[cols + 1, rows];
        for (var i = 0; i < cols; i++)
            for (var j = 0; j <= rows; j++)
            {
                var (a, b) = (corner[i, j], corner[i + 1, j]);
                var bulge = j == 0 || j == rows ? (rnd.NextDouble() - 0.5) * ch * 0.3 : (rnd.NextDouble() - 0.5) * ch * 0.5;
                hm[i, j] = ((a.X + b.X) / 2, (a.Y + b.Y) / 2 + bulge);
            }
        for (var i = 0; i <= cols; i++)
            for (var j = 0; j < rows; j++)
            {
                var (a, b) = (corner[i, j], corner[i, j + 1]);
                var bulge = i == 0 || i == cols ? (rnd.NextDouble() - 0.5) * cw * 0.3 : (rnd.NextDouble() - 0.5) * cw * 0.5;
                vm[i, j] = ((a.X + b.X) / 2 + bulge, (a.Y + b.Y) / 2);
            }
        var sb = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[");
        for (var k = 0; k < townships.Count; k++)
        {
            int i = k % cols, j = k / cols;
            // Latitude grows upwards: flip y so row 0 is at the top.
            (double X, double Y)[] ring = [corner[i, j], hm[i, j], corner[i + 1, j], vm[i + 1, j], corner[i + 1, j + 1], hm[i, j + 1], corner[i, j + 1], vm[i, j], corner[i, j]];
            if (k > 0) sb.Append(',');
            sb.Append("{\"type\":\"Feature\",\"properties\":{\"name\":\"").Append(townships[k]).Append("\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[");
            sb.Append(string.Join(",", ring.Select(p => string.Create(CultureInfo.InvariantCulture, $"[{p.X:0.###},{h - p.Y:0.###}]"))));
            sb.Append("]]}}");
        }
        return sb.Append("]}").ToString();
    }
}
