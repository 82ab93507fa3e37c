extern alias gen;
using gen::Nectar.Generator.Tracepoints;
using Nectar.Testing;

namespace Nectar.Generator.Tests.Tracepoints;

public class TraceHeaderParserTests
{
    private static TracepointPrototype Find(string header, string name)
        => Assert.Single(TraceHeaderParser.Parse(File.ReadAllText(Fixtures.PathOf("trace-headers/" + header))), p => p.Name == name);

    [Fact]
    public void Sched_process_exec_has_its_three_parameters_across_lines()
    {
        TracepointPrototype p = Find("sched.h", "sched_process_exec");
        Assert.Equal(PrototypeKind.Event, p.Kind);
        Assert.Equal("TRACE_EVENT", p.Macro);
        Assert.Equal(400, p.Line);
        Assert.Equal(
            [new("struct task_struct *", "p"), new("pid_t", "old_pid"), new("struct linux_binprm *", "bprm")],
            p.Parameters.ToArray());
        Assert.Equal("sched_process_exec(struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)", p.Signature);
    }

    [Fact]
    public void Define_event_takes_its_name_from_the_second_argument_and_keeps_its_class()
    {
        TracepointPrototype p = Find("sched.h", "sched_switch");
        Assert.Equal(PrototypeKind.Event, p.Kind);
        TracepointPrototype wakeup = Find("sched.h", "sched_wakeup");
        Assert.Equal(PrototypeKind.EventOfClass, wakeup.Kind);
        Assert.Equal("sched_wakeup_template", wakeup.EventClass);
        Assert.Equal([new("struct task_struct *", "p")], wakeup.Parameters.ToArray());
        TracepointPrototype template = Find("sched.h", "sched_wakeup_template");
        Assert.Equal(PrototypeKind.EventClass, template.Kind);
    }

    [Fact]
    public void Sched_switch_parses_a_bool_and_an_unsigned_int_parameter()
    {
        TracepointPrototype p = Find("sched.h", "sched_switch");
        Assert.Equal(["bool preempt", "struct task_struct * prev", "struct task_struct * next", "unsigned int prev_state"],
            p.Parameters.Select(x => x.CType + " " + x.Name));
    }

    [Fact]
    public void Declare_trace_bare_tracepoints_are_found()
    {
        TracepointPrototype p = Find("sched.h", "pelt_cfs_tp");
        Assert.Equal(PrototypeKind.BareTrace, p.Kind);
        Assert.Equal([new("struct cfs_rq *", "cfs_rq")], p.Parameters.ToArray());
        TracepointPrototype overutilized = Find("sched.h", "sched_overutilized_tp");
        Assert.Equal(["struct root_domain *", "bool"], overutilized.Parameters.Select(x => x.CType));
    }

    [Fact]
    public void Trace_event_fn_condition_and_print_forms_are_found()
    {
        Assert.Equal(["struct pt_regs *", "long"], Find("syscalls.h", "sys_enter").Parameters.Select(x => x.CType));
        Assert.Equal("TRACE_EVENT_FN", Find("syscalls.h", "sys_exit").Macro);
        TracepointPrototype mdio = Find("mdio.h", "mdio_access");
        Assert.Equal("TRACE_EVENT_CONDITION", mdio.Macro);
        Assert.Equal(["bus", "read", "addr", "regnum", "val", "err"], mdio.Parameters.Select(x => x.Name));
        TracepointPrototype flags = Find("power.h", "pm_qos_update_flags");
        Assert.Equal("DEFINE_EVENT_PRINT", flags.Macro);
        Assert.Equal("pm_qos_update", flags.EventClass);
        Assert.Equal(["adap", "msg", "num"], Find("i2c.h", "i2c_write").Parameters.Select(x => x.Name));
    }

    [Fact]
    public void Every_real_header_yields_one_prototype_per_invocation_at_line_start()
    {
        // Oracle: in these headers every real invocation starts a line, and templates are indented.
        var lineStart = new System.Text.RegularExpressions.Regex(
            @"^(TRACE_EVENT|TRACE_EVENT_CONDITION|TRACE_EVENT_FN|DECLARE_EVENT_CLASS|DEFINE_EVENT|DEFINE_EVENT_PRINT|DEFINE_EVENT_CONDITION|DECLARE_TRACE)\(",
            System.Text.RegularExpressions.RegexOptions.Multiline);
        int total = 0;
        foreach (string file in Directory.GetFiles(Fixtures.PathOf("trace-headers"), "*.h"))
        {
            string text = File.ReadAllText(file);
            var prototypes = TraceHeaderParser.Parse(text);
            Assert.Equal(lineStart.Matches(text).Count, prototypes.Length);
            Assert.All(prototypes, p => Assert.All(p.Parameters, x => Assert.False(string.IsNullOrEmpty(x.CType), $"{p.Name}.{x.Name}")));
            Assert.Equal(prototypes.Length, prototypes.Select(p => (p.Name, p.Kind == PrototypeKind.EventClass)).Distinct().Count());
            total += prototypes.Length;
        }
        Assert.True(total >= 76, $"only {total} prototypes in the fixture headers");
    }

    [Fact]
    public void Comments_directives_continuations_and_void_are_handled()
    {
        const string text = """
            /* TRACE_EVENT(in_comment, TP_PROTO(int a), TP_ARGS(a)) */
            // TRACE_EVENT(in_line_comment, TP_PROTO(int a), TP_ARGS(a))
            #define DEFINE_THING(name) \
                DEFINE_EVENT(cls, name, TP_PROTO(int x), TP_ARGS(x))
            #if defined(CONFIG_X)
            DECLARE_EVENT_CLASS(cls,
                TP_PROTO(const char *msg, /* the message */
                         unsigned long long when),
                TP_ARGS(msg, when),
                TP_STRUCT__entry(__string(msg, msg)),
                TP_fast_assign(__assign_str(msg, msg);),
                TP_printk("msg=%s (x)", __get_str(msg))
            );
            DEFINE_EVENT_FN(cls, with_fn,
                TP_PROTO(const char *msg, unsigned long long when),
                TP_ARGS(msg, when), reg, unreg);
            #else
            DEFINE_EVENT_FN(cls, with_fn, TP_PROTO(void), TP_ARGS(), reg, unreg);
            #endif
            DECLARE_TRACE(nothing, TP_PROTO(void), TP_ARGS());
            """;
        var all = TraceHeaderParser.Parse(text);
        Assert.Equal(["cls", "with_fn", "nothing"], all.Select(p => p.Name));
        Assert.Equal(["const char *", "unsigned long long"], all[1].Parameters.Select(p => p.CType));
        Assert.Empty(all[2].Parameters);
        Assert.Equal(6, all[0].Line);
    }

    [Fact]
    public void An_unterminated_invocation_ends_parsing_without_throwing()
    {
        var all = TraceHeaderParser.Parse("TRACE_EVENT(a, TP_PROTO(int x), TP_ARGS(x));\nTRACE_EVENT(b, TP_PROTO(int x");
        Assert.Equal(["a"], all.Select(p => p.Name));
    }
}
