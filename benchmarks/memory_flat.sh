#!/usr/bin/env bash
# Peak memory of `ocimirror sync` moving COUNT distinct single-layer images at once (16 transfers in parallel), for
# each layer size given: flat in blob size means the same peak RSS for 64 MiB and for 1 GiB layers.
# Usage: benchmarks/memory_flat.sh [COUNT] [MIB ...]     (default: 16 images, 64 and 1024 MiB; needs COUNT x MIB x 2 of disk)
set -euo pipefail; shopt -s inherit_errexit
cd "$(dirname "$0")/.."
count=${1:-16}; shift || true
sizes=("${@:-64 1024}"); read -r -a sizes <<< "${sizes[*]}"
[ -x build/ocimirror ] && [ -x build/ocimirror-testkit ] || { echo "build first" >&2; exit 2; }
source scripts/registries.sh
work=$(mktemp -d /var/tmp/ocimirror-mem.XXXXXX); trap 'stop_registries; rm -rf "$work"' EXIT
echo "| $count images in parallel, one layer each | ocimirror sync time | throughput | peak RSS |"
echo "|---|---|---|---|"
for mib in "${sizes[@]}"; do
  src=$(start_registry "$work/src-$mib"); dst=$(start_registry "$work/dst-$mib")
  for i in $(seq "$count"); do build/ocimirror-testkit seed-blob "$src/mem/img-$i:v1" "$mib" "$((1000 + i))" >/dev/null; done
  cat > "$work/m-$mib.yaml" <<CFG
state_dir: $work/state-$mib
registries:
  $src: {tls: disabled, max_concurrency: 16}
  $dst: {tls: disabled, max_concurrency: 16}
policies:
  - {name: mem, from: $src/mem, to: $dst/mem}
CFG
  /usr/bin/time -o "$work/t" -f '%e %M' build/ocimirror sync --config "$work/m-$mib.yaml" -q -o json --jobs "$count" > "$work/out"
  read -r secs rss < "$work/t"
  copied=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["policies"][0]["tags"]["copied"])' "$work/out")
  [ "$copied" = "$count" ] || { echo "only $copied of $count copied" >&2; exit 1; }
  python3 -c 'import sys; n,m,s,r=int(sys.argv[1]),int(sys.argv[2]),float(sys.argv[3]),int(sys.argv[4]); print(f"| {m} MiB layers | {s:.1f} s | {n*m/s:.0f} MiB/s | {r//1024} MiB |")' "$count" "$mib" "$secs" "$rss"
  rm -rf "$work/src-$mib/storage" "$work/dst-$mib/storage"
done
