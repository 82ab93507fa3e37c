using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Nectar.Btf;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests;

/// <summary>
/// Externs against this kernel (bpf/externs.bpf.c, bpf/externs_ksym_var.bpf.c): what the program
/// reads from its __kconfig externs must be what the kernel's config (/proc/config.gz, else
/// /boot/config-RELEASE, where libbpf looks too) and uname say, read here by the
/// test itself; its kfunc calls must run (bpf_task_from_pid finds this process); a weak config
/// option and a weak kfunc the kernel lacks read as zero. bpftool (libbpf) resolves the same
/// object to the same kfunc calls.
/// </summary>
public partial class ExternTests
{
    [KfuncFact("bpf_task_from_pid", "bpf_task_release", "bpf_rcu_read_lock")]
    public void Kconfig_values_and_kfunc_calls_reach_the_program_as_the_kernel_has_them()
    {
        var config = ReadConfig();
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("externs"));
        spec.Variables["target_tgid"].Set((uint)Environment.ProcessId);
        using var obj = spec.Load();
        Assert.Null(obj.BtfLoadError);
        Assert.Equal(0UL, obj.Variables["fired"].Get<ulong>());
        using (obj.Programs["read_externs"].Attach())
            _ = File.Exists("/proc/self/status");

        T Read<T>(string name) where T : unmanaged => obj.Variables[name].Get<T>();
        Assert.True(Read<ulong>("fired") > 0, "the program did not run");
        Assert.Equal(VersionCode(File.ReadAllText("/proc/sys/kernel/osrelease")), Read<int>("kernel_version"));
        Assert.Equal(config["CONFIG_BPF_SYSCALL"] == "y", Read<bool>("bpf_syscall"));
        Assert.Equal(config.GetValueOrDefault("CONFIG_BPF_JIT") switch { "y" => 1, "m" => 2, _ => 0 }, Read<int>("bpf_jit"));
        Assert.Equal(int.Parse(config["CONFIG_HZ"]), Read<int>("hz"));
        Assert.Equal(Convert.ToUInt64(config["CONFIG_PHYSICAL_START"], 16), Read<ulong>("physical_start"));
        Assert.Equal(config["CONFIG_DEFAULT_HOSTNAME"].Trim('"'), Encoding.ASCII.GetString(ReadBytes(obj, "hostname")).TrimEnd('\0'));
        Assert.Equal(0, Read<int>("not_a_config")); // starts at -1: the program stored the weak extern's 0
        bool wrapper = File.ReadLines("/proc/kallsyms").Any(l => l.EndsWith(" __x64_sys_bpf", StringComparison.Ordinal));
        Assert.Equal(wrapper, Read<bool>("has_syscall_wrapper"));
        Assert.Equal(Read<int>("kernel_version") >= (5 << 16) + (15 << 8), Read<bool>("has_bpf_cookie")); // bpf_get_attach_cookie: Linux 5.15

        Assert.Equal(Environment.ProcessId, Read<int>("task_pid")); // bpf_task_from_pid found this process
        Assert.True(Read<bool>("kfunc_exists"));
        Assert.Equal(0, Read<int>("not_a_kfunc")); // starts at -1: the weak kfunc's call was dead code
    }

    [KfuncFact("bpf_rcu_read_lock", "bpf_rcu_read_unlock", "bpf_task_from_pid", "bpf_task_release")]
    public void Raw_tp_programs_may_call_common_kfuncs_but_not_those_for_tracing_programs()
    {
        using var obj = BpfObject.Load(BpfObjects.PathOf("kfunc_raw_tp"), new BpfLoadOptions { ContinueOnProgramFailure = true });
        using (obj.Programs["raw_tp_rcu"].Attach())
            _ = File.Exists("/proc/self/status");
        Assert.Equal(1, obj.Variables["locked"].Get<int>());
        var refused = Assert.IsType<BpfVerifierException>(obj.Failures["raw_tp_task_from_pid"]);
        Assert.Contains("calling kernel function bpf_task_from_pid is not allowed", refused.Message);
    }

    [KfuncFact("bpf_task_from_pid", "bpf_task_release")]
    public void Kconfig_map_is_frozen_read_only_and_holds_the_values()
    {
        using var obj = BpfObject.Load(BpfObjects.PathOf("externs"));
        var kconfig = obj.Spec.Externs.Where(e => e.Kind == ExternKind.Kconfig).ToDictionary(e => e.Name);
        var value = new byte[obj.Maps[".kconfig"].Attributes.ValueSize];
        Assert.True(obj.Maps[".kconfig"].TryLookup(stackalloc byte[4], value));
        var hz = kconfig["CONFIG_HZ"];
        Assert.Equal(int.Parse(ReadConfig()["CONFIG_HZ"]), BitConverter.ToInt32(value, hz.Offset));
        // Frozen: the kernel refuses writes from user space too (EPERM), as for .rodata.
        var refused = Assert.ThrowsAny<BpfException>(() => obj.Maps[".kconfig"].Update(stackalloc byte[4], value));
        Assert.Equal(1, refused.ErrorNumber);
    }

    [KernelFact]
    public void Typed_ksym_variable_loads_where_kallsyms_has_it_and_otherwise_fails_as_with_libbpf()
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("externs_ksym_var"));
        spec.Variables["target_tgid"].Set((uint)Environment.ProcessId);
        // The kernel resolves a BTF-typed variable's address through kallsyms, which lists data
        // symbols only with CONFIG_KALLSYMS_ALL; this VM's kernel has it or not, and the test says which.
        bool inKallsyms = File.ReadLines("/proc/kallsyms").Any(l => l.EndsWith(" runqueues", StringComparison.Ordinal));
        if (!inKallsyms)
        {
            var error = Assert.Throws<BpfVerifierException>(() => spec.Load());
            Assert.Contains("failed to find the address for kernel symbol 'runqueues'", error.Message);
            return;
        }
        using var obj = spec.Load();
        using (obj.Programs["read_runqueue"].Attach())
            _ = File.Exists("/proc/self/status");
        Assert.Equal(obj.Variables["current_cpu"].Get<int>(), obj.Variables["runqueue_cpu"].Get<int>());
    }

    [KernelFact]
    public void Typed_ksym_variable_is_patched_with_its_vmlinux_btf_id()
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("externs_ksym_var"));
        var runqueues = Assert.Single(spec.Externs);
        Assert.Equal(ExternKind.KernelVariable, runqueues.Kind);
        var ids = KsymResolver.Resolve(spec.Externs, spec.Btf!, VmlinuxBtf.Instance, spec.Name);
        Assert.Equal(VmlinuxBtf.Instance.GetByName("runqueues", BtfKind.Var).Id, ids["runqueues"]);
    }

    [KfuncFact("bpf_task_from_pid", "bpf_task_release", "bpf_rcu_read_lock", Tools = Oracle.Bpftool)]
    public void Bpftool_translates_the_same_object_to_the_same_kernel_instructions_as_nectar()
    {
        string path = BpfObjects.PathOf("externs");
        using var obj = BpfObject.Load(path);
        var ours = Normalized(Bpftool.Run("prog", "dump", "xlated", "id", obj.Programs["read_externs"].Id.ToString()));

        using var load = BpftoolLoad.LoadAll(path);
        var libbpf = Normalized(Bpftool.Run("prog", "dump", "xlated", "pinned", load.Program("read_externs")));
        Assert.Contains(libbpf, c => c.Contains("call bpf_task_from_pid#", StringComparison.Ordinal));
        Assert.Contains(libbpf, c => c.Contains("call bpf_task_release#", StringComparison.Ordinal));
        Assert.Contains(libbpf, c => c.Contains("call bpf_rcu_read_lock#", StringComparison.Ordinal));
        // Every instruction the same: kfunc calls by BTF id, the kfunc address bpf_ksym_exists
        // tests, the dead call to the missing weak kfunc (removed by the verifier in both).
        Assert.Equal(libbpf, ours);
    }

    [KfuncFact("bpf_task_from_pid", "bpf_task_release", Tools = Oracle.Bpftool)]
    public void Bpftool_fills_the_same_kconfig_values_as_nectar()
    {
        string path = BpfObjects.PathOf("externs");
        using var obj = BpfObject.Load(path);
        Assert.Null(obj.BtfLoadError); // the .kconfig map is typed by its DATASEC, so bpftool prints it by name
        var ours = KconfigByName(Bpftool.Run("-j", "map", "dump", "id", KernelObjects.Describe(obj.Maps[".kconfig"].Fd).Id.ToString()));

        using var load = BpftoolLoad.LoadAll(path, pinMaps: true);
        var libbpf = KconfigByName(Bpftool.Run("-j", "map", "dump", "pinned", load.Map("externs_kconfig")));
        Assert.Equal(libbpf.Keys.Order(), ours.Keys.Order());
        Assert.Equal("\"(none)\"", libbpf["CONFIG_DEFAULT_HOSTNAME"]);
        // libbpf decides LINUX_HAS_SYSCALL_WRAPPER by creating a kprobe on __<arch>_sys_bpf, so
        // on a kernel without kprobes it says false; Nectar reads the function from BTF.
        bool kprobes = Directory.Exists("/sys/bus/event_source/devices/kprobe");
        Assert.Equal(libbpf["LINUX_HAS_SYSCALL_WRAPPER"], kprobes ? ours["LINUX_HAS_SYSCALL_WRAPPER"] : "false");
        foreach (var name in libbpf.Keys.Where(n => n != "LINUX_HAS_SYSCALL_WRAPPER"))
            Assert.True(libbpf[name] == ours[name], $"{name}: libbpf stored {libbpf[name]}, Nectar {ours[name]}");
    }

    /// <summary>bpftool's formatted dump of a .kconfig map: each value by name, as JSON text.</summary>
    private static Dictionary<string, string> KconfigByName(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var values = new Dictionary<string, string>();
        foreach (var entry in document.RootElement[0].GetProperty("formatted").GetProperty("value").GetProperty(".kconfig").EnumerateArray())
        {
            foreach (var property in entry.EnumerateObject())
                values[property.Name] = property.Value.GetRawText();
        }
        return values;
    }

    /// <summary>A global variable's bytes, read from its data section's map.</summary>
    private static byte[] ReadBytes(BpfObject obj, string name)
    {
        var variable = obj.Spec.Variables[name];
        var map = obj.Maps[variable.Map.Name];
        var value = new byte[map.Attributes.ValueSize];
        Assert.True(map.TryLookup(stackalloc byte[4], value));
        return value.AsSpan(variable.Offset, variable.Size).ToArray();
    }

    /// <summary>
    /// The translated program with map references blanked: map ids differ between loads, and
    /// libbpf orders .kconfig values by alignment where Nectar keeps declaration order.
    /// </summary>
    private static List<string> Normalized(string xlated) =>
        [.. xlated.Split('\n').Select(l => MapValue().Replace(l.Trim(), "map-value")).Where(l => l.Length > 0)];

    [GeneratedRegex(@"map\[id:\d+\](\[0\]\+\d+)?")]
    private static partial Regex MapValue();

    /// <summary>KERNEL_VERSION(a, b, c) of "a.b.c-whatever", c capped at 255, computed here independently of Nectar.</summary>
    private static int VersionCode(string release)
    {
        var parts = release.Trim().Split('.', '-');
        return (int.Parse(parts[0]) << 16) + (int.Parse(parts[1]) << 8) + Math.Min(int.Parse(new string(parts[2].TakeWhile(char.IsDigit).ToArray())), 255);
    }

    /// <summary>The running kernel's config: /proc/config.gz where the kernel has it (CONFIG_IKCONFIG_PROC), else /boot/config-RELEASE (Debian's kernels).</summary>
    private static Dictionary<string, string> ReadConfig()
    {
        const string procConfig = "/proc/config.gz";
        string bootConfig = "/boot/config-" + File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        using TextReader reader = File.Exists(procConfig)
            ? new StreamReader(new GZipStream(File.OpenRead(procConfig), CompressionMode.Decompress))
            : File.Exists(bootConfig) ? new StreamReader(bootConfig)
            : throw new FileNotFoundException($"this kernel's config is in neither {procConfig} nor {bootConfig}");
        var values = new Dictionary<string, string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith("CONFIG_") && line.Split('=', 2) is [var name, var value])
                values[name] = value;
        }
        return values;
    }
}
