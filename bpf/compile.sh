#!/usr/bin/env bash
# Compiles ONE BPF program with Nectar's one flag set. bpf/build.sh (this repository's objects) and
# the <BpfProgram> build (build/Nectar.Bpf.targets, in this repository and in the package) both
# call it, so an object compiles to the same bytes whichever way it is built.
#
# Usage: compile.sh [options] SOURCE.c OBJECT.o     (paths as they should appear in the object:
#                                                     relative ones keep the checkout path out of it)
#   --clang NAME|PATH   the compiler (default: $NECTAR_CLANG, else clang on PATH, else the newest
#                       clang-N on PATH); it must be clang 16 or newer
#   -I DIR              Nectar's headers (default: bpf/include)
#   --deps FILE         also write the files the object was built from, one absolute path a line
#                       (from clang -MD), so that a build tool can rebuild when any of them changes
#   --optional          with no usable clang, keep the existing object (saying so) and exit 0
#   --msbuild           diagnostics in MSBuild's canonical form: absolute paths,
#                       FILE(LINE,COL): error|warning CODE: TEXT, where CODE is clang's warning
#                       option (Wunused-variable) or "clang" for an error that has none
# Exit status: clang's; 3 when no usable clang is found (the message says which and why).
set -euo pipefail

clang="${NECTAR_CLANG:-}"
include=bpf/include
deps=
msbuild=
optional=
while [ $# -gt 0 ]; do
  case "$1" in
    --clang) clang="$2"; shift 2 ;;
    -I) include="$2"; shift 2 ;;
    --deps) deps="$2"; shift 2 ;;
    --msbuild) msbuild=1; shift ;;
    --optional) optional=1; shift ;;
    --) shift; break ;;
    -*) echo "compile.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ $# -ne 2 ]; then
  echo "usage: compile.sh [--clang CLANG] [-I DIR] [--deps FILE] [--msbuild] SOURCE.c OBJECT.o" >&2
  exit 2
fi
source="$1"
object="$2"

# In MSBuild form a problem is an error line that names the property to set.
fail() {
  if [ -n "$optional" ]; then echo "Nectar: $1 Using the existing $object as it is."; exit 0; fi
  if [ -n "$msbuild" ]; then echo "$(realpath -m "$source")(1,1): error NECTAR100: $1" >&2
  else echo "compile.sh: $1" >&2; fi
  exit 3
}

major_of() { "$1" --version 2>/dev/null | sed -n 's/.*clang version \([0-9][0-9]*\)\..*/\1/p' | head -1; }

if [ -z "$clang" ]; then
  # clang itself if it is new enough, else the newest versioned clang-N on PATH.
  if command -v clang >/dev/null && [ "$(major_of clang)" -ge 16 ] 2>/dev/null; then
    clang=clang
  else
    for n in $(compgen -c clang- | sed -n 's/^clang-\([0-9][0-9]*\)$/\1/p' | sort -rn -u); do
      if [ "$n" -ge 16 ]; then clang="clang-$n"; break; fi
    done
  fi
  [ -n "$clang" ] || fail "no clang 16 or newer on PATH to compile $source: install one (apt-get install clang-16 llvm-16 libbpf-dev) or set the NectarClang property (NECTAR_CLANG for bpf/build.sh) to the compiler's path."
fi
command -v "$clang" >/dev/null || fail "the BPF compiler '$clang' (NectarClang) is not found: install it or set NectarClang to the path of clang 16 or newer."
major="$(major_of "$clang")"
if [ -z "$major" ] || [ "$major" -lt 16 ]; then
  fail "'$clang' (NectarClang) is ${major:+clang $major, }not clang 16 or newer, which Nectar's BPF programs need (BTF type tags, CO-RE): install clang-16 or newer and set NectarClang to it."
fi

# The flags, written down once. -fdebug-compilation-dir=. keeps the checkout path out of DWARF;
# relative source and include paths keep it out of everything else.
# -idirafter the multiarch include dir lets programs include <linux/*.h> uapi headers (asm/types.h).
FLAGS=(-g -O2 -target bpf -D__TARGET_ARCH_x86 -I "$include" -idirafter /usr/include/x86_64-linux-gnu -fdebug-compilation-dir=. -fno-ident)

extra=()
depfile=
if [ -n "$deps" ]; then
  depfile="$(mktemp "${TMPDIR:-/tmp}/nectar-bpf-deps.XXXXXX")"
  trap 'rm -f "$depfile"' EXIT
  extra+=(-MD -MF "$depfile")
fi
if [ -n "$msbuild" ]; then
  extra+=(-fdiagnostics-format=msvc -fdiagnostics-absolute-paths -fno-color-diagnostics)
fi

set +e
if [ -n "$msbuild" ]; then
  # FILE(L,C): error: TEXT [-Wflag]  ->  FILE(L,C): error Wflag: TEXT   (flagless: code "clang")
  "$clang" "${FLAGS[@]}" "${extra[@]}" -c "$source" -o "$object" 2>&1 | sed -E \
    -e 's/^(.*\([0-9]+,[0-9]+\)): (error|warning): (.*) \[-(W[^],]*)(,[^]]*)?\]$/\1: \2 \4: \3/' \
    -e 't' \
    -e 's/^(.*\([0-9]+,[0-9]+\)): (fatal error|error|warning): /\1: \2 clang: /' \
    -e 's/^(.*\([0-9]+,[0-9]+\)): fatal error clang: /\1: error clang: /' >&2
  status=${PIPESTATUS[0]}
else
  "$clang" "${FLAGS[@]}" "${extra[@]}" -c "$source" -o "$object"
  status=$?
fi
set -e
[ "$status" -eq 0 ] || exit "$status"

if [ -n "$deps" ]; then
  # clang's make rule "object: dep dep \" -> one absolute path a line (escaped spaces kept).
  sed -e '1s/^[^:]*: *//' -e 's/\\$//' -e 's/\\ /\x01/g' "$depfile" | tr -s ' \t' '\n\n' | sed -e '/^$/d' | tr '\001' ' ' \
    | while IFS= read -r dep; do realpath -m "$dep"; done > "$deps"
fi
