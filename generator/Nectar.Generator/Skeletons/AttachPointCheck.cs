using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Nectar.Btf;
using Nectar.Generator.Emit;
using Nectar.Generator.Model;
using Nectar.Programs;

namespace Nectar.Generator.Skeletons
{
    /// <summary>
    /// Checks a skeleton's program sections against the kernel BTF the build reads (NectarBtf), so
    /// that a misspelt attach point fails the build rather than the deployment: raw and BTF
    /// tracepoints (a <c>btf_trace_X</c> typedef), classic tracepoints (<c>btf_trace_EVENT</c>; for
    /// <c>syscalls/sys_enter_X</c> the syscall's function), kprobes, fentry/fexit/fmod_ret (a
    /// function), iterators (<c>bpf_iter_X</c>) and LSM hooks (<c>bpf_lsm_X</c>). Each unknown one
    /// is a warning with the nearest names. BTF that is not a kernel's (no <c>btf_trace_</c>
    /// typedefs: a BPF object given as NectarBtf) is not checked. Module tracepoints and functions
    /// are not in vmlinux BTF: suppress NECTAR020 for those.
    /// </summary>
    internal static class AttachPointCheck
    {
        public static IEnumerable<CodegenDiagnostic> Check(BpfObjectSpec spec, Btf.Btf? kernel, string? kernelPath, SourceKey? source)
        {
            if (kernel == null) yield break;
            KernelNames names = KernelNames.Of(kernel);
            if (names.Tracepoints.Count == 0) yield break;
            foreach (ProgramSpec program in spec.Programs.Values)
            {
                if (Problem(program.Section, names) is { } unknown)
                    yield return new CodegenDiagnostic(DiagnosticIds.UnknownAttachPoint,
                        $"Program {program.Name}: SEC(\"{program.Section.Name}\") names the {unknown.What} '{unknown.Name}', which the kernel BTF ({kernelPath}) does not have, " +
                        $"so attaching it would fail on that kernel.{RawTracepointEmitter.DidYouMean(unknown.Suggestions)}", source);
            }
        }

        /// <summary>
        /// What is wrong with the section's target, or null when it is known or not checked. The
        /// section's kind and target are the object model's (<see cref="ProgramSection"/>), so every
        /// spelling of a kind (raw_tp.w/, fentry.s/, lsm.s/, iter.s/, ...) is checked as the loader reads it.
        /// </summary>
        internal static UnknownTarget? Problem(ProgramSection section, KernelNames names)
        {
            string target = section.Target;
            if (target.Length == 0 || target.IndexOfAny(new[] { '*', '?' }) >= 0) return null;
            switch (section.Kind)
            {
                case AttachKind.TracepointBtf:
                case AttachKind.RawTracepoint:
                    return names.Tracepoints.Contains(target) ? null : Unknown("tracepoint", target, names.Tracepoints);
                case AttachKind.Tracepoint:
                {
                    int eventSlash = target.IndexOf('/');
                    if (eventSlash < 0) return null;
                    string system = target.Substring(0, eventSlash);
                    string ev = target.Substring(eventSlash + 1);
                    if (system == "syscalls") return SyscallProblem(ev, names);
                    return names.Tracepoints.Contains(ev) ? null : Unknown("tracepoint", ev, names.Tracepoints);
                }
                case AttachKind.Kprobe:
                case AttachKind.Kretprobe:
                case AttachKind.Fentry:
                case AttachKind.Fexit:
                case AttachKind.ModifyReturn:
                {
                    // ksyscall/NAME names a syscall, whose wrapper function differs by architecture: not checked.
                    if (section.IsSyscallProbe) return null;
                    int plus = target.IndexOf('+');
                    string function = plus < 0 ? target : target.Substring(0, plus);
                    if (function.IndexOf(':') >= 0) return null; // module:function
                    return names.Functions.Contains(function) ? null : Unknown("kernel function", function, names.Functions);
                }
                case AttachKind.Iterator:
                    return names.Functions.Contains("bpf_iter_" + target) ? null
                        : Unknown("iterator target", target, names.Functions.Where(f => f.StartsWith("bpf_iter_", StringComparison.Ordinal)).Select(f => f.Substring("bpf_iter_".Length)));
                case AttachKind.Lsm:
                    return names.Functions.Contains("bpf_lsm_" + target) ? null
                        : Unknown("LSM hook", target, names.Functions.Where(f => f.StartsWith("bpf_lsm_", StringComparison.Ordinal)).Select(f => f.Substring("bpf_lsm_".Length)));
                default:
                    return null;
            }
        }

        // syscalls/sys_enter_X and sys_exit_X exist for every syscall X the kernel has (its __x64_sys_X or __se_sys_X function).
        private static UnknownTarget? SyscallProblem(string ev, KernelNames names)
        {
            string? prefix = ev.StartsWith("sys_enter_", StringComparison.Ordinal) ? "sys_enter_"
                : ev.StartsWith("sys_exit_", StringComparison.Ordinal) ? "sys_exit_" : null;
            if (prefix == null) return null;
            string syscall = ev.Substring(prefix.Length);
            if (names.Syscalls.Contains(syscall)) return null;
            return Unknown("syscall tracepoint", ev, names.Syscalls.Select(s => prefix + s));
        }

        private static UnknownTarget Unknown(string what, string name, IEnumerable<string> known) =>
            new UnknownTarget(what, name, BtfSuggestions.Closest(name, known));

        /// <summary>An attach point the kernel BTF does not have, and the nearest ones it has.</summary>
        internal sealed record UnknownTarget(string What, string Name, IReadOnlyList<string> Suggestions);

        /// <summary>The names a kernel BTF offers as attach points, indexed once per BTF.</summary>
        internal sealed class KernelNames
        {
            private static readonly ConditionalWeakTable<Btf.Btf, KernelNames> Cache = new ConditionalWeakTable<Btf.Btf, KernelNames>();

            private KernelNames(Btf.Btf btf)
            {
                foreach (BtfType t in btf.Types)
                {
                    if (t.Kind == BtfKind.Func) Functions.Add(t.Name);
                    else if (t.Kind == BtfKind.Typedef && t.Name.StartsWith("btf_trace_", StringComparison.Ordinal)) Tracepoints.Add(t.Name.Substring("btf_trace_".Length));
                }
                foreach (string f in Functions)
                {
                    foreach (string p in SyscallPrefixes)
                        if (f.StartsWith(p, StringComparison.Ordinal)) Syscalls.Add(f.Substring(p.Length));
                }
            }

            private static readonly string[] SyscallPrefixes = { "__x64_sys_", "__arm64_sys_", "__se_sys_", "__do_sys_" };

            public HashSet<string> Functions { get; } = new HashSet<string>(StringComparer.Ordinal);

            public HashSet<string> Tracepoints { get; } = new HashSet<string>(StringComparer.Ordinal);

            public HashSet<string> Syscalls { get; } = new HashSet<string>(StringComparer.Ordinal);

            public static KernelNames Of(Btf.Btf btf) => Cache.GetValue(btf, b => new KernelNames(b));
        }
    }
}
