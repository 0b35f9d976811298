#!/usr/bin/env bash
# Memory of a long-running `ocimirror daemon`: RUNS scheduled runs of one policy (40 tags in 20 repositories,
# triggered back to back through the admin API, every one a warm run after the first), the daemon's resident set
# sampled after 10 runs and then every 10% of the way. A leak shows as growth after the first samples; a daemon
# that keeps nothing per run stays flat.
# Usage: benchmarks/daemon_memory.sh [RUNS]   (default 500)   Needs build/ocimirror, build/ocimirror-testkit.
set -euo pipefail; shopt -s inherit_errexit
cd "$(dirname "$0")/.."
runs=${1:-500}
[ -x build/ocimirror ] && [ -x build/ocimirror-testkit ] || { echo "build first" >&2; exit 2; }
source scripts/registries.sh
work=$(mktemp -d /var/tmp/ocimirror-daemon-mem.XXXXXX); daemon_pid=
trap '[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null; stop_registries; rm -rf "$work"' EXIT
src=$(start_registry "$work/src"); dst=$(start_registry "$work/dst")
echo "seeding: $(build/ocimirror-testkit seed-fleet "$src" 20)"
mirror_config "$work/state" fleet "$src/fleet" "$dst/fleet" > "$work/mirror.yaml"
admin=127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
build/ocimirror daemon --config "$work/mirror.yaml" --listen "$admin" 2>"$work/daemon.err" & daemon_pid=$!
for _ in $(seq 100); do curl -sf "http://$admin/readyz" >/dev/null && break; sleep 0.1; done
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$daemon_pid/status"; }
one_run() {
  curl -sf -X POST "http://$admin/v1/policies/fleet/run" >/dev/null
  for _ in $(seq 1200); do
    st=$(curl -sf "http://$admin/v1/status")
    [ "$(jq -r '.policies[0].running' <<<"$st")" = false ] && break; sleep 0.02
  done
  [ "$(jq -r '.policies[0].lastRun.result' <<<"$st")" = success ] || { echo "run failed:" >&2; tail "$work/daemon.err" >&2; exit 1; }
}
echo "| runs | resident set |"
echo "|---|---|"
step=$(( runs / 10 > 0 ? runs / 10 : 1 ))
for i in $(seq "$runs"); do
  one_run
  if [ "$i" = 10 ] || [ $(( i % step )) = 0 ]; then echo "| $i | $(( $(rss) / 1024 )).$(( $(rss) % 1024 * 10 / 1024 )) MiB |"; fi
  [ "$i" = 10 ] && after10=$(rss)
done
final=$(rss)
python3 -c 'import sys; a, b = int(sys.argv[1]), int(sys.argv[2]); print(f"\nafter {sys.argv[3]} runs: {b/1024:.1f} MiB, after 10: {a/1024:.1f} MiB ({(b-a)/1024:+.1f} MiB)")' "$after10" "$final" "$runs"
