using System.CommandLine;

namespace Nectar.Tool;

/// <summary>`nectar check`: says whether this machine and user can run BPF, and if not, what to do.</summary>
internal static class CheckCommand
{
    internal static Command Create()
    {
        var command = new Command("check", "Check that BPF is usable here (kernel BTF, privileges, bpf() syscall).");
        command.SetAction(_ =>
        {
            if (KernelSupport.WhyUnavailable is { } reason)
            {
                Console.Error.WriteLine("nectar: " + reason);
                return 77; // as every other verb: BPF is not usable here, as opposed to 1, a failure
            }
            Console.WriteLine($"BPF is usable: kernel {Environment.OSVersion.Version}, BTF at {KernelSupport.VmlinuxBtfPath}.");
            return 0;
        });
        return command;
    }
}
