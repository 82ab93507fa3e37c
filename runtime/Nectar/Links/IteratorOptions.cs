using Nectar.Maps;

namespace Nectar.Links;

/// <summary>
/// What an iterator link walks, for targets that take a parameter (the kernel's bpf_iter_link_info):
/// the map of a map-element iterator (iter/bpf_map_elem, iter/bpf_sk_storage_map, ...), or the one
/// process a task iterator (iter/task, iter/task_file, iter/task_vma) is limited to.
/// Targets without a parameter (iter/bpf_map, iter/ksym, ...) take the defaults.
/// </summary>
public sealed record IteratorOptions
{
    /// <summary>The map a map-element iterator walks; required by those targets, refused by others.</summary>
    public BpfMap? Map { get; init; }

    /// <summary>Limit a task iterator to the threads of this process (Linux 6.1+); null: every task.</summary>
    public int? ProcessId { get; init; }
}
