using System.Runtime.InteropServices;
using System.Text;
using Nectar.Interop;
using Nectar.Programs;
using Nectar.Tests.Interop;

namespace Nectar.Tests.Programs;

/// <summary>BPF_PROG_LOAD's rejection path (log retries, growth, EPERM), driven by a fake bpf(2).</summary>
public class ProgramLoadTests
{
    internal static ProgramLoadRequest Request(string section = "tracepoint/syscalls/sys_enter_openat")
    {
        BpfInstruction[] instructions = [new() { Opcode = 0xb7 }, new() { Opcode = 0x95 }]; // r0 = 0; exit
        var spec = new ProgramSpec("probe", ProgramSection.Parse(section), "GPL", instructions, [], []);
        return new ProgramLoadRequest(spec, instructions);
    }

    [Fact]
    public void A_rejection_loads_again_with_a_log_grown_until_the_verifier_output_fits()
    {
        const string VerifierOutput = "0: (b7) r0 = 0\n1: (95) exit\nR0 !read_ok\nprocessed 2 insns\n";
        using var kernel = new FakeKernel((_, attr) =>
        {
            var load = MemoryMarshal.Read<ProgLoadAttr>(attr);
            if (load.LogLevel == 0)
                return -Errno.EACCES;
            if (load.LogSize < 1 << 20)
                return -Errno.ENOSPC;
            unsafe
            {
                Encoding.ASCII.GetBytes(VerifierOutput).CopyTo(new Span<byte>((void*)load.LogBuffer, (int)load.LogSize));
            }
            return -Errno.EACCES;
        });

        var error = Assert.Throws<BpfVerifierException>(() => BpfProgram.Load(Request()));

        var loads = kernel.AttrsOf<ProgLoadAttr>(BpfCommand.ProgLoad).ToList();
        Assert.Equal([0u, 1u << 16, 1u << 18, 1u << 20], loads.Select(l => l.LogSize));
        Assert.Equal([0u, 1u, 1u, 1u], loads.Select(l => l.LogLevel));
        Assert.All(loads, l => Assert.Equal(2u, l.InstructionCount));
        Assert.Equal(Errno.EACCES, error.ErrorNumber);
        Assert.Equal(VerifierOutput, error.Log);
        Assert.Equal(1, error.FailingInstruction);
        Assert.Equal("1: (95) exit / R0 !read_ok", error.Reason);
    }

    [Fact]
    public void EPERM_is_not_retried_with_a_log()
    {
        using var kernel = new FakeKernel((_, _) => -Errno.EPERM);

        var error = Assert.ThrowsAny<BpfException>(() => BpfProgram.Load(Request()));

        Assert.Equal(Errno.EPERM, error.ErrorNumber);
        Assert.Single(kernel.Calls);
    }

    [Fact]
    public void An_accepted_program_costs_one_call_without_a_log()
    {
        using var kernel = new FakeKernel((_, _) => FakeKernel.NewFd());

        using var program = BpfProgram.Load(Request());

        var load = kernel.AttrsOf<ProgLoadAttr>(BpfCommand.ProgLoad).Single();
        Assert.Equal((0u, 0u, 0ul), (load.LogLevel, load.LogSize, load.LogBuffer));
        Assert.Equal((uint)ProgramType.Tracepoint, load.ProgType);
        Assert.Equal("probe", program.Name);
    }
}
