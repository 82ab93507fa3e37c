using System.Text;
using Nectar.Generator.Emit;
using Nectar.Generator.Tracepoints;

namespace Nectar.Tool;

/// <summary>
/// `nectar tracepoints --format bpf`: for each raw tracepoint, ready BPF handlers in libbpf's style,
/// a <c>tp_btf</c> one and a <c>raw_tp</c> one, both through <c>BPF_PROG</c> (bpf_tracing.h), which
/// unpacks the context's <c>u64 args[N]</c> into the typed, named parameters. The text compiles
/// against a vmlinux.h of the same BTF with clang -target bpf (a test holds it to that).
/// </summary>
internal static class BpfHandlerPrototypes
{
    /// <summary>bpf_tracing.h's BPF_PROG unpacks at most this many arguments (___bpf_ctx_cast12).</summary>
    internal const int MaxBpfProgArguments = 12;

    // BPF_PROG declares `unsigned long long *ctx` next to the arguments; an argument of that name would clash.
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal) { "ctx" };

    /// <summary>The header lines a file of these handlers needs.</summary>
    public const string Preamble = "#include \"vmlinux.h\"\n#include <bpf/bpf_helpers.h>\n#include <bpf/bpf_tracing.h>\n";

    /// <summary>Both handlers of one tracepoint, each with an empty body to fill in.</summary>
    public static string Handlers(Btf.Btf btf, NamedTracepoint tracepoint)
    {
        var text = new StringBuilder();
        text.Append("/* ").Append(tracepoint.Name).Append(": names from ").Append(TracepointsCommand.Describe(tracepoint)).Append(" */\n");
        if (tracepoint.Arguments.Count > MaxBpfProgArguments || tracepoint.Arguments.Any(a => btf.SkipModifiersAndTypedefs(a.TypeId).IsComposite))
        {
            // Too many for BPF_PROG, or a struct or union by value (BPF_PROG passes each slot as a void *,
            // which C cannot convert to one): the context itself, with the arguments listed for reading ctx[i] by hand.
            for (int i = 0; i < tracepoint.Arguments.Count; i++)
                text.Append("/*   ctx[").Append(i).Append("]: ").Append(CDeclarations.Declaration(btf, tracepoint.Arguments[i].TypeId, ParameterName(tracepoint, i))).Append(" */\n");
            Append(text, "tp_btf", tracepoint.Name, "handle_" + tracepoint.Name, null);
            Append(text, "raw_tp", tracepoint.Name, "handle_raw_" + tracepoint.Name, null);
            return text.ToString();
        }
        string parameters = string.Join(", ", tracepoint.Arguments.Select((a, i) => CDeclarations.Declaration(btf, a.TypeId, ParameterName(tracepoint, i))));
        Append(text, "tp_btf", tracepoint.Name, "handle_" + tracepoint.Name, parameters);
        text.Append("/* raw_tp: pointer arguments are not trusted there; read through them with BPF_CORE_READ. */\n");
        Append(text, "raw_tp", tracepoint.Name, "handle_raw_" + tracepoint.Name, parameters);
        return text.ToString();
    }

    private static void Append(StringBuilder text, string section, string tracepoint, string handler, string? parameters)
    {
        text.Append("SEC(\"").Append(section).Append('/').Append(tracepoint).Append("\")\n");
        text.Append(parameters == null
            ? "int " + handler + "(u64 *ctx)\n"
            : "int BPF_PROG(" + handler + (parameters.Length == 0 ? "" : ", " + parameters) + ")\n");
        text.Append("{\n\treturn 0;\n}\n\n");
    }

    // The resolved name, made distinct and clear of BPF_PROG's own ctx; argN when nothing named it.
    private static string ParameterName(NamedTracepoint tracepoint, int i)
    {
        string name = tracepoint.NameOf(i);
        if (Reserved.Contains(name)) name += "_";
        for (int j = 0; j < i; j++)
            if (tracepoint.NameOf(j) == tracepoint.NameOf(i)) return "arg" + i;
        return name;
    }
}
