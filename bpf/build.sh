#!/usr/bin/env bash
# Compiles Nectar's BPF programs with THE one pinned compiler and flag set (see bpf/README.md).
# Usage: bpf/build.sh [path/to/x.bpf.c ...]   (no argument: every *.bpf.c in the repository)
# Run from anywhere; paths are made relative to the repository root, because the output embeds
# the source path (DWARF, BTF line info) and must be byte-identical in any checkout directory.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

CLANG=${NECTAR_CLANG:-clang-16}
# The flags, written down once. -fdebug-compilation-dir=. keeps the checkout path out of DWARF;
# relative source and include paths keep it out of everything else.
# -idirafter the multiarch include dir lets programs include <linux/*.h> uapi headers (asm/types.h).
FLAGS=(-g -O2 -target bpf -D__TARGET_ARCH_x86 -I bpf/include -idirafter /usr/include/x86_64-linux-gnu -fdebug-compilation-dir=. -fno-ident)

if ! command -v "$CLANG" >/dev/null; then
  echo "bpf/build.sh: $CLANG not found; install it with: apt-get install clang-16 llvm-16" >&2
  exit 1
fi

sources=("$@")
if [ ${#sources[@]} -eq 0 ]; then
  mapfile -t sources < <(git ls-files --cached --others --exclude-standard '*.bpf.c' 2>/dev/null || find . -name '*.bpf.c' -not -path './*/bin/*' -not -path './*/obj/*' | sed 's|^\./||')
fi

for source in "${sources[@]}"; do
  source="$(realpath --relative-to="$root" "$source")"
  object="${source%.c}.o"
  "$CLANG" "${FLAGS[@]}" -c "$source" -o "$object"
  echo "bpf/build.sh: $source -> $object"
done
