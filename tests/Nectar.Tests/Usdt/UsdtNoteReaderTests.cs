using System.Globalization;
using System.Text.RegularExpressions;
using Nectar.Elf;
using Nectar.Links;
using Nectar.Testing;
using Nectar.Usdt;

namespace Nectar.Tests.Usdt;

/// <summary>
/// The stapsdt note reader: notes written by hand (every field, the base adjustment, notes of
/// other owners skipped), corrupt and fuzzed sections (a typed error, never a crash), and the
/// notes of a program gcc builds with sys/sdt.h, against GNU readelf's reading of them.
/// </summary>
public partial class UsdtNoteReaderTests
{
    [Fact]
    public void Reads_every_field_and_skips_notes_of_other_owners_and_types()
    {
        byte[] section = [
            .. UsdtNotes.Note(0x11ef, 0x200e, 0, "nectar", "args", "-4@%eax 8@-8(%rbp)"),
            .. UsdtNotes.Note(0x1, 0, 0, "x", "y", "", owner: "GNU"),
            .. UsdtNotes.Note(0x2, 0, 0, "x", "y", "", type: 1),
            .. UsdtNotes.Note(0x121c, 0x200e, 0x4020, "nectar", "gated", ""),
        ];
        var notes = UsdtNoteReader.Parse(section, stapsdtBase: 0x200e, "test");
        Assert.Equal(2, notes.Count);
        Assert.Equal(new UsdtNote("nectar", "args", 0x11ef, 0x200e, 0, "-4@%eax 8@-8(%rbp)"), notes[0]);
        Assert.Equal(new UsdtNote("nectar", "gated", 0x121c, 0x200e, 0x4020, ""), notes[1]);
        Assert.Equal("nectar:gated", notes[1].FullName);
    }

    [Fact]
    public void A_moved_stapsdt_base_moves_the_probe_address_with_it_and_a_missing_one_leaves_it()
    {
        byte[] section = UsdtNotes.Note(0x11ef, 0x200e, 0x4020, "p", "n", "");
        Assert.Equal(0x11ef + 0x1000UL, UsdtNoteReader.Parse(section, 0x300e, "test")[0].Address);
        Assert.Equal(0x11efUL, UsdtNoteReader.Parse(section, null, "test")[0].Address);
        Assert.Equal(0x4020UL, UsdtNoteReader.Parse(section, 0x300e, "test")[0].SemaphoreAddress); // as libbpf: the semaphore is not moved
    }

    [Theory]
    [InlineData(5, "a note header needs 12 bytes")]
    [InlineData(30, "run past the section")]
    public void A_truncated_section_is_a_corrupt_note_error_naming_the_offset(int length, string expected)
    {
        byte[] section = UsdtNotes.Note(0x11ef, 0, 0, "nectar", "args", "-4@%eax");
        var error = Assert.Throws<UsdtException>(() => UsdtNoteReader.Parse(section.AsSpan(0, length), null, "bin"));
        Assert.Equal(UsdtProblem.CorruptNote, error.Problem);
        Assert.Contains("offset 0", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Strings_without_their_NUL_and_a_short_descriptor_are_corrupt_notes()
    {
        byte[] section = UsdtNotes.Note(0x11ef, 0, 0, "nectar", "args", "-4@%eax");
        // Shrink the descriptor size so the last string loses its NUL.
        byte[] cut = (byte[])section.Clone();
        cut[4] -= 1;
        var error = Assert.Throws<UsdtException>(() => UsdtNoteReader.Parse(cut, null, "bin"));
        Assert.Contains("argument specs is not NUL-terminated", error.Message);

        byte[] shortDescriptor = (byte[])section.Clone();
        shortDescriptor[4] = 20;
        Assert.Contains("fewer than the three 8-byte addresses",
            Assert.Throws<UsdtException>(() => UsdtNoteReader.Parse(shortDescriptor, null, "bin")).Message);
    }

    [Fact]
    public void Fuzzed_sections_parse_or_fail_with_a_UsdtException_and_nothing_else()
    {
        byte[] valid = [.. UsdtNotes.Note(0x11ef, 0x200e, 0, "nectar", "args", "-1@%al -2@%dx 8@-8(%rbp) -4@$5"),
                        .. UsdtNotes.Note(0x121c, 0x200e, 0x4020, "nectar", "gated", "-4@%edi")];
        var random = new Random(1414);
        int failures = 0;
        for (int round = 0; round < 20_000; round++)
        {
            byte[] mutated = (byte[])valid.Clone();
            for (int flips = random.Next(1, 5); flips > 0; flips--)
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            int length = random.Next(4) == 0 ? random.Next(mutated.Length + 1) : mutated.Length;
            try
            {
                foreach (var note in UsdtNoteReader.Parse(mutated.AsSpan(0, length), 0x200e, "fuzz"))
                {
                    try
                    {
                        UsdtArgument.ParseAll(note.Arguments, note.FullName);
                    }
                    catch (UsdtException e)
                    {
                        Assert.Equal(UsdtProblem.BadArgument, e.Problem);
                    }
                }
            }
            catch (UsdtException e)
            {
                Assert.Equal(UsdtProblem.CorruptNote, e.Problem);
                failures++;
            }
        }
        Assert.True(failures > 0, "some mutations should corrupt the notes");
    }

    [OracleFact(Oracle.SdtCompiler)]
    public void The_notes_of_a_gcc_built_program_match_GNU_readelf()
    {
        var elf = NativeElfFile.Read(UsdtTarget.Path);
        var ours = UsdtNoteReader.Read(elf, UsdtTarget.Path);
        var result = Processes.Run("readelf", ["-n", UsdtTarget.Path]);
        Assert.Equal(0, result.ExitCode);
        var theirs = ReadelfNote().Matches(result.Output).Select(m => new UsdtNote(m.Groups["provider"].Value, m.Groups["name"].Value,
            Hex(m.Groups["location"].Value), Hex(m.Groups["base"].Value), Hex(m.Groups["semaphore"].Value), m.Groups["arguments"].Value.Trim())).ToList();
        Assert.Equal(3, theirs.Count);
        Assert.Equal(theirs, ours);
        Assert.Equal(["nectar:args", "nectar:consts", "nectar:gated"], ours.Select(n => n.FullName));
        Assert.NotEqual(0UL, ours[2].SemaphoreAddress);

        // Every argument of the three probes is one bpf_usdt_arg() can read, and each site maps to code.
        foreach (var note in ours)
        {
            Assert.NotNull(elf.FileOffsetOf(note.Address));
            Assert.NotEmpty(UsdtArgument.ParseAll(note.Arguments, note.FullName));
        }
        Assert.NotNull(elf.DataFileOffsetOf(ours[2].SemaphoreAddress));
        Assert.Single(UsdtLink.FindSites(elf, UsdtTarget.Path, "nectar", "gated"));
    }

    private static ulong Hex(string text) => ulong.Parse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Provider: (?<provider>\S+)\s+Name: (?<name>\S+)\s+Location: 0x(?<location>[0-9a-f]+), Base: 0x(?<base>[0-9a-f]+), Semaphore: 0x(?<semaphore>[0-9a-f]+)\s+Arguments: (?<arguments>[^\n]*)")]
    private static partial Regex ReadelfNote();
}
