namespace Nectar.Testing;

/// <summary>
/// The committed BPF objects of bpf/, copied next to the test assembly (see the test projects'
/// bpf/*.bpf.o items), so tests need no clang.
/// </summary>
public static class BpfObjects
{
    /// <summary>The path of bpf/NAME.bpf.o as copied into the test output.</summary>
    public static string PathOf(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "bpf", name + ".bpf.o");
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} is missing: compile it with bpf/build.sh {name} and commit bpf/{name}.bpf.o.", path);
        return path;
    }
}
