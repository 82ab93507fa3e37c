using System;
using System.Collections.Concurrent;
using System.IO;
using Nectar.Btf;

namespace Nectar.Generator.Pipeline
{
    /// <summary>
    /// Which binary input file the build names (the NectarBtf file, a [BpfObject] object), and its size
    /// and last-write time: the value the pipeline compares to decide whether the file changed.
    /// </summary>
    internal sealed record BtfStamp(string? Path, long LastWriteTicks, long Length, string? Problem)
    {
        public static readonly BtfStamp None = new BtfStamp(null, 0, 0, null);

        /// <summary>Stats the file (cheap: no read); a missing file becomes a Problem, reported as malformed input.</summary>
        public static BtfStamp Of(string? path) => Of(path, p =>
            $"The BTF file '{p}' (NectarBtf) does not exist. Copy /sys/kernel/btf/vmlinux there, or point NectarBtf at a raw BTF file or a BPF object built with -g.");

        /// <summary>Stats the file; <paramref name="missing"/> says what to do when it does not exist.</summary>
        public static BtfStamp Of(string? path, Func<string, string> missing)
        {
            if (string.IsNullOrWhiteSpace(path)) return None;
            // RS1035 bans file IO in analyzers because inputs should come through AdditionalFiles. A
            // binary file cannot: Roslyn reads AdditionalFiles as text and fails with CS2015 on a
            // binary one (by design; open issue). So, as CsWin32 does for its metadata, the path
            // arrives as an MSBuild property (build_property.NectarBtf) or an attribute argument and
            // the generator reads the file itself, caching the parse by path, size and last-write time (StampedCache).
#pragma warning disable RS1035
            var info = new FileInfo(path);
            if (!info.Exists)
                return new BtfStamp(path, 0, 0, missing(path!));
            return new BtfStamp(info.FullName, info.LastWriteTimeUtc.Ticks, info.Length, null);
#pragma warning restore RS1035
        }
    }

    /// <summary>A file parsed into a <typeparamref name="T"/> (or why it could not be), equal to another exactly when their stamps are equal.</summary>
    internal sealed class Loaded<T> : IEquatable<Loaded<T>>
        where T : class
    {
        public Loaded(BtfStamp stamp, T? value, string? problem)
        {
            Stamp = stamp;
            Value = value;
            Problem = problem;
        }

        public BtfStamp Stamp { get; }

        public T? Value { get; }

        public string? Problem { get; }

        public bool Equals(Loaded<T>? other) => other != null && Stamp.Equals(other.Stamp);

        public override bool Equals(object? obj) => Equals(obj as Loaded<T>);

        public override int GetHashCode() => Stamp.GetHashCode();
    }

    /// <summary>
    /// Parsed files shared across compilations of the same process (the compiler server keeps
    /// generators alive between builds): one entry per path, replaced when the stamp changes.
    /// </summary>
    internal sealed class StampedCache<T>
        where T : class
    {
        private readonly ConcurrentDictionary<string, Loaded<T>> _cache = new ConcurrentDictionary<string, Loaded<T>>(StringComparer.Ordinal);
        private readonly Func<string, T> _parse;

        /// <param name="parse">Reads the file; a <see cref="BtfException"/> becomes the entry's Problem.</param>
        public StampedCache(Func<string, T> parse) => _parse = parse;

        public Loaded<T> Load(BtfStamp stamp)
        {
            if (stamp.Path == null || stamp.Problem != null) return new Loaded<T>(stamp, null, stamp.Problem);
            if (_cache.TryGetValue(stamp.Path, out Loaded<T>? cached) && cached.Stamp.Equals(stamp)) return cached;
            Loaded<T> loaded;
            try
            {
                loaded = new Loaded<T>(stamp, _parse(stamp.Path), null);
            }
            catch (BpfObjectException e)
            {
                // BtfException for BTF; ElfException (and the object model's others) for a BPF object's ELF.
                loaded = new Loaded<T>(stamp, null, (e is BtfException ? "Malformed BTF in '" : "Malformed BPF object '") + stamp.Path + "': " + e.Message);
            }
            _cache[stamp.Path] = loaded;
            return loaded;
        }
    }

    /// <summary>The NectarBtf file's parse.</summary>
    internal static class BtfCache
    {
        // Btf.Load reads the whole file into one array (the reader indexes into it lazily); for a
        // ~6 MB vmlinux blob a plain read costs about what mapping and copying would.
        private static readonly StampedCache<Btf.Btf> Cache = new StampedCache<Btf.Btf>(path => Btf.Btf.Load(path));

        public static Loaded<Btf.Btf> Load(BtfStamp stamp) => Cache.Load(stamp);
    }
}
