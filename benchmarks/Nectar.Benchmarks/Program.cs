using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Nectar.Benchmarks.RingDecodeBenchmarks).Assembly).Run(args);
