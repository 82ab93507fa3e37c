namespace Nectar.Samples.ExecObserver;

/// <summary>Which of the object's two programs observes execs.</summary>
public enum ExecObserverMode
{
    /// <summary><c>tp_btf/sched_process_exec</c>: a BTF-typed tracepoint, arguments checked by the verifier.</summary>
    Btf,

    /// <summary><c>raw_tp/sched_process_exec</c>: a raw tracepoint reading <c>ctx->args[0..2]</c>.</summary>
    Raw,
}
