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
start_daemon "$work/mirror.yaml" "$work/daemon.err"
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$daemon_pid/status"; }
echo "| runs | resident set |"
echo "|---|---|"
step=$(( runs / 10 > 0 ? runs / 10 : 1 ))
for i in $(seq "$runs"); do
  daemon_run fleet "$work/daemon.err" >/dev/null
  if [ "$i" = 10 ] || [ $(( i % step )) = 0 ]; then echo "| $i | $(( $(rss) / 1024 )).$(( $(rss) % 1024 * 10 / 1024 )) MiB |"; fi
  [ "$i" = 10 ] && after10=$(rss)
done
final=$(rss)
python3 -c 'import sys; a, b = int(sys.argv[1]), int(sys.argv[2]); print(f"\nafter {sys.argv[3]} runs: {b/1024:.1f} MiB, after 10: {a/1024:.1f} MiB ({(b-a)/1024:+.1f} MiB)")' "$after10" "$final" "$runs"
