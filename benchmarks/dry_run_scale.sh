#!/usr/bin/env bash
# Planning at scale: `ocimirror sync --dry-run` of REPOS repositories of 10 tags each into an empty registry, for
# each REPOS given; reports the seconds of its steps from `phaseSeconds` (list: the catalog and every tag list;
# plan: each tag's facts, one HEAD per source tag, and one tag list per destination repository) and the requests the
# source received. Linear in tags means the plan's seconds per thousand tags stay the same.
# Usage: benchmarks/dry_run_scale.sh [REPOS ...]   (default: 100 1000)   Needs build/ocimirror, build/ocimirror-testkit.
set -euo pipefail; shopt -s inherit_errexit
cd "$(dirname "$0")/.."
sizes=("${@:-100 1000}"); read -r -a sizes <<< "${sizes[*]}"
[ -x build/ocimirror ] && [ -x build/ocimirror-testkit ] || { echo "build first" >&2; exit 2; }
source scripts/registries.sh
work=$(mktemp -d /var/tmp/ocimirror-scale.XXXXXX); trap 'stop_registries; rm -rf "$work"' EXIT
echo "| tags (repositories) | list | plan | plan per 1,000 tags | whole dry run | ocimirror's CPU | source requests (registry CPU) |"
echo "|---|---|---|---|---|---|---|"
for repos in "${sizes[@]}"; do
  src=$(start_registry "$work/src-$repos" accesslog); dst=$(start_registry "$work/dst-$repos")
  build/ocimirror-testkit seed-scale "$src" "$repos" 10 >/dev/null
  printf 'state_dir: %s\nregistries:\n  %s: {tls: disabled}\n  %s: {tls: disabled}\npolicies:\n  - name: scale\n    from: %s/scale\n    to: %s/scale\n' \
    "$work/state-$repos" "$src" "$dst" "$src" "$dst" > "$work/m-$repos.yaml"
  s0=$(log_lines "$work/src-$repos/registry.log"); c0=$(cpu_seconds "$work/src-$repos")
  /usr/bin/time -o "$work/t" -f '%e %U %S' build/ocimirror sync --config "$work/m-$repos.yaml" --dry-run -o json > "$work/out-$repos.json"
  n=$(requests_in "$work/src-$repos/registry.log" "$s0" | wc -l); c1=$(cpu_seconds "$work/src-$repos")
  read -r e u sy < "$work/t"
  python3 - "$work/out-$repos.json" "$e" "$n" "$repos" "$u" "$sy" "$c0" "$c1" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["policies"][0]
ph, tags = p["phaseSeconds"], int(sys.argv[4]) * 10
own, reg = float(sys.argv[5]) + float(sys.argv[6]), float(sys.argv[8]) - float(sys.argv[7])
print(f"| {tags:,} ({int(sys.argv[4]):,}) | {ph['list']:.2f} s | {ph['plan']:.2f} s | {1000 * ph['plan'] / tags:.3f} s "
      f"| {float(sys.argv[2]):.2f} s | {own:.2f} s | {sys.argv[3]} ({reg:.1f} s) |")
PY
done
