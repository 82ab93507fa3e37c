#!/usr/bin/env bash
# Soak: the exec observer sample under an exec storm for N minutes. Prints, every 10 s, the RSS
# and CPU time of the observer, then events/s, CPU per event, drops, and the count check: every
# exec the storm made is either logged or counted as dropped.
#
#   sudo tests/soak/exec-observer-soak.sh [MINUTES (10)] [STORM LOOPS (2)]
#
# Needs root (or CAP_BPF and CAP_PERFMON); attaches a program, so on a shared machine run it
# under the kernel test lock: flock /tmp/nectar-kernel.lock tests/soak/exec-observer-soak.sh 2
set -euo pipefail

minutes=${1:-10}
loops=${2:-2}
root=$(cd "$(dirname "$0")/../.." && pwd)
sample=$root/samples/ExecObserver/bin/Release/net10.0/ExecObserver.dll
[ -f "$sample" ] || dotnet build -c Release "$root/samples/ExecObserver" >/dev/null
work=$(mktemp -d /tmp/nectar-soak.XXXXXX)
trap 'touch "$work/stop"; kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cp /bin/true "$work/soak-true"
storm="$work/soak-true"
mkfifo "$work/lines"

# The observer's standard output goes to a counter: all lines, and the storm's.
awk -v p="linux_binprm.filename: $storm," 'index($0, p) { m++ } END { print NR + 0, m + 0 }' <"$work/lines" >"$work/counted" &
counter=$!
dotnet "$sample" --mode raw >"$work/lines" 2>"$work/err" &
pid=$!
for _ in $(seq 600); do grep -q "attached" "$work/err" 2>/dev/null && break; sleep 0.1; done
grep -q "attached" "$work/err" || { cat "$work/err"; exit 1; }

ticks=$(getconf CLK_TCK)
cpu() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$pid/status"; }
cpu0=$(cpu)
start=$(date +%s.%N)

for t in $(seq "$loops"); do
  ( n=0; while [ ! -e "$work/stop" ]; do "$storm"; n=$((n + 1)); done; echo "$n" >"$work/count.$t" ) &
done

echo "time_s rss_kib cpu_s"
end=$(( $(date +%s) + minutes * 60 ))
while [ "$(date +%s)" -lt "$end" ]; do
  sleep 10
  printf '%6.0f %7d %6.2f\n' "$(echo "$(date +%s.%N) - $start" | bc)" "$(rss)" "$(echo "($(cpu) - $cpu0) / $ticks" | bc -l)"
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
printf 'CPU: %.2f s = %.1f us per event\n' "$cpu_total" "$(echo "$cpu_total * 1000000 / ($observed + 1)" | bc -l)"
echo "drops: $dropped (reported while running in $reports warning(s))"
missing=$((stormed - seen))
echo "count check: $seen of $stormed storm execs logged, $missing missing, $dropped dropped in all"
if [ "$missing" -gt "${dropped:-0}" ]; then echo "FAIL: $missing storm execs neither logged nor counted dropped"; exit 1; fi
echo "OK: every storm exec logged or counted dropped"
