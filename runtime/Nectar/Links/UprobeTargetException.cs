namespace Nectar.Links;

/// <summary>What is wrong with a uprobe's target.</summary>
public enum UprobeTargetProblem
{
    /// <summary>The section's "PATH:FUNC[+OFFSET]" does not parse.</summary>
    BadSyntax,
    /// <summary>No such binary, or a library name not found on the search path.</summary>
    BinaryNotFound,
    /// <summary>The binary is not a readable ELF64 little-endian file.</summary>
    NotElf,
    /// <summary>The binary has neither .symtab nor .dynsym functions (stripped).</summary>
    NoSymbols,
    /// <summary>No function of that name.</summary>
    FunctionNotFound,
    /// <summary>Several functions of that name at different addresses.</summary>
    AmbiguousFunction,
    /// <summary>The function's address lies in no executable PT_LOAD segment.</summary>
    NotInCode,
}

/// <summary>A uprobe cannot be placed: the message names the binary or function and the fix.</summary>
public sealed class UprobeTargetException : ArgumentException
{
    public UprobeTargetException(UprobeTargetProblem problem, string message, Exception? inner = null) : base(message, inner)
    {
        Problem = problem;
    }

    public UprobeTargetProblem Problem { get; }
}
