using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Iterators;

/// <summary>Iterator targets as the running kernel's BTF declares them.</summary>
public sealed class IteratorTargetTests
{
    [KernelFact]
    public void The_kernel_declares_the_common_iterator_targets_and_not_its_iterator_kfuncs()
    {
        var targets = IteratorTargets.All(VmlinuxBtf.Instance);
        Assert.Subset(targets.ToHashSet(), new HashSet<string> { "task", "task_file", "bpf_map", "bpf_map_elem", "ksym" });
        Assert.DoesNotContain("num_new", targets); // bpf_iter_num_new: an open-coded iterator kfunc
    }

    [KernelFact]
    public void An_unknown_target_is_refused_with_the_kernel_targets_near_it()
    {
        var error = Assert.Throws<UnknownAttachTargetException>(() => IteratorTargets.Find(VmlinuxBtf.Instance, "task_fil", "dump"));
        Assert.Equal("task_file", error.Suggestions[0]);
        Assert.Contains("Did you mean 'iter/task_file'", error.Message);
        var far = Assert.Throws<UnknownAttachTargetException>(() => IteratorTargets.Find(VmlinuxBtf.Instance, "no_such_target", "dump"));
        Assert.Contains("'no_such_target'", far.Message);
        Assert.Contains("task_file", far.Message); // named among the near targets or the full list
    }
}
