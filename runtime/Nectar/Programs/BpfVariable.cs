using System.Runtime.InteropServices;
using Nectar.Maps;

namespace Nectar.Programs;

/// <summary>A global variable of a loaded object, read and written through its data section's map.</summary>
public sealed class BpfVariable
{
    private readonly GlobalVariable _definition;
    private readonly BpfMap _map;

    internal BpfVariable(GlobalVariable definition, BpfMap map)
    {
        _definition = definition;
        _map = map;
    }

    public string Name => _definition.Name;

    public bool IsConstant => _definition.IsConstant;

    /// <summary>Reads the variable's current value from the kernel.</summary>
    public T Get<T>() where T : unmanaged
    {
        _definition.CheckSize<T>();
        var value = new byte[_map.ValueSize];
        _map.TryLookup(stackalloc byte[4], value);
        return MemoryMarshal.Read<T>(value.AsSpan(_definition.Offset, _definition.Size));
    }

    /// <summary>Writes the variable (.data and .bss only; .rodata is frozen after load).</summary>
    public void Set<T>(T newValue) where T : unmanaged
    {
        _definition.CheckSize<T>();
        if (IsConstant)
            throw new InvalidOperationException($"Global variable '{Name}' is in {_definition.Map.Name}, which is frozen once loaded; set it on the {nameof(BpfObjectSpec)} before loading.");
        var value = new byte[_map.ValueSize];
        Span<byte> key = stackalloc byte[4];
        _map.TryLookup(key, value);
        MemoryMarshal.Write(value.AsSpan(_definition.Offset, _definition.Size), in newValue);
        _map.Update(key, value);
    }
}
