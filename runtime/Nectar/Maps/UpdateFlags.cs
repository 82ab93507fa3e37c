namespace Nectar.Maps;

/// <summary>How an update treats an existing element (BPF_ANY, BPF_NOEXIST, BPF_EXIST).</summary>
public enum UpdateFlags : ulong
{
    Any = 0,
    NoExist = 1,
    Exist = 2,
    Lock = 4,
}
