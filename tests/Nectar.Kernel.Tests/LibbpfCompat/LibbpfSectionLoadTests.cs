using System.Runtime.InteropServices;
using System.Text.Json;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.LibbpfCompat;

/// <summary>
/// libbpf's section names on this kernel, with libbpf (bpftool prog loadall) as the oracle where
/// Debian's libbpf 1.1 knows the section: the same programs load, with the same program types;
/// what the kernel refuses is refused by both, and Nectar says the kernel refused it.
/// </summary>
public class LibbpfSectionLoadTests
{
    [KernelFact(Tools = Oracle.Bpftool)]
    public void Every_section_libbpf_loads_here_loads_in_Nectar_with_the_same_program_type()
    {
        string path = BpfObjects.PathOf("libbpf_sections");
        string pins = Path.Combine(Nectar.Interop.Pinning.BpffsRoot, $"nectar-sections-{Guid.NewGuid():N}");
        try
        {
            var bpftool = Processes.Run(Bpftool.Command, ["prog", "loadall", path, pins]);
            if (bpftool.ExitCode != 0)
            {
                // An older kernel (the QEMU matrix) lacks some of these program types: libbpf refuses the object, so must Nectar.
                Assert.ThrowsAny<Exception>(() => BpfObject.Load(path).Dispose());
                return;
            }
            var theirs = Directory.GetFiles(pins).ToDictionary(p => Path.GetFileName(p)!, p =>
            {
                using var shown = JsonDocument.Parse(Bpftool.Run("-j", "prog", "show", "pinned", p));
                return shown.RootElement.GetProperty("type").GetString()!;
            });
            using var obj = BpfObject.Load(path);
            var kernelTypes = KernelObjects.Programs().ToDictionary(p => p.Id, p => p.TypeName);
            var ours = obj.Programs.Values.ToDictionary(p => p.Name, p => kernelTypes[p.Id]);
            Assert.Equal(26, theirs.Count);
            Assert.Equal(theirs.OrderBy(p => p.Key), ours.OrderBy(p => p.Key));
        }
        finally
        {
            if (Directory.Exists(pins))
                Directory.Delete(pins, recursive: true);
        }
    }

    [KernelFact(Tools = Oracle.Bpftool)]
    public void Sections_newer_than_libbpf_1_1_load_too()
    {
        using var obj = BpfObject.Load(BpfObjects.PathOf("libbpf_sections_newer"));
        Assert.Equal(["kprobe_session_prog", "netfilter_prog", "sk_skb_verdict_prog", "uprobe_multi_prog", "uretprobe_multi_prog"],
            obj.Programs.Keys.Order(StringComparer.Ordinal));
    }

    [KernelFact(Tools = Oracle.Bpftool)]
    public void Load_only_programs_say_what_attaches_them()
    {
        using var obj = BpfObject.Load(BpfObjects.PathOf("libbpf_sections"));
        var error = Assert.Throws<NotSupportedException>(() => obj.Programs["xdp_devmap_prog"].Attach());
        Assert.Contains("BPF_MAP_TYPE_DEVMAP", error.Message);
        Assert.Contains("xdp_devmap_prog", error.Message);
    }

    [KernelFact(Tools = Oracle.Bpftool)]
    public void Sections_this_kernel_refuses_are_refused_by_libbpf_too_and_Nectar_says_the_kernel_refused()
    {
        string path = BpfObjects.PathOf("libbpf_sections_refused");
        using var obj = BpfObject.Load(path, new BpfLoadOptions { ContinueOnProgramFailure = true });
        var bpftool = BpftoolLoadAll(path);
        if (obj.Programs.Count == 0)
        {
            Assert.NotEqual(0, bpftool.ExitCode);
            Assert.Equal(5, obj.Failures.Count);
            foreach (var (name, failure) in obj.Failures)
                Assert.True(failure.Message.Contains("refused", StringComparison.Ordinal) && failure.Message.Contains(name, StringComparison.Ordinal), failure.Message);
        }
        else
        {
            // A kernel that allows trampolines and BPF LSM (the QEMU matrix): libbpf loads them all too.
            Assert.Equal(0, bpftool.ExitCode);
            Assert.Empty(obj.Failures);
        }
    }

    [KernelFact(Tools = Oracle.Bpftool)]
    public void Optional_sections_are_not_loaded_unless_asked_as_libbpf_does()
    {
        string path = BpfObjects.PathOf("optional_section");
        using (var obj = BpfObject.Load(path))
        {
            Assert.Equal(["always_loaded"], obj.Programs.Keys);
            var error = Assert.Throws<KeyNotFoundException>(() => obj.Programs["loaded_on_request"]);
            Assert.Contains("AutoLoad = true", error.Message);
        }
        var spec = BpfObjectSpec.Read(path);
        Assert.False(spec.Programs["loaded_on_request"].AutoLoad);
        spec.Programs["loaded_on_request"].AutoLoad = true;
        using (var obj = spec.Load())
            Assert.Equal(["always_loaded", "loaded_on_request"], obj.Programs.Keys.Order(StringComparer.Ordinal));

        // libbpf leaves it unloaded too: bpftool's loadall fails to pin exactly that program.
        var bpftool = BpftoolLoadAll(path);
        Assert.Contains("'loaded_on_request': can't pin program that wasn't loaded", bpftool.Error);
    }

    [KernelFact(Tools = Oracle.Bpftool)]
    public void Ksyscall_probes_the_architectures_syscall_wrapper()
    {
        string expected = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? "__x64_sys_getpid" : SyscallWrappers.WrapperPrefix + "getpid";
        Assert.Equal(expected, SyscallWrappers.FunctionOf("getpid"));
        var error = Assert.Throws<ArgumentException>(() => SyscallWrappers.FunctionOf("no_such_syscall"));
        Assert.Contains("no_such_syscall", error.Message);
    }

    /// <summary>bpftool prog loadall where it may fail (the result is the oracle); its pins are removed.</summary>
    private static Processes.Result BpftoolLoadAll(string path)
    {
        string pins = Path.Combine(Nectar.Interop.Pinning.BpffsRoot, $"nectar-sections-{Guid.NewGuid():N}");
        try
        {
            return Processes.Run(Bpftool.Command, ["prog", "loadall", path, pins]);
        }
        finally
        {
            if (Directory.Exists(pins))
                Directory.Delete(pins, recursive: true);
        }
    }
}
