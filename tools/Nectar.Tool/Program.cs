using System.CommandLine;
using Nectar.Tool;

RootCommand root = NectarCommand.Create();
return root.Parse(args).Invoke();
