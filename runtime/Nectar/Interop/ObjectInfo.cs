namespace Nectar.Interop;

/// <summary>The kinds of kernel BPF object that have ids: each has its own *_GET_NEXT_ID and *_GET_FD_BY_ID.</summary>
internal enum ObjectKind
{
    Program,
    Map,
    Link,
    Btf,
}

/// <summary>The kernel's lists of loaded programs, maps and links, and what each one is.</summary>
internal static unsafe class ObjectInfo
{
    /// <summary>Every id of one kind, in increasing order (BPF_*_GET_NEXT_ID from 0).</summary>
    internal static List<uint> Ids(ObjectKind kind)
    {
        var getNextId = kind switch
        {
            ObjectKind.Program => BpfCommand.ProgGetNextId,
            ObjectKind.Map => BpfCommand.MapGetNextId,
            ObjectKind.Link => BpfCommand.LinkGetNextId,
            _ => BpfCommand.BtfGetNextId,
        };
        var ids = new List<uint>();
        var attr = new GetIdAttr();
        int errno;
        while (Bpf.TryCall(getNextId, ref attr, out errno) == 0)
        {
            ids.Add(attr.NextId);
            attr = new GetIdAttr { Id = attr.NextId };
        }
        // ENOENT ends the list; anything else (EPERM without CAP_SYS_ADMIN) is not an empty list.
        return errno == Errno.ENOENT ? ids : throw Bpf.ToException($"Listing BPF objects ({getNextId})", errno);
    }

    /// <summary>Opens an object by id; null when it went away since it was listed.</summary>
    internal static BpfFileDescriptor? TryOpen(ObjectKind kind, uint id)
    {
        var getFdById = kind switch
        {
            ObjectKind.Program => BpfCommand.ProgGetFdById,
            ObjectKind.Map => BpfCommand.MapGetFdById,
            ObjectKind.Link => BpfCommand.LinkGetFdById,
            _ => BpfCommand.BtfGetFdById,
        };
        var attr = new GetIdAttr { Id = id };
        int fd = Bpf.TryCall(getFdById, ref attr, out int errno);
        if (fd >= 0)
            return new BpfFileDescriptor(fd);
        return errno == Errno.ENOENT ? null : throw Bpf.ToException($"Opening BPF object {id} by id", errno);
    }

    /// <summary>
    /// The kernel's id of a program, map or link: bpf_prog_info, bpf_map_info and bpf_link_info all
    /// begin with type and id, so their common 8-byte prefix is all that is asked for.
    /// </summary>
    internal static uint Id(BpfFileDescriptor fd) => Get<TypeAndId>(fd).Id;

    private struct TypeAndId
    {
#pragma warning disable CS0649 // written by the kernel
        public uint Type;
        public uint Id;
#pragma warning restore CS0649
    }

    /// <summary>BPF_OBJ_GET_INFO_BY_FD into the prefix struct <typeparamref name="TInfo"/>.</summary>
    internal static TInfo Get<TInfo>(BpfFileDescriptor fd) where TInfo : unmanaged
    {
        TInfo info = default;
        var attr = new InfoByFdAttr { BpfFd = (uint)fd.Value, InfoLength = (uint)sizeof(TInfo), Info = (ulong)&info };
        Bpf.Call(BpfCommand.ObjGetInfoByFd, ref attr, "Reading a BPF object's info");
        return info;
    }

    /// <summary>
    /// The name of a program's entry function from its BTF (func_info[0]), which is not cut to 15
    /// characters as the kernel's name is; null when the program has no BTF.
    /// </summary>
    internal static string? FullProgramName(BpfFileDescriptor program, in ProgInfoPrefix info)
    {
        if (info.BtfId == 0 || info.FuncInfoCount == 0)
            return null;
        ulong* first = stackalloc ulong[1];
        var query = new ProgInfoPrefix { FuncInfoCount = 1, FuncInfoRecordSize = 8, FuncInfo = (ulong)first };
        var attr = new InfoByFdAttr { BpfFd = (uint)program.Value, InfoLength = (uint)sizeof(ProgInfoPrefix), Info = (ulong)&query };
        if (Bpf.TryCall(BpfCommand.ObjGetInfoByFd, ref attr, out _) < 0)
            return null;
        uint functionTypeId = (uint)(*first >> 32);
        using var btfFd = TryOpen(ObjectKind.Btf, info.BtfId);
        if (btfFd is null)
            return null;
        var size = Get<BtfInfoPrefix>(btfFd).BtfSize;
        var blob = new byte[size];
        fixed (byte* data = blob)
        {
            var btfInfo = new BtfInfoPrefix { Btf = (ulong)data, BtfSize = size };
            var btfAttr = new InfoByFdAttr { BpfFd = (uint)btfFd.Value, InfoLength = (uint)sizeof(BtfInfoPrefix), Info = (ulong)&btfInfo };
            Bpf.Call(BpfCommand.ObjGetInfoByFd, ref btfAttr, "Reading a program's BTF");
        }
        var btf = Nectar.Btf.Btf.Parse(blob);
        return functionTypeId <= btf.LastTypeId ? btf.GetType(functionTypeId).Name : null;
    }

    internal static string Name(byte* name) => CString.Decode(new ReadOnlySpan<byte>(name, 16));
}
