using System.Buffers.Binary;
using Nectar.Elf;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Tests.Programs;

/// <summary>How the linker places callbacks (ld_imm64 of a function's address) and rewrites the loads.</summary>
public class CallbackLinkTests
{
    [Fact]
    public void Static_callbacks_are_placed_once_and_loaded_as_pseudo_func_offsets()
    {
        var program = BpfObjectSpec.Read(BpfObjects.PathOf("callbacks")).Programs["run_callbacks"];
        // add_index is named twice and square is called by the program: each is placed once.
        Assert.Equal(["run_callbacks", "add_index", "read_tgid", "add_element", "square"], program.Layout.Select(l => l.Function.Name));

        var loads = FunctionLoads(program);
        Assert.Equal(["add_index", "add_index", "read_tgid", "add_element"], loads.Select(l => l.Target));
        Assert.All(loads, l => Assert.Equal(0, program.Instructions[l.Index + 1].Immediate));
        // The maps and variables' ld_imm64 are untouched: they are map references, not callbacks.
        Assert.DoesNotContain(program.MapReferences, r => loads.Any(l => l.Index == r.Instruction));
    }

    [Fact]
    public void A_callback_that_calls_a_subprogram_brings_the_subprogram_along()
    {
        var program = BpfObjectSpec.Read(BpfObjects.PathOf("callbacks")).Programs["sum_squares"];
        Assert.Equal(["sum_squares", "add_square", "square"], program.Layout.Select(l => l.Function.Name));
        Assert.Equal(["add_square"], FunctionLoads(program).Select(l => l.Target));
        int square = program.Layout.Single(l => l.Function.Name == "square").Start;
        int call = Array.FindIndex(program.Instructions, i => i.IsBpfToBpfCall);
        Assert.Equal(square, call + 1 + program.Instructions[call].Immediate);
    }

    [Fact]
    public void Callbacks_in_another_code_section_or_named_by_their_own_symbol_are_placed()
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("callback_sections"));
        var elsewhere = spec.Programs["loop_elsewhere"];
        Assert.Equal([("loop_elsewhere", "raw_tp/sys_enter"), ("add_index_elsewhere", ".text.callbacks")],
            elsewhere.Layout.Select(l => (l.Function.Name, l.Function.Section.Name)));
        Assert.Equal(["add_index_elsewhere"], FunctionLoads(elsewhere).Select(l => l.Target));
        // A static function outside .text is a subprogram, not a program.
        Assert.Equal(["loop_elsewhere", "loop_global"], spec.Programs.Keys.Order());

        // A global function: the relocation names its symbol, not the section.
        var global = spec.Programs["loop_global"];
        Assert.Equal(["loop_global", "add_index_global"], global.Layout.Select(l => l.Function.Name));
        Assert.Equal(["add_index_global"], FunctionLoads(global).Select(l => l.Target));
    }

    [Fact]
    public void A_function_address_in_no_function_names_the_program_instruction_and_section()
    {
        var (image, instruction, text) = WithCallbackOffset(text => (int)text.Size);
        var error = Assert.Throws<ElfException>(() => BpfObjectSpec.Parse(image, "callbacks"));
        Assert.Equal($"run_callbacks: the ld_imm64 at instruction {instruction} of section 'raw_tp/sys_enter' takes the address of instruction {text.Size / 8} of section '.text', which is in no function.", error.Message);
    }

    [Fact]
    public void A_function_address_between_instructions_is_refused()
    {
        var (image, instruction, _) = WithCallbackOffset(_ => 0x74);
        var error = Assert.Throws<ElfException>(() => BpfObjectSpec.Parse(image, "callbacks"));
        Assert.Contains($"run_callbacks: the ld_imm64 at instruction {instruction} of section 'raw_tp/sys_enter'", error.Message);
        Assert.Contains("byte 116 of section '.text'", error.Message);
        Assert.Contains("not the start of an instruction", error.Message);
    }

    /// <summary>The ld_imm64 instructions of a linked program that load a function's address, and the function each lands on.</summary>
    private static List<(int Index, string Target)> FunctionLoads(ProgramSpec program)
    {
        var loads = new List<(int, string)>();
        for (int i = 0; i < program.Instructions.Length; i++)
        {
            var instruction = program.Instructions[i];
            if (!instruction.IsLoadImm64 || instruction.SourceRegister != BpfInstruction.PseudoFunc)
                continue;
            int target = i + 1 + instruction.Immediate;
            // A callback's address is the first instruction of a placed function.
            var placed = Assert.Single(program.Layout, l => l.Start == target);
            loads.Add((i, placed.Function.Name));
            i++;
        }
        return loads;
    }

    /// <summary>
    /// callbacks.bpf.o with the first static callback's address (the byte offset in .text that the
    /// ld_imm64 carries) changed; returns the image, the ld_imm64's index in its section, and .text.
    /// </summary>
    private static (byte[] Image, int Instruction, ElfSection Text) WithCallbackOffset(Func<ElfSection, int> offset)
    {
        byte[] image = File.ReadAllBytes(BpfObjects.PathOf("callbacks"));
        var elf = ElfFile.Parse(image, "callbacks");
        var section = elf.FindSection("raw_tp/sys_enter")!;
        var text = elf.FindSection(".text")!;
        var relocation = elf.RelocationsFor(section).First(r => r.Symbol.Type == ElfSymbolType.Section && r.Symbol.SectionIndex == text.Index);
        BinaryPrimitives.WriteInt32LittleEndian(image.AsSpan((int)(section.Offset + relocation.Offset) + 4), offset(text));
        return (image, (int)(relocation.Offset / 8), text);
    }
}
