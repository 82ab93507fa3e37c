using System.IO;
using Nectar.Generator.Pipeline;

namespace Nectar.Generator.Skeletons
{
    /// <summary>The object file a [BpfObject] names: its stamp, and its contents parsed once per stamp.</summary>
    internal static class SkeletonInput
    {
        private static readonly StampedCache<ObjectContents> Cache = new StampedCache<ObjectContents>(ObjectContents.Read);

        /// <summary>Stats the object; a relative path is from the project folder, as NectarBtf's is.</summary>
        public static BtfStamp Stamp(string path, string? projectDirectory)
        {
            string resolved = Path.IsPathRooted(path) || string.IsNullOrEmpty(projectDirectory) ? path : Path.Combine(projectDirectory, path);
            return BtfStamp.Of(resolved, p => $"The BPF object '{p}' ([BpfObject]) does not exist. Build it (bpf/build.sh, or a <BpfProgram> item " +
                "in the project) or correct the path, which is relative to the project folder.");
        }

        public static Loaded<ObjectContents> Load(BtfStamp stamp) => Cache.Load(stamp);
    }
}
