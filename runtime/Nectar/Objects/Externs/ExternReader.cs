using System;
using System.Collections.Generic;
using System.Linq;
using Nectar.Btf;
using Nectar.Elf;

namespace Nectar.Programs;

/// <summary>
/// Finds the externs of a BPF object: undefined global or weak ELF symbols, each described in the
/// object's BTF as an extern VAR or FUNC inside the DATASEC ".kconfig" (<c>__kconfig</c>) or
/// ".ksyms" (<c>__ksym</c>). Kconfig externs get their place in the .kconfig map here, in the
/// order the DATASEC lists them, each at its type's alignment. Needs no kernel.
/// </summary>
internal static class ExternReader
{
    internal const string KconfigSection = ".kconfig";
    internal const string KsymsSection = ".ksyms";
    private const int MaxKconfigSize = 1 << 20; // far beyond any real config (strings are the long ones, a few hundred bytes)

    internal static IReadOnlyList<BpfExtern> Read(ElfFile elf, Btf.Btf? btf, string objectName)
    {
        var symbols = elf.Symbols
            .Where(IsExtern)
            .GroupBy(s => s.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        if (symbols.Count == 0)
            return [];
        if (btf is null)
        {
            string name = symbols.Keys.First();
            throw new BpfExternException(name, $"{objectName}: extern '{name}' needs the object's BTF to say what it is; compile the object with clang -g.");
        }

        var externs = new List<BpfExtern>();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var section in btf.Types.Where(t => t.Kind == BtfKind.Datasec && t.Name is KconfigSection or KsymsSection))
        {
            int kconfigEnd = 0;
            foreach (var entry in section.DatasecVars)
            {
                var declaration = btf.GetType(entry.TypeId);
                if (!symbols.TryGetValue(declaration.Name, out var symbol) || !placed.Add(declaration.Name))
                    continue; // declared but never used: clang keeps no symbol, and nothing refers to it
                bool weak = symbol.Binding == ElfSymbolBinding.Weak;
                if (section.Name == KconfigSection)
                    externs.Add(Kconfig(btf, declaration, weak, objectName, ref kconfigEnd));
                else if (declaration.Kind == BtfKind.Func)
                    externs.Add(new BpfExtern(declaration.Name, ExternKind.KernelFunction, weak, declaration.Id));
                else if (declaration.Kind == BtfKind.Var)
                    externs.Add(new BpfExtern(declaration.Name, ExternKind.KernelVariable, weak, declaration.Id));
                else
                    throw new BpfExternException(declaration.Name, $"{objectName}: .ksyms lists '{declaration.Name}' as a {declaration.Kind}; only variables and functions can be __ksym.");
            }
        }

        foreach (var name in symbols.Keys.Where(n => !placed.Contains(n)))
            throw new BpfExternException(name, Unplaced(btf, name, objectName));
        return externs;
    }

    /// <summary>An undefined (section 0) global or weak symbol of a variable or function: what C's extern compiles to.</summary>
    internal static bool IsExtern(ElfSymbol symbol) =>
        symbol.SectionIndex == 0 && symbol.Name.Length > 0 &&
        symbol.Binding is ElfSymbolBinding.Global or ElfSymbolBinding.Weak &&
        symbol.Type is ElfSymbolType.NoType or ElfSymbolType.Object or ElfSymbolType.Function;

    private static string Unplaced(Btf.Btf btf, string name, string objectName)
    {
        var declaration = btf.FindAllByName(name).FirstOrDefault(t => t.Kind is BtfKind.Var or BtfKind.Func);
        if (declaration.IsVoid)
            return $"{objectName}: extern '{name}' is used but has no BTF declaration; declare it with __kconfig or __ksym (bpf_helpers.h), or define it in the object.";
        string where = btf.Types.FirstOrDefault(t => t.Kind == BtfKind.Datasec && t.DatasecVars.Any(v => v.TypeId == declaration.Id)) is { IsVoid: false } section
            ? $"is in section '{section.Name}'"
            : "is in no section";
        return declaration.Kind == BtfKind.Func
            ? $"{objectName}: function '{name}' is called but {where} and not defined in the object. Mark a kernel function (kfunc) __ksym, or define the function in the object."
            : $"{objectName}: extern '{name}' {where}; Nectar fills externs marked __kconfig (.kconfig) or __ksym (.ksyms) only.";
    }

    private static BpfExtern Kconfig(Btf.Btf btf, BtfType declaration, bool weak, string objectName, ref int end)
    {
        string name = declaration.Name;
        if (declaration.Kind != BtfKind.Var)
            throw new BpfExternException(name, $"{objectName}: .kconfig lists '{name}' as a {declaration.Kind}; __kconfig externs are variables.");
        if (!name.StartsWith("CONFIG_", StringComparison.Ordinal) && !name.StartsWith("LINUX_", StringComparison.Ordinal))
            throw new BpfExternException(name, $"{objectName}: __kconfig extern '{name}' names neither a kernel config option (CONFIG_*) nor a loader-provided value (LINUX_KERNEL_VERSION, LINUX_HAS_BPF_COOKIE, LINUX_HAS_SYSCALL_WRAPPER).");
        var (kind, signed) = Classify(btf, declaration.TypeId)
            ?? throw new BpfExternException(name, $"{objectName}: __kconfig extern '{name}' has type {Describe(btf, declaration.TypeId)}, which no config value fills. " +
                "Use bool, enum libbpf_tristate, char, an integer of 1, 2, 4 or 8 bytes, or a char array (for strings).");
        uint declaredSize = btf.SizeOf(declaration.TypeId);
        if (declaredSize > MaxKconfigSize || end + declaredSize > MaxKconfigSize)
            throw new BpfExternException(name, $"{objectName}: __kconfig extern '{name}' is {declaredSize} bytes, which takes the .kconfig values past {MaxKconfigSize} bytes; config values are short.");
        int size = (int)declaredSize;
        int align = Math.Min(8, Math.Max(1, (int)btf.AlignOf(declaration.TypeId)));
        int offset = (end + align - 1) / align * align;
        end = offset + size;
        return new BpfExtern(name, ExternKind.Kconfig, weak, declaration.Id) { ValueKind = kind, IsSigned = signed, Offset = offset, Size = size };
    }

    /// <summary>What a config value can be stored as in this C type, or null when nothing fits (libbpf's rules).</summary>
    internal static (KconfigValueKind Kind, bool Signed)? Classify(Btf.Btf btf, uint typeId)
    {
        var type = btf.SkipModifiersAndTypedefs(typeId);
        switch (type.Kind)
        {
            case BtfKind.Int:
                if ((type.IntEncoding & BtfIntEncoding.Bool) != 0)
                    return type.Size == 1 ? (KconfigValueKind.Bool, false) : null;
                bool signed = (type.IntEncoding & BtfIntEncoding.Signed) != 0;
                if (type.Size == 1)
                    return (KconfigValueKind.Char, signed);
                return type.Size is 2 or 4 or 8 ? (KconfigValueKind.Integer, signed) : null;
            case BtfKind.Enum or BtfKind.Enum64 when type.Name == "libbpf_tristate" && type.Size == 4:
                return (KconfigValueKind.Tristate, false);
            case BtfKind.Array when type.Array.Count > 0 && Classify(btf, type.Array.ElementTypeId) is { Kind: KconfigValueKind.Char }:
                return (KconfigValueKind.CharArray, false);
            default:
                return null;
        }
    }

    private static string Describe(Btf.Btf btf, uint typeId)
    {
        var type = btf.SkipModifiersAndTypedefs(typeId);
        return type.Kind == BtfKind.Ptr ? "a pointer" : type.IsAnonymous ? $"an anonymous {type.Kind}" : $"{type.Kind} '{type.Name}'";
    }
}
