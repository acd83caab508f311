namespace Doudi.Cli;

/// <summary>
/// Writes a file all at once or not at all: the content goes to a temporary file beside the target, which is
/// moved over the target only when complete, so a failed run never leaves a partial result to be mistaken for one.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<Stream> write) => TryWrite(path, stream => { write(stream); return true; });

    /// <summary>As <see cref="Write"/>, but the target is replaced only when <paramref name="write"/> returns true.</summary>
    public static bool TryWrite(string path, Func<Stream, bool> write)
    {
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                if (!write(stream)) return false;
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
            return true;
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
