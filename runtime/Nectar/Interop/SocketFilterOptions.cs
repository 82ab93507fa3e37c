using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Nectar.Interop;

/// <summary>setsockopt(SOL_SOCKET, SO_ATTACH_BPF / SO_DETACH_BPF): a socket filter program on one socket.</summary>
internal static unsafe partial class SocketFilterOptions
{
    private const int SolSocket = 1;
    private const int SoAttachBpf = 50;
    private const int SoDetachBpf = 27;

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static partial int SetSocketOption(nint socket, int level, int name, void* value, uint length);

    internal static void Attach(Socket socket, BpfFileDescriptor program, string operation)
    {
        int fd = program.Value;
        if (Set(socket, SoAttachBpf, fd) is var errno and not 0)
            throw Bpf.ToException(operation, errno);
    }

    /// <summary>Removes the socket's filter; false when it had none (ENOENT) or the socket is closed.</summary>
    internal static bool Detach(Socket socket) => Set(socket, SoDetachBpf, 0) == 0;

    /// <summary>setsockopt with an int value, holding the socket's handle open meanwhile; 0 or the errno.</summary>
    private static int Set(Socket socket, int option, int value)
    {
        SafeSocketHandle handle;
        try
        {
            handle = socket.SafeHandle;
        }
        catch (ObjectDisposedException)
        {
            return Errno.EBADF;
        }
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return SetSocketOption(handle.DangerousGetHandle(), SolSocket, option, &value, sizeof(int)) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        catch (ObjectDisposedException)
        {
            return Errno.EBADF;
        }
        finally
        {
            if (added)
                handle.DangerousRelease();
        }
    }
}
