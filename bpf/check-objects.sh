#!/usr/bin/env bash
# Proves that every committed BPF object is exactly what its source compiles to: copies the
# committed tree into a scratch directory (so the checkout path differs), recompiles every
# *.bpf.c there with bpf/build.sh, and compares byte for byte. Fails, naming the object, when
# one differs, when an object has no source, or when a source has no committed object.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

scratch="$(mktemp -d /tmp/nectar-objcheck.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT
git ls-files -z | xargs -0 -I{} cp --parents {} "$scratch/" 2>/dev/null || true
# The objects must come from the build, not the copy.
find "$scratch" -name '*.bpf.o' -delete

# templates/ holds C that `dotnet new` copies into a user's project, built there, never committed as an object.
mapfile -t objects < <(git ls-files '*.bpf.o' ':!templates/')
mapfile -t sources < <(git ls-files '*.bpf.c' ':!templates/')
status=0
for object in "${objects[@]}"; do
  if [ ! -f "${object%.o}.c" ]; then
    echo "check-objects: $object has no source (${object%.o}.c is not committed)" >&2
    status=1
  fi
done
if [ ${#sources[@]} -gt 0 ]; then
  (cd "$scratch" && bash bpf/build.sh "${sources[@]}" >/dev/null)
fi
for source in "${sources[@]}"; do
  object="${source%.c}.o"
  if [ ! -f "$object" ]; then
    echo "check-objects: $source has no committed object ($object); run bpf/build.sh $source and commit it" >&2
    status=1
  elif ! cmp -s "$object" "$scratch/$object"; then
    echo "check-objects: $object differs from what $source compiles to; rebuild with bpf/build.sh $source and commit it" >&2
    status=1
  fi
done
if [ $status -eq 0 ]; then
  echo "check-objects: ${#objects[@]} BPF object(s) match their sources ($(clang-16 --version | head -1))"
fi
exit $status
