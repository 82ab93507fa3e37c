#!/bin/sh
# Compiles BPF objects with the one pinned command, so committed .bpf.o files are byte-reproducible.
# Usage: bpf/build.sh [NAME...]   (no NAME: every bpf/*.bpf.c). Runs from the repository root.
set -eu
cd "$(dirname "$0")/.."
if [ "$#" -eq 0 ]; then
    set -- $(for source in bpf/*.bpf.c; do basename "$source" .bpf.c; done)
fi
for name in "$@"; do
    clang-16 -g -O2 -target bpf -D__TARGET_ARCH_x86 -I bpf/include -fdebug-compilation-dir=. -c "bpf/$name.bpf.c" -o "bpf/$name.bpf.o"
    echo "bpf/$name.bpf.o"
done
