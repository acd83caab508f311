using System.Text;
using Doudi.Engine.Settlement;

namespace Doudi.Cli;

/// <summary>Where a command writes: its result to stdout, its problems to stderr, one per line.</summary>
internal sealed class Cli(TextWriter stdout, TextWriter stderr)
{
    public TextWriter Out { get; } = stdout;
    public TextWriter Error { get; } = stderr;

    public int Problems(IEnumerable<SettlementProblem> problems)
    {
        foreach (var problem in problems) Error.WriteLine(problem.ToString());
        return Program.BadInput;
    }

    public int Problem(string path, string message) => Problems([new SettlementProblem(path, message)]);

    /// <summary>
    /// Writes bytes to stdout: straight to the stream under a <see cref="StreamWriter"/> (the real console),
    /// otherwise through a buffer decoded as UTF-8 (tests pass a StringWriter).
    /// </summary>
    public void WriteBinary(Action<Stream> write)
    {
        if (Out is StreamWriter { BaseStream: { CanWrite: true } stream } writer)
        {
            writer.Flush();
            write(stream);
            stream.Flush();
            return;
        }
        using var buffer = new MemoryStream();
        write(buffer);
        Out.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}
