namespace Nectar.Testing;

/// <summary>
/// A test that reads the running kernel's tracefs event formats (/sys/kernel/tracing/events) and its
/// BTF, attaching nothing. Skipped, saying so, where tracefs is not mounted or not readable (mount it with
/// <c>mount -t tracefs tracefs /sys/kernel/tracing</c>, as root); under NECTAR_REQUIRE_KERNEL=1 it runs and fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TracefsFactAttribute : FactAttribute
{
    public const string Events = "/sys/kernel/tracing/events";

    public TracefsFactAttribute()
    {
        if (MachineEnvironment.Instance.KernelRequired) return;
        if (!File.Exists(KernelBtfFactAttribute.Path))
            Skip = $"{KernelBtfFactAttribute.Path} is missing: this kernel was built without CONFIG_DEBUG_INFO_BTF.";
        else if (!File.Exists(Path.Combine(Events, "sched", "sched_process_exec", "format")))
            Skip = $"tracefs event formats are not readable under {Events}: mount it (mount -t tracefs tracefs /sys/kernel/tracing) and run as root.";
    }
}
