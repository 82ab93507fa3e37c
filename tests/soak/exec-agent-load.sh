#!/usr/bin/env bash
# The exec agent (samples/ExecAgent) under an exec storm: its CPU and RSS, the scrape latency of its
# Prometheus endpoint, and the count check (every storm exec counted under its comm, or dropped).
#
#   sudo tests/soak/exec-agent-load.sh [SECONDS (30)] [STORM PROCESSES (4)] [AGENT ARGS...]
#
# The storm is exec-storm.c (vfork+execve in a loop) of exec-tiny.c (no libc), built with gcc.
# Attaches a program: on a shared machine run it under the kernel test lock.
set -euo pipefail
seconds=${1:-30}
processes=${2:-4}
shift 2 || true
root=$(cd "$(dirname "$0")/../.." && pwd)
agent=$root/samples/ExecAgent/bin/Release/net10.0/ExecAgent.dll
[ -f "$agent" ] || dotnet build -c Release "$root/samples/ExecAgent" >/dev/null
work=$(mktemp -d /tmp/nectar-agent-load.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
gcc -O2 -o "$work/exec-storm" "$root/tests/soak/exec-storm.c"
gcc -O2 -static -nostdlib -o "$work/xstorm" "$root/tests/soak/exec-tiny.c"
port=$((20000 + RANDOM % 20000))

dotnet "$agent" --prometheus-host 127.0.0.1 --prometheus-port "$port" "$@" >"$work/out" 2>&1 &
pid=$!
for _ in $(seq 600); do grep -q "attached" "$work/out" 2>/dev/null && break; sleep 0.1; done
grep -q "attached" "$work/out" || { cat "$work/out"; exit 1; }
curl -s "http://127.0.0.1:$port/metrics" >/dev/null   # the first scrape pays for JIT

ticks=$(getconf CLK_TCK)
cpu() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$pid/status"; }
count() { curl -s "http://127.0.0.1:$port/metrics" | awk -v c="comm=\"xstorm\"" 'index($0, "nectar_exec_events_total{") == 1 && index($0, c) { print $NF }'; }
dropped() { curl -s "http://127.0.0.1:$port/metrics" | awk '/^nectar_exec_dropped_total/ { print $NF }'; }
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); cpus: $(nproc)"
rss0=$(rss); cpu0=$(cpu); start=$(date +%s.%N)
"$work/exec-storm" "$work/xstorm" "$seconds" "$processes" >"$work/stormed" &
storm=$!
peak=0
while kill -0 "$storm" 2>/dev/null; do
  r=$(rss); [ "$r" -gt "$peak" ] && peak=$r
  sleep 1
done
wait "$storm"
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
cpu_s=$(echo "($(cpu) - $cpu0) / $ticks" | bc -l)
stormed=$(cat "$work/stormed")
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
sleep 2   # one more histogram read and poll
latencies=$(for _ in $(seq 20); do curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/metrics"; done | sort -n)
counted=$(count)
printf 'storm: %d execs in %.1f s = %.0f execs/s\n' "$stormed" "$elapsed" "$(echo "$stormed / $elapsed" | bc -l)"
printf 'agent CPU: %.2f s = %.1f%% of one core, %.2f us per exec; RSS %d KiB before, %d KiB peak\n' \
  "$cpu_s" "$(echo "$cpu_s * 100 / $elapsed" | bc -l)" "$(echo "$cpu_s * 1000000 / $stormed" | bc -l)" "$rss0" "$peak"
echo "scrape latency (20 scrapes of /metrics): median $(echo "$latencies" | sed -n 10p) s, max $(echo "$latencies" | tail -1) s"
echo "nectar_exec_events_total{comm=\"xstorm\"}: $counted of $stormed; nectar_exec_dropped_total: $(dropped)"
kill -TERM "$pid"; wait "$pid" || true
grep "detached" "$work/out" || true
