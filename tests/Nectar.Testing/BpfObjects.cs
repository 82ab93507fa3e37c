namespace Nectar.Testing;

/// <summary>The committed BPF objects of bpf/ (found from the fixtures folder), so tests need no clang.</summary>
public static class BpfObjects
{
    /// <summary>The path of bpf/NAME.bpf.o in this checkout.</summary>
    public static string PathOf(string name)
    {
        string path = Path.GetFullPath(Path.Combine(Fixtures.Directory, "..", "..", "bpf", name + ".bpf.o"));
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} is missing: compile it with bpf/build.sh bpf/{name}.bpf.c and commit bpf/{name}.bpf.o.", path);
        return path;
    }
}
