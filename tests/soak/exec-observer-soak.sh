#!/usr/bin/env bash
# Soak: the exec observer sample under an exec storm for N minutes. Prints, every 10 s, the
# observer's RSS, CPU time, execs and its managed heap (the sample's NECTAR_MEMORY_REPORT lines);
# then events/s, CPU per event, drops, the count check (every exec the storm made is either logged
# or counted as dropped) and the memory verdict: RSS after warm-up must stay flat.
#
#   sudo tests/soak/exec-observer-soak.sh [MINUTES (10)] [STORM LOOPS (2)]
#
# Warm-up is the first fifth of the run, at least 60 s: the GC's gen0 budget fills once (the
# sample caps its heap, which bounds that budget; see samples/ExecObserver/ExecObserver.csproj).
# After it, RSS is flat when the mean of the last three samples exceeds the mean of the first three
# by less than SOAK_RSS_TOLERANCE_KIB (default 2048: a gen0 region more or less). Exit 0 when both
# checks pass, 1 when one fails.
#
# Needs root (or CAP_BPF and CAP_PERFMON). The observer attaches only a raw tracepoint, which does
# not collide with other tests' attachments, so it may run beside them without the kernel test lock.
set -euo pipefail

minutes=${1:-10}
loops=${2:-2}
tolerance=${SOAK_RSS_TOLERANCE_KIB:-2048}
root=$(cd "$(dirname "$0")/../.." && pwd)
sample=$root/samples/ExecObserver/bin/Release/net10.0/ExecObserver.dll
[ -f "$sample" ] || dotnet build -c Release "$root/samples/ExecObserver" >/dev/null
work=$(mktemp -d /tmp/nectar-soak.XXXXXX)
trap 'touch "$work/stop"; kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cp /bin/true "$work/soak-true"
storm="$work/soak-true"
mkfifo "$work/lines"

echo "machine: $(nproc) CPUs, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg) at start; $minutes min, $loops storm loop(s)"

# The observer's standard output goes to a counter: all lines, and the storm's.
awk -v p="linux_binprm.filename: $storm," 'index($0, p) { m++ } END { print NR + 0, m + 0 }' <"$work/lines" >"$work/counted" &
counter=$!
NECTAR_MEMORY_REPORT=10 dotnet "$sample" --mode raw >"$work/lines" 2>"$work/err" &
pid=$!
for _ in $(seq 600); do grep -q "attached" "$work/err" 2>/dev/null && break; sleep 0.1; done
grep -q "attached" "$work/err" || { cat "$work/err"; exit 1; }

ticks=$(getconf CLK_TCK)
cpu() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$pid/status"; }
# The newest memory report's field NAME (the sample writes one every 10 s).
report() { grep "memory:" "$work/err" | tail -1 | awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'; }
cpu0=$(cpu)
start=$(date +%s.%N)

for t in $(seq "$loops"); do
  ( n=0; while [ ! -e "$work/stop" ]; do "$storm"; n=$((n + 1)); done; echo "$n" >"$work/count.$t" ) &
done

warmup=$(( minutes * 60 / 5 < 60 ? 60 : minutes * 60 / 5 ))
echo "time_s rss_kib cpu_s execs gc_heap_kib gc_committed_kib gen0_gcs load1"
end=$(( $(date +%s) + minutes * 60 ))
while [ "$(date +%s)" -lt "$end" ]; do
  sleep 10
  elapsed=$(echo "$(date +%s.%N) - $start" | bc)
  kib=$(rss)
  printf '%6.0f %7d %6.2f %8s %8s %8s %5s %5s\n' "$elapsed" "$kib" "$(echo "($(cpu) - $cpu0) / $ticks" | bc -l)" \
    "$(report execs)" "$(report gc_heap_kib)" "$(report gc_committed_kib)" "$(report gc_gen0)" "$(cut -d' ' -f1 /proc/loadavg)"
  if [ "$(printf '%.0f' "$elapsed")" -ge "$warmup" ]; then echo "$kib" >>"$work/rss-after-warmup"; fi
done
touch "$work/stop"
for t in $(seq "$loops"); do while [ ! -s "$work/count.$t" ]; do sleep 0.1; done; done
stormed=$(cat "$work"/count.* | awk '{ s += $1 } END { print s }')
sleep 1
cpu_total=$(echo "($(cpu) - $cpu0) / $ticks" | bc -l)
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
kill -TERM "$pid"
wait "$pid" && status=0 || status=$?
wait "$counter"
read -r lines seen <"$work/counted"
final=$(grep "detached after" "$work/err" || true)
observed=$(echo "$final" | sed -n 's/.*after \([0-9]*\) exec(s) observed.*/\1/p')
dropped=$(echo "$final" | sed -n 's/.*written, \([0-9]*\) dropped.*/\1/p')
reports=$(grep -c "dropped since the last report" "$work/err" || true)

echo "observer exit code: $status; $final"
printf 'duration: %.0f s; storm execs: %d; all execs observed: %d (%.0f/s); lines written: %d\n' "$elapsed" "$stormed" "$observed" "$(echo "$observed / $elapsed" | bc -l)" "$lines"
printf 'CPU: %.2f s = %.1f us per event; load average at the end %s\n' "$cpu_total" "$(echo "$cpu_total * 1000000 / ($observed + 1)" | bc -l)" "$(cut -d' ' -f1-3 /proc/loadavg)"
echo "drops: $dropped (reported while running in $reports warning(s))"
missing=$((stormed - seen))
echo "count check: $seen of $stormed storm execs logged, $missing missing, $dropped dropped in all"
verdict=0
if [ "$missing" -gt "${dropped:-0}" ]; then echo "FAIL: $missing storm execs neither logged nor counted dropped"; verdict=1; else echo "OK: every storm exec logged or counted dropped"; fi

samples=$(wc -l <"$work/rss-after-warmup" 2>/dev/null || echo 0)
if [ "$samples" -lt 6 ]; then
  echo "memory: only $samples RSS sample(s) after the ${warmup} s warm-up; run longer for a verdict"
else
  read -r first last low high < <(awk '{ r[NR] = $1 } END {
      f = (r[1] + r[2] + r[3]) / 3; l = (r[NR - 2] + r[NR - 1] + r[NR]) / 3; lo = hi = r[1]
      for (i = 1; i <= NR; i++) { if (r[i] < lo) lo = r[i]; if (r[i] > hi) hi = r[i] }
      printf "%.0f %.0f %d %d\n", f, l, lo, hi }' "$work/rss-after-warmup")
  growth=$((last - first))
  echo "memory after the ${warmup} s warm-up ($samples samples): RSS $first -> $last KiB (growth $growth KiB, range $low-$high KiB)"
  if [ "$growth" -lt "$tolerance" ]; then echo "OK: RSS flat after warm-up (growth under $tolerance KiB)"; else echo "FAIL: RSS grew $growth KiB after warm-up"; verdict=1; fi
fi
exit "$verdict"
