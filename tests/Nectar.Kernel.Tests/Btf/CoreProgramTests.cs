using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Btf;

public class CoreProgramTests
{
    /// <summary>
    /// A program built against Nectar's vmlinux.h passes the verifier with its CO-RE relocations
    /// resolved against the running kernel. bpftool loads it (an oracle; Nectar's own loader is tested elsewhere).
    /// </summary>
    [KernelFact(Attach = [AttachKind.TracepointBtf], Tools = Oracle.Clang | Oracle.Bpftool)]
    public void Core_program_built_against_nectars_vmlinux_h_loads()
    {
        var dir = Directory.CreateTempSubdirectory("nectar-core-");
        string pin = "/sys/fs/bpf/nectar_core_test_" + Environment.ProcessId;
        try
        {
            string include = Path.Combine(Fixtures.Directory, "..", "..", "bpf", "include");
            File.WriteAllText(Path.Combine(dir.FullName, "core.bpf.c"), CoreProgram.Source);
            var compile = Processes.Run(Clang.Command, ["-g", "-O2", "-target", "bpf", "-D__TARGET_ARCH_x86", "-I", include, "-c", "core.bpf.c", "-o", "core.bpf.o"], dir.FullName);
            Assert.True(compile.ExitCode == 0, compile.Error);
            Bpftool.Run("prog", "load", Path.Combine(dir.FullName, "core.bpf.o"), pin);
            Assert.Contains("on_exec", Bpftool.Run("prog", "show", "pinned", pin));
        }
        finally
        {
            File.Delete(pin);
            dir.Delete(recursive: true);
        }
    }
}
