using System;
using System.Runtime.InteropServices;
using Nectar.Maps;

namespace Nectar.Programs;

/// <summary>
/// A global variable of a BPF object as read from the file (the spec of a <c>BpfVariable</c>): <see cref="Size"/> bytes at <see cref="Offset"/> in the value
/// of its data section's map. Before load it reads and writes the map's initial value, which is
/// how `const volatile` settings reach the program.
/// </summary>
public sealed class VariableSpec
{
    internal VariableSpec(string name, MapSpec map, int offset, int size)
    {
        Name = name;
        Map = map;
        Offset = offset;
        Size = size;
    }

    public string Name { get; }

    /// <summary>The data section's map (".rodata", ".bss", ...).</summary>
    public MapSpec Map { get; }

    public int Offset { get; }

    public int Size { get; }

    /// <summary>
    /// The BTF VAR of the variable in its section's DATASEC (its type and linkage), or 0 when the object
    /// has no BTF for it. Skeletons type their properties by it.
    /// </summary>
    internal uint BtfVarId { get; set; }

    /// <summary>True for variables in .rodata*: fixed at load, read-only afterwards.</summary>
    public bool IsConstant => Map.FreezeAfterCreate;

    /// <summary>Sets the value the program starts with. Call before the object is loaded.</summary>
    public void Set<T>(T value) where T : unmanaged
    {
        CheckSize<T>();
#if NET
        MemoryMarshal.Write(Map.WritableInitialValue().AsSpan(Offset, Size), in value);
#else
        MemoryMarshal.Write(Map.WritableInitialValue().AsSpan(Offset, Size), ref value);
#endif
    }

    /// <summary>The value the program will start with (its initialiser, or what <see cref="Set{T}"/> stored).</summary>
    public T Get<T>() where T : unmanaged
    {
        CheckSize<T>();
        return Map.InitialValue is { } initial ? MemoryMarshal.Read<T>(initial.AsSpan(Offset, Size)) : default;
    }

    internal unsafe void CheckSize<T>() where T : unmanaged
    {
        if (sizeof(T) != Size)
            throw new ArgumentException($"Global variable '{Name}' is {Size} bytes; {typeof(T).Name} is {sizeof(T)}. Use a type of the variable's size.");
    }
}
