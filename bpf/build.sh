#!/usr/bin/env bash
# Compiles Nectar's BPF programs with THE one pinned compiler and flag set (see bpf/README.md).
# Usage: bpf/build.sh [path/to/x.bpf.c ...]   (no argument: every *.bpf.c in the repository)
# Run from anywhere; paths are made relative to the repository root, because the output embeds
# the source path (DWARF, BTF line info) and must be byte-identical in any checkout directory.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# The repository's committed objects are clang-16's (bpf/check-objects.sh compares them byte for
# byte), so this script pins it; the flags are bpf/compile.sh's, shared with <BpfProgram> builds.
export NECTAR_CLANG=${NECTAR_CLANG:-clang-16}

if ! command -v "$NECTAR_CLANG" >/dev/null; then
  echo "bpf/build.sh: $NECTAR_CLANG not found; install it with: apt-get install clang-16 llvm-16" >&2
  exit 1
fi

sources=("$@")
if [ ${#sources[@]} -eq 0 ]; then
  mapfile -t sources < <(git ls-files --cached --others --exclude-standard '*.bpf.c' 2>/dev/null || find . -name '*.bpf.c' -not -path './*/bin/*' -not -path './*/obj/*' | sed 's|^\./||')
fi

for source in "${sources[@]}"; do
  source="$(realpath --relative-to="$root" "$source")"
  object="${source%.c}.o"
  bash bpf/compile.sh "$source" "$object"
  echo "bpf/build.sh: $source -> $object"
done
