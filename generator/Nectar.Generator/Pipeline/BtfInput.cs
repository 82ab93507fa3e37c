using System;
using System.Collections.Concurrent;
using System.IO;
using Nectar.Btf;

namespace Nectar.Generator.Pipeline
{
    /// <summary>
    /// Which BTF file the build names, and its size and last-write time: the value the pipeline
    /// compares to decide whether the BTF changed.
    /// </summary>
    internal sealed record BtfStamp(string? Path, long LastWriteTicks, long Length, string? Problem)
    {
        public static readonly BtfStamp None = new BtfStamp(null, 0, 0, null);

        /// <summary>Stats the file (cheap: no read); a missing file becomes a Problem, reported as malformed input.</summary>
        public static BtfStamp Of(string? path)
        {
            if (string.IsNullOrWhiteSpace(path)) return None;
            // RS1035 bans file IO in analyzers because inputs should come through AdditionalFiles. A
            // binary file cannot: Roslyn reads AdditionalFiles as text and fails with CS2015 on a
            // binary one (by design; open issue). So, as CsWin32 does for its metadata, the path
            // arrives as an MSBuild property (build_property.NectarBtf) and the generator reads the
            // file itself, caching the parse by path, size and last-write time (BtfCache).
#pragma warning disable RS1035
            var info = new FileInfo(path);
            if (!info.Exists)
                return new BtfStamp(path, 0, 0, $"The BTF file '{path}' (NectarBtf) does not exist. Copy /sys/kernel/btf/vmlinux there, or point NectarBtf at a raw BTF file or a BPF object built with -g.");
            return new BtfStamp(info.FullName, info.LastWriteTimeUtc.Ticks, info.Length, null);
#pragma warning restore RS1035
        }
    }

    /// <summary>A parsed BTF (or why there is none), equal to another exactly when their stamps are equal.</summary>
    internal sealed class LoadedBtf : IEquatable<LoadedBtf>
    {
        public LoadedBtf(BtfStamp stamp, Btf.Btf? btf, string? problem)
        {
            Stamp = stamp;
            Btf = btf;
            Problem = problem;
        }

        public BtfStamp Stamp { get; }

        public Btf.Btf? Btf { get; }

        public string? Problem { get; }

        public bool Equals(LoadedBtf? other) => other != null && Stamp.Equals(other.Stamp);

        public override bool Equals(object? obj) => Equals(obj as LoadedBtf);

        public override int GetHashCode() => Stamp.GetHashCode();
    }

    /// <summary>
    /// Parsed BTF shared across compilations of the same process (the compiler server keeps
    /// generators alive between builds): one entry per path, replaced when the stamp changes.
    /// </summary>
    internal static class BtfCache
    {
        private static readonly ConcurrentDictionary<string, LoadedBtf> Cache = new ConcurrentDictionary<string, LoadedBtf>(StringComparer.Ordinal);

        public static LoadedBtf Load(BtfStamp stamp)
        {
            if (stamp.Path == null || stamp.Problem != null) return new LoadedBtf(stamp, null, stamp.Problem);
            if (Cache.TryGetValue(stamp.Path, out LoadedBtf? cached) && cached.Stamp.Equals(stamp)) return cached;
            LoadedBtf loaded;
            try
            {
                // Btf.Load reads the whole file into one array (the reader indexes into it lazily);
                // for a ~6 MB vmlinux blob a plain read costs about what mapping and copying would.
                loaded = new LoadedBtf(stamp, Btf.Btf.Load(stamp.Path), null);
            }
            catch (BtfException e)
            {
                loaded = new LoadedBtf(stamp, null, "Malformed BTF in '" + stamp.Path + "': " + e.Message);
            }
            Cache[stamp.Path] = loaded;
            return loaded;
        }
    }
}
