using System.Runtime.InteropServices;
using Nectar.Maps;

namespace Nectar.Programs;

/// <summary>A global variable of a loaded object, read and written through its data section's map.</summary>
public sealed class BpfVariable
{
    private readonly VariableSpec _spec;
    private readonly BpfMap _map;

    internal BpfVariable(VariableSpec spec, BpfMap map)
    {
        _spec = spec;
        _map = map;
    }

    public string Name => _spec.Name;

    public bool IsConstant => _spec.IsConstant;

    /// <summary>Reads the variable's current value from the kernel.</summary>
    public T Get<T>() where T : unmanaged
    {
        _spec.CheckSize<T>();
        var value = new byte[_map.ValueSize];
        _map.TryLookup(stackalloc byte[4], value);
        return MemoryMarshal.Read<T>(value.AsSpan(_spec.Offset, _spec.Size));
    }

    /// <summary>Writes the variable (.data and .bss only; .rodata is frozen after load).</summary>
    public void Set<T>(T newValue) where T : unmanaged
    {
        _spec.CheckSize<T>();
        if (IsConstant)
            throw new InvalidOperationException($"Global variable '{Name}' is in {_spec.Map.Name}, which is frozen once loaded; set it on the {nameof(BpfObjectSpec)} before loading.");
        var value = new byte[_map.ValueSize];
        Span<byte> key = stackalloc byte[4];
        _map.TryLookup(key, value);
        MemoryMarshal.Write(value.AsSpan(_spec.Offset, _spec.Size), in newValue);
        _map.Update(key, value);
    }
}
