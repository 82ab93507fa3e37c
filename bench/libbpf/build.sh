#!/usr/bin/env bash
# Builds the libbpf oracles of `nectar bench` (ringbuf, attach, load) into bench/libbpf/out/.
# Needs a C compiler and libbpf-dev (apt-get install gcc libbpf-dev). Benchmarks only: Nectar
# itself never links libbpf.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$here/out"
CC=${CC:-cc}
for name in ringbuf attach load; do
  [ -f "$here/$name.c" ] || continue
  "$CC" -O2 -Wall -Wextra -o "$here/out/$name" "$here/$name.c" -lbpf -lelf -lz -lpthread
  echo "bench/libbpf/build.sh: $here/out/$name"
done
