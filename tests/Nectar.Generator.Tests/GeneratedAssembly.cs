using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;

namespace Nectar.Generator.Tests;

/// <summary>Compiles generated code into a real assembly and measures its types as the runtime lays them out.</summary>
internal static class GeneratedAssembly
{
    public static Assembly Load(Compilation compilation)
    {
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        image.Position = 0;
        return new AssemblyLoadContext("generated-" + Guid.NewGuid(), isCollectible: true).LoadFromStream(image);
    }

    /// <summary>Unsafe.SizeOf&lt;T&gt;() for a type known only at run time.</summary>
    public static int SizeOf(Type type) =>
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;

    /// <summary>
    /// The field's offset as the runtime laid it out: the address of the field (ldflda) minus the
    /// address of the object, computed over a real zeroed block (the JIT may probe the address).
    /// </summary>
    public static unsafe int OffsetOf(FieldInfo field)
    {
        var method = new DynamicMethod("OffsetOf", typeof(int), [typeof(nint)], typeof(GeneratedAssembly).Module, skipVisibility: true);
        ILGenerator il = method.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldflda, field);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Sub);
        il.Emit(OpCodes.Conv_I4);
        il.Emit(OpCodes.Ret);
        nuint size = (nuint)SizeOf(field.DeclaringType!);
        void* block = NativeMemory.AllocZeroed(size + 16);
        try
        {
            return (int)method.Invoke(null, [(nint)block])!;
        }
        finally
        {
            NativeMemory.Free(block);
        }
    }

    /// <summary>Reads a T from bytes (MemoryMarshal.Read) for a type known only at run time.</summary>
    public static object Read(Type type, byte[] bytes, int offset) =>
        typeof(GeneratedAssembly).GetMethod(nameof(ReadCore), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(type).Invoke(null, [bytes, offset])!;

    private static T ReadCore<T>(byte[] bytes, int offset) where T : struct => MemoryMarshal.Read<T>(bytes.AsSpan(offset));

    public static object? Get(object instance, string member)
    {
        Type type = instance.GetType();
        return type.GetProperty(member) is { } property ? property.GetValue(instance) : type.GetField(member)!.GetValue(instance);
    }
}
