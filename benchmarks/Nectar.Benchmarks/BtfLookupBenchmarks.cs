using BenchmarkDotNet.Attributes;
using Nectar.Btf;

namespace Nectar.Benchmarks;

/// <summary>
/// BTF work a loader and the generator repeat: a lookup by name with the name index built (the
/// generator's thousands of lookups), and parsing the kernel's BTF (a loader's first step).
/// Reads this machine's /sys/kernel/btf/vmlinux.
/// </summary>
[MemoryDiagnoser]
public class BtfLookupBenchmarks
{
    private Btf.Btf _indexed = null!;

    [GlobalSetup]
    public void Setup()
    {
        _indexed = Btf.Btf.Load(KernelSupport.VmlinuxBtfPath);
        _indexed.BuildNameIndex();
    }

    [Benchmark]
    public BtfType? FindTaskStruct() => _indexed.FindByName("task_struct", BtfKind.Struct);

    [Benchmark]
    public BtfType? FindMissingName() => _indexed.FindByName("no_such_type_anywhere", BtfKind.Struct);

    [Benchmark]
    public Btf.Btf LoadKernelBtf() => Btf.Btf.Load(KernelSupport.VmlinuxBtfPath);
}
