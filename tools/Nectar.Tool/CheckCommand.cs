using System.CommandLine;

namespace Nectar.Tool;

/// <summary>
/// `nectar check`: says whether this machine and user can run BPF, and if not, what to do; then
/// the kernel's feature table (program types, map types, attach kinds: available, or refused and
/// why), worded like `bpftool feature probe kernel` so the two compare line by line.
/// </summary>
internal static class CheckCommand
{
    internal static Command Create()
    {
        var command = new Command("check", "Check that BPF is usable here (kernel BTF, privileges, bpf() syscall) and print which program types, map types and attach kinds this kernel allows.");
        command.SetAction(_ =>
        {
            if (KernelSupport.WhyUnavailable is { } reason)
            {
                Console.Error.WriteLine("nectar: " + reason);
                CheckPrivileges.Print(Console.Out);
                return 77; // as every other verb: BPF is not usable here, as opposed to 1, a failure
            }
            Console.WriteLine($"BPF is usable: kernel {Environment.OSVersion.Version}, BTF at {KernelSupport.VmlinuxBtfPath}.");
            CheckPrivileges.Print(Console.Out);
            string? group = null;
            foreach (var feature in KernelFeatures.All)
            {
                if (feature.GroupName != group)
                {
                    group = feature.GroupName;
                    Console.WriteLine();
                }
                Console.WriteLine(feature);
            }
            return 0;
        });
        return command;
    }
}
