namespace Nectar.Interop;

/// <summary>BPF_BTF_LOAD: hands a BTF blob to the kernel, which checks it and returns its fd.</summary>
internal static unsafe class KernelBtf
{
    /// <summary>Loads <paramref name="blob"/>; on rejection, throws with the kernel's BTF log.</summary>
    internal static BpfFileDescriptor Load(byte[] blob, string what)
    {
        var log = new byte[1 << 16];
        fixed (byte* data = blob)
        fixed (byte* logPointer = log)
        {
            var attr = new BtfLoadAttr { Btf = (ulong)data, Size = (uint)blob.Length };
            int fd = Bpf.TryCall(BpfCommand.BtfLoad, ref attr, out int errno);
            if (fd >= 0)
                return new BpfFileDescriptor(fd);
            if (errno == Errno.EPERM)
                throw Bpf.ToException($"Loading the BTF of {what}", errno);
            attr = new BtfLoadAttr { Btf = (ulong)data, Size = (uint)blob.Length, LogBuffer = (ulong)logPointer, LogSize = (uint)log.Length, LogLevel = 1 };
            fd = Bpf.TryCall(BpfCommand.BtfLoad, ref attr, out errno);
            if (fd >= 0)
                return new BpfFileDescriptor(fd);
            string text = CString.Decode(log).Trim();
            throw new BpfException($"The kernel rejected the BTF of {what} ({Libc.ErrorText(errno)}): {LastLines(text)}", errno);
        }
    }

    private static string LastLines(string log)
    {
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Length == 0 ? "(no log)" : string.Join(" / ", lines.TakeLast(3));
    }
}
